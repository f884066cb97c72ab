// @fileoverview Takes a binary or a source tree for a known application: a binary by strings of its own that it
// carries (its file name alone is not enough: anything can be called nginx), a tree by its files. Reads files, never
// runs them.

import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { App, Recognised } from "./types.js";

/** Binaries larger than this are not read whole for markers (servers are a few MB). */
const MAX_BINARY = 256 * 1024 * 1024;

/** Dotted version comparison: numeric per part, missing parts are 0. */
function compareVersions(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function inRange(app: App, version: string | undefined): boolean {
  if (version === undefined) return false;
  return compareVersions(version, app.versions.min) >= 0 && (app.versions.below === undefined || compareVersions(version, app.versions.below) < 0);
}

function readBounded(path: string): string | undefined {
  try {
    const size = statSync(path).size;
    if (size > MAX_BINARY) return undefined;
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.alloc(size);
      readSync(fd, buf, 0, size, 0);
      return buf.toString("latin1");
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** The application a binary is, when every marker string of one application occurs in it. */
export function recogniseBinary(path: string, apps: readonly App[]): Recognised | undefined {
  const text = readBounded(path);
  if (text === undefined) return undefined;
  for (const app of apps) {
    if (!app.markers.every((m) => text.includes(m))) continue;
    const version = app.version?.exec(text)?.[1];
    const named = app.names.includes(basename(path));
    return { app: app.id, name: app.name, path, ...(version !== undefined ? { version } : {}), inRange: inRange(app, version), by: named ? "markers and file name" : "markers" };
  }
  return undefined;
}

/**
 * The application a source tree is: `path` or one of its parents (up to four levels: a user may point at the tree's
 * src/) holds every file the application lists.
 */
export function recogniseTree(path: string, apps: readonly App[]): Recognised | undefined {
  let dir = resolve(path);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    return undefined;
  }
  for (let up = 0; up <= 4; up++) {
    for (const app of apps) {
      if (!app.sources.files.every((f) => existsSync(join(dir, f)))) continue;
      let version: string | undefined;
      try {
        version = app.sources.pattern.exec(readFileSync(join(dir, app.sources.versionFile), "utf8"))?.[1];
      } catch {
        version = undefined;
      }
      return { app: app.id, name: app.name, path: dir, ...(version !== undefined ? { version } : {}), inRange: inRange(app, version), by: "sources" };
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
