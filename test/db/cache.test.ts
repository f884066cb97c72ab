// @fileoverview The cache directory stays bounded: entries unused for 30 days go, then the least recently used while
// the directory is over its size; other files and directories are left alone.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CACHE_MAX_AGE_DAYS, pruneCache } from "../../src/db/cache.js";

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
