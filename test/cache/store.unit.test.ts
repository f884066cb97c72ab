// @fileoverview The cache directory stays bounded: entries unused for 30 days go, then the least recently used while
// the directory is over its size; other files and directories are left alone. An expensive entry is made once when
// several threads want it at the same time; a lock left by a dead process does not block.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
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
    pruneCache(dir, now, 1000);
    assert.deepEqual(readdirSync(dir).sort(), ["db-c.json", "lib-b.json", "notes.txt", "sub.json"]);
    pruneCache(dir, now, 1000); // within bounds: nothing more goes
    assert.deepEqual(readdirSync(dir).sort(), ["db-c.json", "lib-b.json", "notes.txt", "sub.json"]);
  });

  it("does nothing on a directory that does not exist", () => {
    assert.doesNotThrow(() => pruneCache(join(dir, "missing"), now, 0));
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
