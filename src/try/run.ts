// @fileoverview `unifit try`: runs a program on this machine with a target's syscall surface emulated by a seccomp
// filter (src/try/helper.c), once plainly first (the baseline) unless asked not to, and reports what the filter
// refused and whether the program exited as it does without it. Writes nothing to stdout itself.

import { spawn } from "node:child_process";
import { accessSync, closeSync, constants, createWriteStream, fstatSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { loadDatabase, withTargetFiles } from "../db/load.js";
import { UsageError } from "../scan/scan.js";
import { ensureHelper } from "./helper.js";
import { buildReport, HelperResultError, parseHelperResult } from "./result.js";
import type { RunExit, TryReport } from "./result.js";
import { buildFilterSpec, formatSpec } from "./spec.js";
import type { FilterSpec } from "./spec.js";

export const DEFAULT_TIMEOUT_SECONDS = 60;

export interface TryOptions {
  target: string;
  /** The program and its arguments. */
  command: readonly string[];
  /** Run the program once without the filter first and compare exit statuses (default true). */
  baseline?: boolean;
  /** Seconds before a run is killed (SIGKILL); 0: never. Default DEFAULT_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
  dbDir?: string;
  targetFiles?: readonly string[];
}

/** The filter spec for a target name, from the shipped syscall-db (and --target-file files). Throws UsageError. */
function filterSpecFor(target: string, options: { dbDir?: string; targetFiles?: readonly string[] } = {}): FilterSpec {
  if (process.arch !== "x64") throw new UsageError(`unifit try runs on x86_64 Linux only (this is ${process.platform}/${process.arch}): the surfaces are x86-64 tables`);
  const db = withTargetFiles(loadDatabase(options.dbDir), options.targetFiles ?? []);
  const surface = db.surfaces.get(target.replace(/:default$/, ""));
  if (surface === undefined) throw new UsageError(`unknown target "${target}" (known: ${[...db.surfaces.keys()].sort().join(", ")})`);
  if (surface.noPosix !== undefined) throw new UsageError(`${surface.name} has no POSIX surface, so there is nothing to try: ${surface.noPosix}`);
  return buildFilterSpec(surface, db.tables.x86_64);
}

/** PROGRAM as execvp would find it: a path with a slash as given, else the first executable file on $PATH. */
function resolveProgram(program: string, path: string = process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin"): string {
  const ok = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (program === "") throw new UsageError("no program given");
  if (program.includes("/")) {
    if (!ok(program)) throw new UsageError(`${program}: not an executable file`);
    return program;
  }
  for (const dir of path.split(delimiter)) {
    const p = join(dir === "" ? "." : dir, program);
    if (ok(p)) return p;
  }
  throw new UsageError(`${program}: command not found on PATH`);
}

async function runHelper(helper: string, args: readonly string[], stdin: number | "inherit" | "ignore", quiet: boolean): Promise<number> {
  return await new Promise((resolve, reject) => {
    const child = spawn(helper, args, { stdio: [stdin, quiet ? "ignore" : "inherit", quiet ? "ignore" : "inherit"] });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? 128 + (signal !== null ? 9 : 0)));
  });
}

async function runOnce(helper: string, dir: string, name: string, spec: FilterSpec | null, program: string, command: readonly string[], timeoutMs: number, stdinFile: string | undefined, quiet: boolean) {
  const result = join(dir, `${name}.result`);
  const args = spec === null ? ["--plain"] : ["--spec", join(dir, "spec")];
  args.push("--result", result, "--timeout", String(timeoutMs), "--", program, ...command);
  const fd = stdinFile !== undefined ? openSync(stdinFile, "r") : undefined;
  let status: number;
  try {
    status = await runHelper(helper, args, fd ?? "inherit", quiet);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  let text: string;
  try {
    text = readFileSync(result, "utf8");
  } catch {
    throw new UsageError(`the try helper failed before running ${command[0] ?? program} (status ${status}; see its message above)`);
  }
  try {
    return parseHelperResult(text);
  } catch (e) {
    if (e instanceof HelperResultError) throw new UsageError(`the try helper wrote a bad result: ${e.message}`);
    throw e;
  }
}

/**
 * Runs `command` under the target's emulated surface (after a plain baseline run unless options.baseline is false)
 * and returns the report. The program's standard streams are the caller's; the baseline's output is discarded.
 * Throws UsageError for unifit's own errors (unknown target, program not found, helper cannot be built).
 */
export async function tryProgram(options: TryOptions): Promise<TryReport> {
  const spec = filterSpecFor(options.target, options);
  const [first] = options.command;
  if (first === undefined) throw new UsageError("no program given (unifit try --target T -- PROGRAM ARGS...)");
  const program = resolveProgram(first);
  const helper = ensureHelper();
  const timeout = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isFinite(timeout) || timeout < 0) throw new UsageError("--timeout must be a number of seconds (0: none)");
  const timeoutMs = Math.round(timeout * 1000);
  const withBaseline = options.baseline ?? true;
  const dir = mkdtempSync(join(tmpdir(), "unifit-try-"));
  try {
    writeFileSync(join(dir, "spec"), formatSpec(spec));
    const stdinFile = withBaseline ? await spillStdin(dir, timeoutMs) : undefined;
    let baseline: RunExit | null = null;
    if (withBaseline) baseline = (await runOnce(helper, dir, "baseline", null, program, options.command, timeoutMs, stdinFile, true)).exit;
    const filtered = await runOnce(helper, dir, "filtered", spec, program, options.command, timeoutMs, stdinFile, false);
    return buildReport(spec, options.command, filtered, baseline);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The standard input both runs get. A pipe, socket or regular file would be used up by the baseline, so it is
 * copied to a temporary file first and each run reads the copy from the start; a terminal or a device is shared
 * (an interactive program reads it twice: use --no-baseline). A pipe that stays open past the timeout is an error
 * rather than a hang.
 */
async function spillStdin(dir: string, timeoutMs: number): Promise<string | undefined> {
  let st;
  try {
    st = fstatSync(0);
  } catch {
    return undefined;
  }
  const file = join(dir, "stdin");
  if (st.isFile()) {
    const out = openSync(file, "w");
    const buf = Buffer.alloc(1 << 16);
    try {
      for (let n; (n = readSync(0, buf, 0, buf.length, null)) > 0; ) writeSync(out, buf, 0, n);
    } finally {
      closeSync(out);
    }
    return file;
  }
  if (!st.isFIFO() && !st.isSocket()) return undefined;
  const input = new Socket({ fd: 0, readable: true, writable: false });
  const out = createWriteStream(file);
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      if (timeoutMs > 0) {
        const why = `standard input was still open after ${timeoutMs / 1000} s; it is read to its end first so that both runs get it (use --no-baseline to pass it to the program directly)`;
        timer = setTimeout(() => reject(new UsageError(why)), timeoutMs);
      }
      input.on("error", reject);
      out.on("error", reject);
      out.on("finish", () => resolve());
      input.pipe(out);
    });
  } finally {
    clearTimeout(timer);
    input.destroy();
    out.destroy();
  }
  return file;
}
