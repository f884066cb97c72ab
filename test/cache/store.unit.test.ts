// @fileoverview The cache directory stays bounded: entries unused for 30 days go, then the least recently used while
// the directory is over its size (--cache-max), and temporary and lock files that a dead process left; other files
// and directories are left alone. A thread that writes keeps the directory within the bound as it goes (two CLI
// scans sharing one cache: shared-cache.test.ts). An expensive entry is made once when several threads want it at
// the same time; a lock left by a dead process does not block.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { CACHE_MAX_AGE_DAYS, makeOnce, pruneCache } from "../../src/cache/store.js";

const DAY = 24 * 3600 * 1000;

describe("cache pruning", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-cache-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const now = Date.now();
  const put = (name: string, bytes: number, ageDays: number): void => {
    const f = join(dir, name);
    writeFileSync(f, "x".repeat(bytes));
    const t = new Date(now - ageDays * DAY);
    utimesSync(f, t, t);
  };

  it("removes entries unused for too long, then the least recently used over the size bound", () => {
    put("lib-old-format.json", 100, CACHE_MAX_AGE_DAYS + 1);
    put("lib-a.json", 400, 3);
    put("lib-b.json", 400, 2);
    put("db-c.json", 400, 1);
    put("notes.txt", 5000, CACHE_MAX_AGE_DAYS + 10); // not ours: kept
    mkdirSync(join(dir, "sub.json")); // a directory: kept
    assert.equal(pruneCache(dir, now, 1000), 800);
    assert.deepEqual(readdirSync(dir).sort(), ["db-c.json", "lib-b.json", "notes.txt", "sub.json"]);
    assert.equal(pruneCache(dir, now, 1000), 800); // within bounds: nothing more goes
    assert.deepEqual(readdirSync(dir).sort(), ["db-c.json", "lib-b.json", "notes.txt", "sub.json"]);
  });

  it("removes temporary and lock files a dead process left, not those in use", () => {
    const sub = mkdtempSync(join(dir, "tmp-"));
    const at = (name: string, ageMs: number): void => {
      writeFileSync(join(sub, name), "x");
      const t = new Date(now - ageMs);
      utimesSync(join(sub, name), t, t);
    };
    at("lib-a.json.123.0.tmp", 2 * 3600 * 1000);
    at("lib-b.json.124.0.tmp", 1000);
    at("lib-c.lock", 2 * 3600 * 1000);
    at("lib-d.lock", 1000);
    assert.equal(pruneCache(sub, now, 1000), 0, "temporary and lock files are not entries");
    assert.deepEqual(readdirSync(sub).sort(), ["lib-b.json.124.0.tmp", "lib-d.lock"]);
  });

  it("does nothing on a directory that does not exist", () => {
    assert.doesNotThrow(() => pruneCache(join(dir, "missing"), now, 0));
  });
});

/** Bytes the entries of a cache directory take. */
const entryBytes = (dir: string): number => readdirSync(dir).filter((n) => n.endsWith(".json")).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

describe("a thread that writes keeps the cache within --cache-max", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-cachemax-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prunes as its writes pass the bound, and never keeps an entry larger than the bound", () => {
    // A process of its own (the store's view of the directory is per thread): 40 entries of 300 bytes, bound 2000.
    const code = `
      import(process.argv[1]).then(({ writeCachedJson }) => {
        const fs = require("node:fs");
        const sizes = [];
        for (let i = 0; i < 40; i++) {
          writeCachedJson("test", "e" + i, "x".repeat(290));
          sizes.push(fs.readdirSync(process.env.UNIFIT_CACHE_DIR).filter((n) => n.endsWith(".json")).reduce((n, f) => n + fs.statSync(process.env.UNIFIT_CACHE_DIR + "/" + f).size, 0));
        }
        writeCachedJson("test", "big", "x".repeat(5000));
        console.log(JSON.stringify(sizes));
      });`;
    const r = spawnSync(process.execPath, ["-e", code, new URL("../../src/cache/store.js", import.meta.url).href], {
      encoding: "utf8",
      env: { ...process.env, UNIFIT_CACHE_DIR: dir, UNIFIT_CACHE_MAX: "2000" },
    });
    assert.equal(r.status, 0, r.stderr);
    const sizes = JSON.parse(r.stdout) as number[];
    assert.equal(sizes.length, 40);
    assert.ok(sizes.every((n) => n <= 2000), sizes.join(" "));
    assert.ok(sizes.some((n) => n >= 1500), "the cache was used up to its bound");
    assert.ok(existsSync(join(dir, "test-e39.json")), "the newest entry is kept");
    assert.ok(!existsSync(join(dir, "test-e0.json")), "the oldest went");
    assert.ok(!existsSync(join(dir, "test-big.json")), "an entry larger than the bound is not kept");
    assert.ok(entryBytes(dir) <= 2000);
  });
});

describe("entries made once", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-lock-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cacheModule = new URL("../../src/cache/store.js", import.meta.url).href;

  it("four threads wanting the same entry: one makes it, the others read it", async () => {
    const log = join(dir, "made.log");
    // Each thread: read = the entry file if present; make = note it in the log, take 300 ms, write the entry.
    const code = `
      const { workerData } = require("node:worker_threads");
      const fs = require("node:fs");
      import(workerData.mod).then(({ makeOnce, readCachedJson, writeCachedJson }) => {
        const got = makeOnce("test", "k", () => readCachedJson("test", "k"), () => {
          fs.appendFileSync(workerData.log, "made\\n");
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
          writeCachedJson("test", "k", { value: 42 });
          return { value: 42 };
        });
        if (got.value !== 42) throw new Error("wrong value");
      });`;
    const env = { ...process.env, UNIFIT_CACHE_DIR: dir };
    const runs = Array.from({ length: 4 }, () => new Promise<number>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { mod: cacheModule, log }, env });
      w.on("error", reject);
      w.on("exit", resolve);
    }));
    assert.deepEqual(await Promise.all(runs), [0, 0, 0, 0]);
    assert.equal(readFileSync(log, "utf8"), "made\n");
    assert.ok(!existsSync(join(dir, "test-k.lock")), "the lock is gone");
  });

  it("a lock left by a process that died is taken over", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const saved = process.env.UNIFIT_CACHE_DIR;
    process.env.UNIFIT_CACHE_DIR = dir;
    try {
      writeFileSync(join(dir, "test-dead.lock"), `${dead.stdout} 0`);
      let made = 0;
      const v = makeOnce("test", "dead", () => undefined, () => ++made);
      assert.equal(v, 1);
      assert.ok(!existsSync(join(dir, "test-dead.lock")));
    } finally {
      if (saved === undefined) delete process.env.UNIFIT_CACHE_DIR;
      else process.env.UNIFIT_CACHE_DIR = saved;
    }
  });
});
