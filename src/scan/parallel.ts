// @fileoverview scan (over worker threads; the public entry point) and scanPaths (in this thread, for plan): the main thread expands the
// paths and hands files out one at a time, two ahead per worker (no batches for a large binary to hold up, and no
// worker idle while this thread writes a report out); each worker loads the database (cached) and scans what it
// gets. Identical files are scanned once either way.
// Results are put in path order as they come in, so the bytes out do not depend on the number of workers.
//
// Streaming (`onFileJson`): each file's report is serialised where it was made (a worker) and handed on in path
// order as soon as the files before it are done; the caller writes it out and nothing keeps it. `onFileReport`
// does the same with the report objects (for formats that read them). Memory then stays
// bounded by the few files in flight, however many files the scan covers.

import { errnoCode } from "../input/errors.js";
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadCompileCommands, type CompileDatabase } from "../source/compile-commands.js";
import { availableParallelism } from "node:os";
import { LibrarySession } from "../analyze/libraries.js";
import { loadDatabase, withTargetFiles } from "../db/load.js";
import { expandPaths, isSourcePath } from "../input/expand.js";
import type { ImageLimits } from "../image/layers.js";
import { sniffImage } from "../image/open.js";
import { scanImage } from "./image.js";
import type { ImageReport } from "../types.js";
import { failsOn } from "../verdict/rate.js";
import type { Input } from "../input/expand.js";
import { fileJson, fileJsonSize, fileJsonText } from "../report/json.js";
import type { FileJson } from "../report/types.js";
import type { FailOn, FileReport, InputError, Report, Severity } from "../types.js";
import { reportShell, rulesFor, scanFile, scanSourceProgramAsync, selectTargets, withRuleSettings } from "./scan.js";
import { sourceIndex, type SourceIndex } from "./join.js";
import type { FileBudget, FileOptions, InThreadOptions } from "./scan.js";
import { BudgetedPool, DEFAULT_FILE_MEMORY_MB, DEFAULT_FILE_TIMEOUT_MS } from "./pool.js";
import type { WorkerSetup } from "./worker.js";
import { byPath } from "../util/compare.js";
import { globRegExp } from "../verdict/suppress.js";
import type { Ignore } from "../verdict/suppress.js";
import { SummaryTally, fileVerdicts } from "./summary.js";
import type { FileVerdicts } from "./summary.js";

/** The options of `scan`, the one entry point of the public API (src/index.ts). */
export interface ScanOptions {
  /** Target names, or ["all"]; the targets that run an unmodified Linux binary when absent or empty (defaultTargets). */
  targets?: readonly string[];
  /** The level at which `ScanResult.fails` is set ("blocker" by default). */
  failOn?: FailOn;
  /**
   * Root of the file system the programs will run on; their shared libraries are read from there ("/" by default).
   * null: do not read libraries, follow imports through the curated libc maps only.
   */
  sysroot?: string | null;
  /** syscall-db directory (the package's by default). */
  dbDir?: string;
  /** Extra target files (--target-file). */
  targetFiles?: readonly string[];
  /** Rules turned off or capped (unifit.config.json "rules"). */
  ruleSettings?: Readonly<Record<string, "off" | Severity>>;
  /** Config-level ignores (unifit.config.json "ignore"). */
  ignores?: readonly Ignore[];
  /** Drop expanded files whose path matches one of these globs (unifit.config.json "exclude"). */
  exclude?: readonly string[];
  /**
   * Worker threads (default: the machine's available parallelism less one, at least one, at most 8 and one per 100
   * files). With one job, a scan of fewer than 100 files runs in this thread unless `isolate` is set.
   */
  jobs?: number;
  onFile?: (input: Input, index: number, total: number) => void;
  /**
   * Stream the files out instead of keeping them: called with each file's report as `fileJson` serialises it (one line of the report), in path order. The returned report then has no files (its summary still counts them). Bytes in it are valid during the call only (a reused buffer).
   */
  onFileJson?: (json: FileJson) => void;
  /**
   * Stream the files out as objects instead of keeping them (when `onFileJson` is not given): each file's report in
   * path order; the returned report then has no files (its summary still counts them).
   */
  onFileReport?: (file: FileReport) => void;
  /** Called once before any file, with the report's fixed part (schema version, tool, targets, failOn). */
  onHead?: (shell: Report) => void;
  /** C/C++: compile_commands.json (default: the first one at the root of a directory argument). */
  compileCommands?: string;
  /** Directories to scan as root file systems (as well as those detected by their /etc, /usr and /lib*). */
  rootfs?: readonly string[];
  /** Which platform of a multi-platform image ("linux/amd64" by default). */
  platform?: string;
  /** Bounds on images (per file and per image, uncompressed). */
  imageLimits?: Partial<ImageLimits>;
  /**
   * Per-file budget (default DEFAULT_FILE_TIMEOUT_MS and DEFAULT_FILE_MEMORY_MB): a file over it is one error line
   * and the scan goes on. It holds for files scanned in worker threads, and for each source file's parse.
   */
  budget?: FileBudget;
  /** Scan binaries in a worker thread even with one job, so that the budget holds for a small scan too. */
  isolate?: boolean;
}

/** One file's outcome as a worker sends it. */
export interface WorkerResult {
  index: number;
  error?: InputError;
  report?: FileReport;
  json?: FileJson;
  verdicts?: FileVerdicts;
  /** The report does not depend on the file's path (see portable): a twin may reuse it. */
  portable?: boolean;
}

/** A scan's result (the report's files are empty when they were streamed). */
export interface ScanResult {
  report: Report;
  /** Some file has a verdict at or over failOn (the exit code's 1). */
  fails: boolean;
}

/** Bytes hashed at a time by fileDigest. */
const DIGEST_CHUNK = 1024 * 1024;
let digestBuffer: Buffer | undefined;

/**
 * A file's sha256, read through one reused 1 MiB buffer: twins are as large as the files of the scan (up to the
 * 2 GiB limit), and reading them whole to hash them held each one in memory beside the workers' files in flight.
 */
function fileDigest(path: string): string {
  const buf = (digestBuffer ??= Buffer.allocUnsafe(DIGEST_CHUNK));
  const h = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}

/**
 * Identical ELF files (a binary installed under two names, the same package unpacked twice) are scanned once: for
 * each input, the index of the first input with the same size and the same bytes, or -1. Only files that share
 * their size with another are read and hashed here.
 */
export function findTwins(inputs: readonly Input[]): Int32Array {
  const twin = new Int32Array(inputs.length).fill(-1);
  const bySize = new Map<number, number[]>();
  inputs.forEach((input, i) => {
    if (input.kind !== "elf" || input.size === 0) return;
    const l = bySize.get(input.size);
    if (l === undefined) bySize.set(input.size, [i]);
    else l.push(i);
  });
  for (const group of bySize.values()) {
    if (group.length < 2) continue;
    const first = new Map<string, number>();
    for (const i of group) {
      let digest: string;
      try {
        digest = fileDigest((inputs[i] as Input).path);
      } catch {
        continue; // unreadable: scanned on its own, where the error is reported
      }
      const f = first.get(digest);
      if (f === undefined) first.set(digest, i);
      else twin[i] = f;
    }
  }
  return twin;
}

/**
 * Whether a file's report would be the same under another path: an ELF report whose library search did not start
 * from the file's own directory ($ORIGIN in RPATH/RUNPATH, or a relative DT_NEEDED with a slash).
 */
function portable(r: FileReport): boolean {
  if (r.kind !== "elf" || r.binary === undefined) return false;
  const b = r.binary;
  if ([...b.rpath, ...b.runpath].some((d) => d.includes("ORIGIN"))) return false;
  return !b.needed.some((n) => n.includes("/") && !n.startsWith("/"));
}

/** The outcome of a twin: the first file's outcome under the twin's path, or undefined when it cannot be reused. */
export function asTwin(first: WorkerResult, index: number, path: string): WorkerResult | undefined {
  if (first.portable !== true) return undefined;
  if (first.report !== undefined) return { index, report: { ...first.report, path }, portable: true };
  if (typeof first.json !== "string" || first.verdicts === undefined) return undefined;
  const head = `{"path":${JSON.stringify(first.verdicts.path)}`;
  if (!first.json.startsWith(head)) return undefined;
  return {
    index,
    json: `{"path":${JSON.stringify(path)}${first.json.slice(head.length)}`,
    verdicts: { ...first.verdicts, path },
    portable: true,
  };
}

/**
 * The C/C++ inputs, analysed here as one program before any file is handed out (a call in one file may reach a fork
 * in another): their reports by path. The scan then takes them in path order like any other file's.
 */
async function sourceReports(
  inputs: readonly Input[],
  given: readonly string[],
  scan: (paths: string[]) => ReturnType<typeof scanSourceProgramAsync>,
): Promise<{ reports: Map<string, FileReport | InputError>; index?: SourceIndex }> {
  const paths = inputs.filter((i) => isSourcePath(i.path)).map((i) => i.path);
  if (paths.length === 0) return { reports: new Map<string, FileReport | InputError>() };
  const { reports, functions } = await scan(paths);
  // The binaries of the scan are placed in these sources (scan/join.ts).
  const index = inputs.length > paths.length ? sourceIndex(given, reports, functions) : undefined;
  return index === undefined ? { reports } : { reports, index };
}

/**
 * The compilation database for the C/C++ inputs: the one named, else a compile_commands.json at the root of the first
 * directory argument that has one; none when no source file is scanned. A database that cannot be read is the
 * scan's error (one line) and the sources are analysed without it.
 */
function compileDatabaseFor(paths: readonly string[], given: string | undefined, inputs: readonly Input[]): { db?: CompileDatabase; error?: InputError } {
  if (!inputs.some((i) => isSourcePath(i.path))) return {};
  let file = given;
  if (file === undefined) {
    for (const p of paths) {
      const candidate = join(p, "compile_commands.json");
      if (existsSync(candidate) && statSync(p).isDirectory()) {
        file = candidate;
        break;
      }
    }
  }
  if (file === undefined) return {};
  try {
    return { db: loadCompileCommands(file) };
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { error: { path: file, code: code !== undefined ? errnoCode(e) : "BAD_COMPILE_COMMANDS", message: `${code !== undefined ? "cannot read" : "not a compilation database"}: ${(e as Error).message}` } };
  }
}

/** Files per worker thread below which another worker does not pay for its start-up (default --jobs). */
const FILES_PER_WORKER = 100;

/** Files handed to the pool per worker ahead of their results (the next waits in its queue, not in a message). */
const IN_FLIGHT = 2;

/** How many finished files may wait for an earlier one (a large binary) before no more are handed out. */
const MAX_WAITING = 256;
/** And how many bytes of serialised reports may wait so. */
const MAX_WAITING_BYTES = 64 * 1024 * 1024;

/**
 * Scans paths (ELF files, C/C++ sources, directories, container images, root file systems) against the selected
 * targets and returns one deterministic report, the same bytes for any number of worker threads. Inputs that cannot
 * be read become the report's errors; the scan goes on. Never executes what it scans, never uses the network.
 */
export async function scan(paths: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const db = withTargetFiles(loadDatabase(options.dbDir), options.targetFiles ?? []);
  const targets = options.targets ?? [];
  const surfaces = selectTargets(db, targets);
  // Images and root file systems are scanned whole (after the other paths); everything else as files.
  const rootfs = new Set(options.rootfs ?? []);
  const images = [...rootfs, ...paths.filter((p) => !rootfs.has(p) && sniffImage(p) !== undefined)];
  const expanded = expandPaths(paths.filter((p) => !images.includes(p)));
  const excluded = (options.exclude ?? []).map(globRegExp);
  const inputs = [...expanded.inputs].filter((i) => !excluded.some((re) => re.test(i.path))).sort(byPath);
  const rules = withRuleSettings(rulesFor(db, undefined), options.ruleSettings);
  // An ignore that names paths can tell two identical files apart: then each is scanned on its own.
  const pathIgnores = (options.ignores ?? []).some((g) => g.path !== undefined);
  const failOn = options.failOn ?? "blocker";
  const names = surfaces.map((s) => s.name);
  options.onHead?.(reportShell(surfaces, [], new SummaryTally(names, failOn), [], failOn));
  const stream = options.onFileJson;
  const files: FileReport[] = [];
  // The summary is tallied as files come in: nothing per file is kept when the files are streamed out.
  const tally = new SummaryTally(names, failOn);
  const errors: InputError[] = [...expanded.errors];
  const take = (r: WorkerResult): void => {
    if (r.error !== undefined) errors.push(r.error);
    else if (r.json !== undefined && r.verdicts !== undefined) {
      // A worker's report comes as text (its size bounds what waits here); objects only for the one being written.
      if (stream !== undefined) stream(r.json);
      else options.onFileReport?.(JSON.parse(fileJsonText(r.json)) as FileReport);
      tally.add(r.verdicts);
    } else if (r.report !== undefined) {
      if (options.onFileReport !== undefined) options.onFileReport(r.report);
      else files.push(r.report);
      tally.add(fileVerdicts(r.report));
    }
  };
  // Each worker pays its own start-up (database, rules, decoder, every library it meets): by default one worker per
  // FILES_PER_WORKER files at most, and a smaller scan runs in this thread.
  // The library session of the files scanned in this thread (workers make their own).
  const session = new LibrarySession();
  const budget: FileBudget = { timeoutMs: DEFAULT_FILE_TIMEOUT_MS, memoryMb: DEFAULT_FILE_MEMORY_MB, ...options.budget };
  const fileOptions: FileOptions = options.sysroot === undefined ? { rules, session, budget } : { sysroot: options.sysroot, rules, session, budget };
  if (options.ignores !== undefined) fileOptions.ignores = options.ignores;
  const compile = compileDatabaseFor(paths, options.compileCommands, inputs);
  if (compile.error !== undefined) errors.push(compile.error);
  const program = await sourceReports(inputs, paths, (p) => scanSourceProgramAsync(p, db, surfaces, compile.db !== undefined ? { ...fileOptions, compile: compile.db } : fileOptions));
  const sources = program.reports;
  if (program.index !== undefined) fileOptions.sources = program.index;
  const setup: WorkerSetup = {
    targets,
    sysroot: options.sysroot,
    dbDir: options.dbDir,
    targetFiles: options.targetFiles ?? [],
    serialise: stream !== undefined || options.onFileReport !== undefined,
  };
  if (options.ruleSettings !== undefined) setup.ruleSettings = options.ruleSettings;
  if (options.ignores !== undefined) setup.ignores = options.ignores;
  if (program.index !== undefined) setup.sources = program.index;
  // One pool for the scan, started by the first part that needs one (the files, or an image's files) with the
  // workers that part asks for; undefined: that part runs in this thread.
  let pool: BudgetedPool | undefined;
  const poolFor = (files: number): BudgetedPool | undefined => {
    if (pool !== undefined) return pool;
    const jobs = jobsFor(files, options.jobs);
    // A small scan runs here (a worker's start-up, loading the database and rules, would cost more than its files);
    // a long one on workers, even one, so that each file keeps its time budget (this thread cannot stop itself).
    if (jobs === 1 && files < FILES_PER_WORKER && !(options.isolate === true && files > 0)) return undefined;
    return (pool = new BudgetedPool(jobs, setup, budget));
  };
  try {
    const elfCount = inputs.length - sources.size;
    const workers = poolFor(elfCount);
    if (workers === undefined) {
      scanInOrder(inputs, (path) => sources.get(path) ?? scanFile(path, db, surfaces, fileOptions), stream !== undefined, options.onFile, take, sources, pathIgnores);
    } else {
      const twins = pathIgnores ? new Int32Array(inputs.length).fill(-1) : findTwins(inputs);
      inputs.forEach((input, i) => {
        const t = twins[i] as number;
        if (t >= 0 && (sources.has(input.path) || sources.has((inputs[t] as Input).path))) twins[i] = -1;
      });
      await scanOnPool(workers, inputs, twins, sources, stream !== undefined, options.onFile, take);
    }
    const imageReports: ImageReport[] = [];
    for (const path of images) {
      const rules = rulesFor(db, undefined);
      const imageOptions: Parameters<typeof scanImage>[4] = { rootfs: rootfs.has(path) || sniffImage(path) === "rootfs", libraries: options.sysroot !== null, session, pool: poolFor };
      if (options.platform !== undefined) imageOptions.platform = options.platform;
      if (options.imageLimits !== undefined) imageOptions.limits = options.imageLimits;
      if (options.onFile !== undefined) imageOptions.onFile = options.onFile;
      let i = 0;
      // A report comes as its JSON text (from the cache, or a worker): streamed as is, parsed only when the report
      // is kept whole.
      imageOptions.onReport = (m) => {
        if (stream !== undefined) take({ index: i++, json: m.json ?? fileJson(m.report), verdicts: m.verdicts });
        else take({ index: i++, report: m.report ?? (JSON.parse(fileJsonText(m.json as FileJson)) as FileReport) });
      };
      const scanned = await scanImage(path, db, surfaces, rules, imageOptions);
      errors.push(...scanned.errors);
      if (scanned.image !== undefined) imageReports.push(scanned.image);
    }
    const report = reportShell(surfaces, files, tally, errors, failOn);
    if (imageReports.length > 0) report.images = imageReports;
    return { report, fails: tally.fails || imageReports.some((im) => im.verdicts.some((v) => failsOn(v, failOn))) };
  } finally {
    await pool?.close();
  }
}

/**
 * Worker threads for this many files: --jobs, else one per CPU but one, at most 8 and one per FILES_PER_WORKER files.
 * The CPU left over is this thread's (it reads the inputs, puts the reports in order and writes them out) and V8's
 * (its garbage collector's helper threads): on 2 cores, a second worker made a warm scan of /usr/bin no faster, took
 * 45% more CPU time (each worker solves the libraries its files share again) and 80-100 MB more memory; a cold image
 * scan it makes a quarter faster, for 160 MB more, past the 500 MB bound (figures in bench/README.md, "Memory" and
 * "Container image"). -j2 gives that time back to whoever has the memory.
 */
function jobsFor(files: number, jobs: number | undefined): number {
  return Math.max(1, Math.min(jobs ?? Math.min(availableParallelism() - 1, 8, Math.floor(files / FILES_PER_WORKER)), Math.max(1, files)));
}

/**
 * Scans the inputs on the pool: files are handed out in path order, a few ahead of the workers (the pool queues
 * them, so a worker that finishes takes its next file at once, while this thread writes a report out), and their
 * outcomes go out in path order as the files before them are done. Twins are not handed out: they wait for their
 * first file's outcome, and are scanned after all only when it cannot be reused.
 */
function scanOnPool(
  pool: BudgetedPool,
  inputs: readonly Input[],
  twins: Int32Array,
  sources: ReadonlyMap<string, FileReport | InputError>,
  serialise: boolean,
  onFile: ScanOptions["onFile"],
  take: (r: WorkerResult) => void,
): Promise<void> {
  // Results wait here until every file before them is in, then go out in order.
  const waiting = new Map<number, WorkerResult>();
  let waitingBytes = 0;
  let next = 0;
  let emitted = 0;
  let running = 0;
  const announced = new Uint8Array(inputs.length);
  const retry: number[] = [];
  const twinsOf = new Map<number, number[]>();
  twins.forEach((t, i) => {
    if (t < 0) return;
    const l = twinsOf.get(t);
    if (l === undefined) twinsOf.set(t, [i]);
    else l.push(i);
  });
  return new Promise<void>((resolve) => {
    if (inputs.length === 0) {
      resolve();
      return;
    }
    /** Whether a file can be handed out now. */
    const work = (): boolean => {
      while (next < inputs.length && (twins[next] as number) >= 0) next++;
      return retry.length > 0 || (next < inputs.length && next - emitted <= MAX_WAITING && waitingBytes <= MAX_WAITING_BYTES);
    };
    const arrive = (m: WorkerResult): void => {
      waiting.set(m.index, m);
      waitingBytes += m.json !== undefined ? fileJsonSize(m.json) : 0;
      for (const i of twinsOf.get(m.index) ?? []) {
        const reused = asTwin(m, i, (inputs[i] as Input).path);
        if (reused !== undefined) {
          waiting.set(i, reused);
          waitingBytes += reused.json !== undefined ? fileJsonSize(reused.json) : 0;
        } else retry.push(i);
      }
      twinsOf.delete(m.index);
    };
    const deliver = (m: WorkerResult): void => {
      arrive(m);
      for (let r = waiting.get(emitted); r !== undefined; r = waiting.get(emitted)) {
        waiting.delete(emitted++);
        waitingBytes -= r.json !== undefined ? fileJsonSize(r.json) : 0;
        take(r);
      }
      if (emitted === inputs.length) resolve();
      else feed();
    };
    const feed = (): void => {
      while (running < pool.jobs * IN_FLIGHT && work()) {
        const i = retry.length > 0 ? (retry.shift() as number) : next++;
        const input = inputs[i] as Input;
        if (announced[i] === 0) onFile?.(input, i, inputs.length);
        announced[i] = 1;
        running++;
        const done = sources.get(input.path);
        // Analysed already (C/C++): in order with the workers' results, without a round trip.
        const result: Promise<WorkerResult | InputError> = done !== undefined ? Promise.resolve(outcome(i, done, serialise)) : pool.run<WorkerResult>({ kind: "file", index: i, path: input.path }, input);
        void result.then((r) => {
          running--;
          deliver("code" in r ? { index: i, error: r } : r);
        });
      }
    };
    feed();
  });
}



/**
 * Scans the inputs one after the other in this thread, in their order; a twin gets its first file's outcome, kept
 * only until its last twin has it.
 */
function scanInOrder(
  inputs: readonly Input[],
  scan: (path: string) => FileReport | InputError,
  serialise: boolean,
  onFile: ScanOptions["onFile"],
  take: (r: WorkerResult) => void,
  own: ReadonlyMap<string, unknown> = new Map(),
  noTwins = false,
): void {
  const twins = noTwins ? new Int32Array(inputs.length).fill(-1) : findTwins(inputs);
  // Files analysed together (C/C++ sources) are never twins of one another: each has its own report.
  inputs.forEach((input, i) => {
    const t = twins[i] as number;
    if (t >= 0 && (own.has(input.path) || own.has((inputs[t] as Input).path))) twins[i] = -1;
  });
  const left = new Int32Array(inputs.length);
  for (const t of twins) if (t >= 0) left[t] = (left[t] as number) + 1;
  const kept = new Map<number, WorkerResult>();
  inputs.forEach((input, index) => {
    onFile?.(input, index, inputs.length);
    const t = twins[index] as number;
    const reused = t >= 0 && kept.has(t) ? asTwin(kept.get(t) as WorkerResult, index, input.path) : undefined;
    if (t >= 0) {
      left[t] = (left[t] as number) - 1;
      if (left[t] === 0) kept.delete(t);
    }
    if (reused !== undefined) {
      take(reused);
      return;
    }
    let r: FileReport | InputError;
    try {
      r = scan(input.path);
    } catch (e) {
      // An unexpected failure on one file is that file's error; the other files go on (as in a worker).
      r = { path: input.path, code: "INTERNAL", message: `internal error: ${(e as Error).message}` };
    }
    const o = outcome(index, r, serialise);
    if ((left[index] as number) > 0) kept.set(index, o);
    take(o);
  });
}

/** Expands the paths, scans every file found in this thread and returns one deterministic Report (for `plan`). */
export async function scanPaths(paths: readonly string[], options: InThreadOptions = {}): Promise<Report> {
  const db = options.db ?? loadDatabase();
  const surfaces = selectTargets(db, options.targets);
  const rules = rulesFor(db, options.rules);
  const session = new LibrarySession();
  const fileOptions = options.sysroot === undefined ? { rules, session } : { sysroot: options.sysroot, rules, session };
  const { inputs, errors } = expandPaths(paths);
  const files: FileReport[] = [];
  const all: InputError[] = [...errors];
  const failOn = options.failOn ?? "blocker";
  const tally = new SummaryTally(surfaces.map((s) => s.name), failOn);
  const compile = compileDatabaseFor(paths, options.compileCommands, inputs);
  if (compile.error !== undefined) all.push(compile.error);
  const program = await sourceReports(inputs, paths, (p) => scanSourceProgramAsync(p, db, surfaces, compile.db !== undefined ? { ...fileOptions, compile: compile.db } : fileOptions));
  const sources = program.reports;
  const elfOptions: FileOptions = program.index !== undefined ? { ...fileOptions, sources: program.index } : fileOptions;
  scanInOrder([...inputs].sort(byPath), (path) => sources.get(path) ?? scanFile(path, db, surfaces, elfOptions), false, options.onFile, (r) => {
    if (r.error !== undefined) all.push(r.error);
    else if (r.report !== undefined) {
      files.push(r.report);
      tally.add(fileVerdicts(r.report));
    }
  }, sources);
  return reportShell(surfaces, files, tally, all, failOn);
}

/** A file's result as the collector wants it: serialised with its verdicts when streaming, else the object. */
export function outcome(index: number, r: FileReport | InputError, serialise: boolean): WorkerResult {
  if ("code" in r) return { index, error: r };
  const p = portable(r);
  return serialise ? { index, json: fileJson(r), verdicts: fileVerdicts(r), portable: p } : { index, report: r, portable: p };
}
