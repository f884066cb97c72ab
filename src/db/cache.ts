// @fileoverview A parsed-and-validated copy of syscall-db kept as JSON, keyed by a hash of every source file:
// parsing the YAML takes over a second, reading this takes milliseconds. The YAML stays the reviewed source.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Database, LibcMap, Surface } from "./types.js";

const FORMAT = 1;

/** Where unifit keeps derived data: $UNIFIT_CACHE_DIR, else $XDG_CACHE_HOME/unifit, else ~/.cache/unifit. */
export function cacheDir(): string {
  return process.env.UNIFIT_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "unifit");
}

/** Hash of the database's YAML files (names and contents) and of the loader's own format. */
export function databaseHash(dir: string, loaderVersion: string): string {
  const h = createHash("sha256").update(`${FORMAT}:${loaderVersion}`);
  for (const sub of ["linux", "targets", "libc", "."]) {
    let names: string[] = [];
    try {
      names = readdirSync(join(dir, sub)).filter((f) => f.endsWith(".yaml")).sort();
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
    const text = readFileSync(join(cacheDir(), `${kind}-${key}.json`), "utf8");
    return (options.revive === false ? JSON.parse(text) : JSON.parse(text, setReviver)) as T;
  } catch {
    return undefined;
  }
}

/** Best effort: a read-only home or a full disk only costs speed. Written atomically (rename). */
export function writeCachedJson(kind: string, key: string, value: unknown): void {
  if (process.env.UNIFIT_NO_CACHE !== undefined) return;
  try {
    const dir = cacheDir();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${kind}-${key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(value, setReplacer));
    renameSync(tmp, file);
  } catch {
    // ignore
  }
}

export function readCached(hash: string): Database | undefined {
  return readCachedJson<Database>("db", hash);
}

export function writeCached(hash: string, db: Database): void {
  writeCachedJson("db", hash, db);
}

export type { LibcMap, Surface };
