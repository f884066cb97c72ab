// @fileoverview Creating a directory and its missing parents, one level at a time. Node's `mkdirSync(dir,
// { recursive: true })` never returns where mkdir answers ENOENT for a parent that exists: under /proc it retries
// the parent and the child in turn forever (UNIFIT_CACHE_DIR=/proc/x hung every scan). Here the work is one mkdir
// per component of the path, and any answer but "already there" is the error.

import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Creates `dir` and its missing parents; throws the first error other than EEXIST, or ENOTDIR if `dir` is not one. */
export function makeDirs(dir: string): void {
  const target = resolve(dir);
  const chain: string[] = [];
  for (let p = target; ; p = dirname(p)) {
    chain.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of chain.reverse()) {
    try {
      mkdirSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  if (!statSync(target).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${target}'`), { code: "ENOTDIR", path: target });
  }
}
