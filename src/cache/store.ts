// @fileoverview Where unifit keeps derived data between runs (the parsed syscall-db, validated rules, library facts,
// the reports of an image's files): JSON entries by kind and key, written atomically, made once when several threads
// want the same entry, and pruned to a size bound. Every part of unifit that caches goes through here.

import { closeSync, fstatSync, futimesSync, openSync, readFileSync, readSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread, threadId } from "node:worker_threads";
import { compareStrings } from "../util/compare.js";
import { makeDirs } from "../util/make-dirs.js";

/** Where unifit keeps derived data: $UNIFIT_CACHE_DIR, else $XDG_CACHE_HOME/unifit, else ~/.cache/unifit. */
export function cacheDir(): string {
  return process.env.UNIFIT_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "unifit");
}

/**
 * Where a scan may put a scratch file, in order of preference: the cache directory (on disk, where the system's
 * temporary directory may be memory) unless caching is off, then the temporary directory. `create`: whether the
 * directory is ours to create when missing (the cache directory is; the system's temporary directory is not).
 */
export function scratchDirs(): { dir: string; create: boolean }[] {
  const tmp = { dir: tmpdir(), create: false };
  return process.env.UNIFIT_NO_CACHE !== undefined ? [tmp] : [{ dir: cacheDir(), create: true }, tmp];
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
  const text = readCachedText(kind, key);
  if (text === undefined) return undefined;
  try {
    return (options.revive === false ? JSON.parse(text) : JSON.parse(text, setReviver)) as T;
  } catch {
    return undefined;
  }
}

/** A cached entry's text as written (writeCachedText), not parsed: for entries that are passed on as text. */
export function readCachedText(kind: string, key: string): string | undefined {
  return readCachedBytes(kind, key)?.toString("utf8");
}

/**
 * A cached entry's bytes (UTF-8, as writeCachedText wrote them), not decoded: an entry that is passed on to a file
 * as it is (an image file's report) never becomes a string. `alloc`: where to read them (a buffer of at least the
 * size asked for, such as a recycled one); the bytes returned are then a view of it.
 */
export function readCachedBytes(kind: string, key: string, alloc?: (size: number) => Buffer): Buffer | undefined {
  if (process.env.UNIFIT_NO_CACHE !== undefined) return undefined;
  pruneAtExit();
  const file = join(cacheDir(), `${kind}-${key}.json`);
  if (alloc === undefined) {
    try {
      const bytes = readFileSync(file);
      touch(file);
      return bytes;
    } catch {
      return undefined;
    }
  }
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    // An entry is replaced by a rename, never written in place: the open file's bytes are those of one whole entry.
    const size = fstatSync(fd).size;
    const into = alloc(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, into, at, size - at, at);
      if (n === 0) return undefined;
      at += n;
    }
    try {
      const now = new Date();
      futimesSync(fd, now, now);
    } catch {
      // a read-only cache still works
    }
    return into.subarray(0, size);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Best effort: a read-only home or a full disk only costs speed. Written atomically (rename). */
export function writeCachedJson(kind: string, key: string, value: unknown): void {
  writeCachedText(kind, key, JSON.stringify(value, setReplacer));
}

/**
 * An entry's text as is (see writeCachedJson). Other processes read the directory at the same time: the entry is
 * written to a file of this thread's own and renamed into place, so a reader sees the whole entry or none. An entry
 * larger than the cache's bound is not kept.
 */
export function writeCachedText(kind: string, key: string, text: string): void {
  if (process.env.UNIFIT_NO_CACHE !== undefined) return;
  const max = cacheMaxBytes();
  const size = Buffer.byteLength(text);
  if (size > max) return;
  pruneAtExit();
  let tmp: string | undefined;
  try {
    const dir = cacheDir();
    makeDirs(dir);
    const file = join(dir, `${kind}-${key}.json`);
    tmp = `${file}.${process.pid}.${threadId}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    tmp = undefined;
    written += size;
    // This thread's view of the directory: its size at the last pruning plus what the thread wrote since.
    if (knownBytes === undefined || knownBytes + written > max) prune(dir, max);
  } catch {
    // A read-only or full disk only costs speed; a half-written file of ours goes.
    if (tmp !== undefined) remove(tmp);
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
      makeDirs(dir);
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

/** The cache's bounds: entries unused this long go, and the oldest go while the directory holds more than the size bound. */
export const CACHE_MAX_AGE_DAYS = 30;
/** The size bound when none is set (`--cache-max`, which sets $UNIFIT_CACHE_MAX in bytes). */
export const DEFAULT_CACHE_MAX = 1024 ** 3;
/** A temporary or lock file older than this was left by a process that died (an entry takes seconds to make). */
const ABANDONED_MS = 3600 * 1000;

/** The cache's size bound in bytes: $UNIFIT_CACHE_MAX (a whole number of bytes), else DEFAULT_CACHE_MAX. */
export function cacheMaxBytes(): number {
  const v = process.env.UNIFIT_CACHE_MAX;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : DEFAULT_CACHE_MAX;
}

/** The directory's size after this thread last pruned it, and the bytes the thread wrote since. */
let knownBytes: number | undefined;
let written = 0;
/** When this thread last read the whole directory (ms; the process's start before it ever did). */
let lastScan = performance.timeOrigin;
let exitHook = false;

/** Marks an entry as used (its mtime), so that pruning removes the entries unused longest. Best effort. */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // a read-only cache still works
  }
}

function remove(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // another process removed it first, or it cannot be removed
  }
}

function prune(dir: string, max: number): void {
  lastScan = Date.now();
  knownBytes = pruneCache(dir, lastScan, max);
  written = 0;
}

/**
 * Several processes may share the directory, and each knows only what it wrote itself: a process that used the cache
 * prunes it once more as it exits when the directory changed (an entry renamed in or removed) since it last looked.
 * The last writer to exit then sees every entry, so a directory at rest holds no more than the bound.
 */
function pruneAtExit(): void {
  if (exitHook || !isMainThread) return;
  exitHook = true;
  process.once("exit", () => {
    if (process.env.UNIFIT_NO_CACHE !== undefined) return;
    const dir = cacheDir();
    try {
      // (with a margin for file systems whose times are coarser than the clock's)
      if (statSync(dir).mtimeMs + 2000 < lastScan) return;
    } catch {
      return;
    }
    prune(dir, cacheMaxBytes());
  });
}

/**
 * Keeps the cache directory bounded (entries of older unifit versions and of libraries no longer scanned would
 * otherwise pile up): removes the entries unused for CACHE_MAX_AGE_DAYS, then the least recently used ones while the
 * directory holds more than `maxBytes`, and temporary and lock files that processes which died left behind. Entries
 * that vanish meanwhile (another process pruning) are skipped. Returns the bytes the entries left take. Best effort.
 */
export function pruneCache(dir: string = cacheDir(), now: number = Date.now(), maxBytes: number = cacheMaxBytes()): number {
  let entries: { file: string; size: number; mtimeMs: number }[] = [];
  try {
    for (const name of readdirSync(dir)) {
      const entry = name.endsWith(".json");
      if (!entry && !name.endsWith(".tmp") && !name.endsWith(".lock")) continue;
      const file = join(dir, name);
      try {
        const st = statSync(file);
        if (!st.isFile()) continue;
        if (entry) entries.push({ file, size: st.size, mtimeMs: st.mtimeMs });
        else if (now - st.mtimeMs > ABANDONED_MS) remove(file);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    return 0;
  }
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
  return total;
}
