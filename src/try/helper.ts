// @fileoverview Builds the C helper of `unifit try` (src/try/helper.c) on first use with `cc ... -lseccomp` into the
// unifit cache, keyed by a hash of its source, and returns its path. libseccomp (rather than hand-written BPF): it
// is maintained, compiles argument comparisons (clone's CLONE_THREAD bit, kill's pid) correctly for each arch, and
// wraps the user-notification API the exact counts rely on.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../cache/store.js";
import { UsageError } from "../scan/scan.js";
import { makeDirs } from "../util/make-dirs.js";
import { packageInfo } from "../util/package-root.js";

const FLAGS = ["-O2", "-Wall"];
const LIBS = ["-lseccomp"];

function helperSource(): string {
  return join(packageInfo().root, "src", "try", "helper.c");
}

/** The helper's path, building it when the cached copy is missing or its source changed. Throws UsageError. */
export function ensureHelper(dir: string = cacheDir()): string {
  const src = helperSource();
  let text: Buffer;
  try {
    text = readFileSync(src);
  } catch (e) {
    throw new UsageError(`cannot read the try helper's source ${src}: ${(e as Error).message}`);
  }
  const cc = process.env.CC !== undefined && process.env.CC !== "" ? process.env.CC : "cc";
  const hash = createHash("sha256").update(text).update([cc, ...FLAGS, ...LIBS].join(" ")).digest("hex").slice(0, 16);
  const out = join(dir, `try-helper-${hash}`);
  if (existsSync(out)) return out;
  try {
    makeDirs(dir);
  } catch (e) {
    throw new UsageError(`cannot create the cache directory ${dir} for the try helper: ${(e as Error).message}`);
  }
  const tmp = `${out}.${process.pid}.tmp`;
  const r = spawnSync(cc, [...FLAGS, "-o", tmp, src, ...LIBS], { encoding: "utf8" });
  if (r.error !== undefined) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UsageError(missing ? `cannot build the try helper: no C compiler "${cc}" (install gcc)` : `cannot build the try helper: ${r.error.message}`);
  }
  if (r.status !== 0) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    const err = r.stderr ?? "";
    if (/seccomp\.h|-lseccomp/.test(err)) throw new UsageError("cannot build the try helper: libseccomp is missing (install libseccomp-dev)");
    const first = err.split("\n").find((l) => /error/.test(l)) ?? err.split("\n")[0] ?? "";
    throw new UsageError(`cannot build the try helper with ${cc}: ${first.trim()}`);
  }
  renameSync(tmp, out);
  // Helpers built from other sources are removed once they are a day old: another unifit (another checkout, or an
  // older install) may still be running its own.
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(dir)) {
    if (/^try-helper-[0-9a-f]{16}$/.test(name) && join(dir, name) !== out && mtimeOf(join(dir, name)) < dayAgo) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // another process may be using or removing it
      }
    }
  }
  return out;
}

/** A file's modification time in ms, or +Infinity when it cannot be read (then it is left alone). */
function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}
