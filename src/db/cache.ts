// @fileoverview A parsed-and-validated copy of syscall-db kept as JSON, keyed by a hash of every source file:
// parsing the YAML takes over a second, reading this takes milliseconds. The YAML stays the reviewed source.

import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import type { Database, LibcMap, Surface } from "./types.js";
import { compareStrings } from "../util/compare.js";

const FORMAT = 3;

/** Where unifit keeps derived data: $UNIFIT_CACHE_DIR, else $XDG_CACHE_HOME/unifit, else ~/.cache/unifit. */
export function cacheDir(): string {
  return process.env.UNIFIT_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "unifit");
}

/** Hash of the database's YAML files (names and contents) and of the loader's own format. */
export function databaseHash(dir: string, loaderVersion: string): string {
  const h = createHash("sha256").update(`${FORMAT}:${loaderVersion}`);
  for (const sub of ["linux", "targets", "libc", "fallbacks", "."]) {
    let names: string[] = [];
    try {
      // fallbacks/schema.json is part of the validation, so a change to it must re-validate.
      names = readdirSync(join(dir, sub)).filter((f) => f.endsWith(".yaml") || (sub === "fallbacks" && f === "schema.json")).sort();
    } catch {
      continue;
    }
    for (const n of names) h.update(`${sub}/${n}\u0000`).update(readFileSync(join(dir, sub, n)));
  }
  return h.digest("hex").slice(0, 32);
}

const setReplacer = (_key: string, value: unknown): unknown => {
  if (value instanceof Map) return { $map: [...value.entries()] };
  if (value instanceof Set) return { $set: [...value] };
  return value;
};

const setReviver = (_key: string, value: unknown): unknown => {
  if (typeof value === "object" && value !== null) {
    if ("$map" in value) return new Map((value as { $map: [unknown, unknown][] }).$map);
    if ("$set" in value) return new Set((value as { $set: unknown[] }).$set);
  }
  return value;
};

/** A cached JSON value (Maps and Sets restored) by kind and key, or undefined. */
export function readCachedJson<T>(kind: string, key: string, options: { revive?: boolean } = {}): T | undefined {
  if (process.env.UNIFIT_NO_CACHE !== undefined) return undefined;
  try {
    const file = join(cacheDir(), `${kind}-${key}.json`);
    const text = readFileSync(file, "utf8");
    touch(file);
    return (options.revive === false ? JSON.parse(text) : JSON.parse(text, setReviver)) as T;
  } catch {
    return undefined;
  }
}

/** A cached entry's text as written (writeCachedText), not parsed: for entries that are passed on as text. */
export function readCachedText(kind: string, key: string): string | undefined {
  if (process.env.UNIFIT_NO_CACHE !== undefined) return undefined;
  try {
    const file = join(cacheDir(), `${kind}-${key}.json`);
    const text = readFileSync(file, "utf8");
    touch(file);
    return text;
  } catch {
    return undefined;
  }
}

/** Best effort: a read-only home or a full disk only costs speed. Written atomically (rename). */
export function writeCachedJson(kind: string, key: string, value: unknown): void {
  writeCachedText(kind, key, JSON.stringify(value, setReplacer));
}

/** An entry's text as is (see writeCachedJson). */
export function writeCachedText(kind: string, key: string, text: string): void {
  if (process.env.UNIFIT_NO_CACHE !== undefined) return;
  try {
    const dir = cacheDir();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${kind}-${key}.json`);
    const tmp = `${file}.${process.pid}.${threadId}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    if (!pruned) {
      pruned = true;
      pruneCache(dir);
    }
  } catch {
    // ignore
  }
}

/** How long a thread waits for another to make an entry before making it itself. */
const LOCK_WAIT_MS = 120_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Whether the process that wrote a lock file is gone (then the lock is stale). */
function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, "utf8").split(" ")[0]);
    // No pid yet: its holder may be between creating the file and writing to it; only an old one is abandoned.
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - statSync(lock).mtimeMs > 5000;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as { code?: string }).code === "ESRCH";
  }
}

/**
 * An entry that is expensive to make (a library's analysis) is made by one thread or process at a time: the first
 * takes a lock file beside the entry and makes it (`make`, which writes the entry); the others wait for the entry and
 * read it (`read`) instead of making it again. A lock left by a process that died is taken over; after LOCK_WAIT_MS,
 * or without a usable cache directory, the caller makes the entry itself.
 */
export function makeOnce<T>(kind: string, key: string, read: () => T | undefined, make: () => T): T {
  if (process.env.UNIFIT_NO_CACHE !== undefined) return make();
  const dir = cacheDir();
  const lock = join(dir, `${kind}-${key}.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    let fd: number;
    try {
      mkdirSync(dir, { recursive: true });
      fd = openSync(lock, "wx");
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") return make();
      const ready = read();
      if (ready !== undefined) return ready;
      if (Date.now() > deadline) return make();
      if (lockIsStale(lock)) {
        try {
          unlinkSync(lock);
          continue; // taken over: try again at once
        } catch {
          // another waiter took it over first, or it cannot be removed: wait as for a live holder
        }
      }
      Atomics.wait(sleeper, 0, 0, 10);
      continue;
    }
    try {
      try {
        writeSync(fd, `${process.pid} ${threadId}`);
      } catch {
        // a full disk: the lock still holds by its existence (and is abandoned after 5 s without a pid)
      } finally {
        closeSync(fd);
      }
      return read() ?? make(); // made by another while this one waited for the lock
    } finally {
      try {
        unlinkSync(lock);
      } catch {
        // removed as stale by another: nothing to do
      }
    }
  }
}

/** The cache's bounds: entries unused this long go, and the oldest go while the directory holds more than this. */
export const CACHE_MAX_AGE_DAYS = 30;
export const CACHE_MAX_BYTES = 512 * 1024 * 1024;
let pruned = false;

/** Marks an entry as used (its mtime), so that pruning removes the entries unused longest. Best effort. */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // a read-only cache still works
  }
}

/**
 * Keeps the cache directory bounded (entries of older unifit versions and of libraries no longer scanned would
 * otherwise pile up): removes the entries unused for CACHE_MAX_AGE_DAYS, then the least recently used ones while the
 * directory holds more than CACHE_MAX_BYTES. Run at most once per process, after it writes an entry. Best effort.
 */
export function pruneCache(dir: string = cacheDir(), now: number = Date.now(), maxBytes: number = CACHE_MAX_BYTES): void {
  let entries: { file: string; size: number; mtimeMs: number }[] = [];
  try {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith(".json")) continue;
      const file = join(dir, name);
      try {
        const st = statSync(file);
        if (st.isFile()) entries.push({ file, size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    return;
  }
  const remove = (file: string): void => {
    try {
      unlinkSync(file);
    } catch {
      // another process may have removed it
    }
  };
  const maxAge = CACHE_MAX_AGE_DAYS * 24 * 3600 * 1000;
  entries = entries.filter((e) => {
    if (now - e.mtimeMs <= maxAge) return true;
    remove(e.file);
    return false;
  });
  let total = entries.reduce((n, e) => n + e.size, 0);
  entries.sort((a, b) => a.mtimeMs - b.mtimeMs || compareStrings(a.file, b.file));
  for (const e of entries) {
    if (total <= maxBytes) break;
    remove(e.file);
    total -= e.size;
  }
}

export function readCached(hash: string): Database | undefined {
  return readCachedJson<Database>("db", hash);
}

export function writeCached(hash: string, db: Database): void {
  writeCachedJson("db", hash, db);
}

export type { LibcMap, Surface };
