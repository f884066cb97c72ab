// @fileoverview The commander program: parses arguments, decides colour, writes output and sets the exit code
// (0 clean, 1 findings at or over --fail-on, 2 usage errors and unreadable or malformed inputs).

import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { Chalk } from "chalk";
import { Command, InvalidArgumentError, Option } from "commander";
import {
  DbError,
  UsageError,
  VERSION,
  compareMatrix,
  defaultTargets,
  explainName,
  formatExplanations,
  formatMatrix,
  formatTargetsCsv,
  loadRules,
  formatTargetsTable,
  formatters,
  listTargets,
  loadDatabase,
  withTargetFiles,
  planFixes,
  formatPatch,
  fileSpool,
  streamFormatters,
  scan,
  tryProgram,
  formatSummary,
  DEFAULT_TIMEOUT_SECONDS,
  DEFAULT_FILE_MEMORY_MB,
  DEFAULT_FILE_TIMEOUT_MS,
  MIN_FILE_MEMORY_MB,
  buildPlan,
  formatPlanMarkdown,
  BaselineError,
  compareWithBaseline,
  createBaseline,
  diffReports,
  formatBaseline,
  formatBaselineComparison,
  formatReportDiff,
  parseBaseline,
  CONFIG_NAMES,
  ConfigError,
  STARTER_CONFIG,
  findConfig,
  loadConfig,
} from "../index.js";
import type { Config } from "../index.js";
import type { FileReport, Report, ReportSink, ScanOptions, StreamFormatter } from "../index.js";
import type { FailOn } from "../index.js";

export interface Io {
  stdout: { write(s: string | Uint8Array): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** Colour only on a terminal, never with NO_COLOR, always with FORCE_COLOR or --color. */
export function colourLevel(flag: boolean | undefined, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): 0 | 1 {
  if (flag !== undefined) return flag ? 1 : 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return 1;
  return stream.isTTY === true && env.TERM !== "dumb" ? 1 : 0;
}

function oneOf<T extends string>(values: readonly T[], what: string) {
  return (v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`${what} must be one of ${values.join(", ")}`);
    return v as T;
  };
}

interface ScanFlags {
  config?: string | false;
  target: string[];
  format: string[];
  baseline?: string;
  failOn: FailOn;
  output?: string;
  color?: boolean;
  verbose?: boolean;
  db?: string;
  sysroot: string;
  libraries: boolean;
  targetFile: string[];
  jobs?: number;
  rootfs: string[];
  platform?: string;
  maxFileSize?: number;
  maxImageSize?: number;
  fileTimeout?: number;
  fileMemory?: number;
  cache: string | boolean;
  cacheMax?: number;
  quiet?: boolean;
  compileCommands?: string;
}

/** "512M", "2G", "1048576": a size in bytes (K, M, G, T are powers of 1024). */
function sizeArg(what: string) {
  return (v: string): number => {
    const m = /^(\d+)([KMGT]?)i?B?$/i.exec(v.trim());
    if (m === null) throw new InvalidArgumentError(`${what} must be a size such as 512M or 2G`);
    const unit = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[(m[2] as string).toUpperCase() as "" | "K" | "M" | "G" | "T"];
    return Number(m[1]) * unit;
  };
}

/** A progress line: files done, MB/s and time left (by bytes when sizes are known). */
function progressLine(start: number, doneBytes: number, i: number, n: number, path: string): string {
  const secs = Math.max(0.001, (Date.now() - start) / 1000);
  const rate = doneBytes / secs / 1e6;
  const left = i > 0 ? Math.round((secs / i) * (n - i)) : undefined;
  const tail = path.length > 60 ? `…${path.slice(-59)}` : path;
  return `\r\x1b[Kscanning ${i + 1}/${n}, ${rate.toFixed(1)} MB/s${left !== undefined ? `, ${left} s left` : ""}  ${tail}`;
}

/** One report to write: a format, to standard output or to a file. */
interface Output {
  format: string;
  file?: string;
}

/** `-f text -f sarif=out.sarif`: each format once, at most one to standard output; -o sends a lone format to a file. */
export function parseOutputs(specs: readonly string[], output: string | undefined): Output[] {
  const list = specs.length === 0 ? ["text"] : specs;
  const outs = list.map((spec): Output => {
    const at = spec.indexOf("=");
    const format = at < 0 ? spec : spec.slice(0, at);
    if (formatters[format] === undefined) throw new UsageError(`unknown format "${format}" (one of ${Object.keys(formatters).sort().join(", ")})`);
    if (at >= 0 && at === spec.length - 1) throw new UsageError(`-f ${spec}: no file after "="`);
    return at < 0 ? { format } : { format, file: spec.slice(at + 1) };
  });
  if (output !== undefined) {
    const toStdout = outs.filter((o) => o.file === undefined);
    if (toStdout.length !== 1) throw new UsageError("-o names the file of the one format without a file of its own");
    (toStdout[0] as Output).file = output;
  }
  if (outs.filter((o) => o.file === undefined).length > 1) throw new UsageError("more than one format to standard output: give the others a file (-f sarif=out.sarif)");
  const files = outs.map((o) => o.file).filter((f) => f !== undefined);
  if (new Set(files).size !== files.length) throw new UsageError("two formats to the same file");
  return outs;
}

/** Appends each use of a repeatable option. */
const collect = (v: string, prev: readonly string[]): string[] => [...prev, v];

/**
 * The options several commands share, defined once so that their names, parsing and help read the same everywhere
 * (scan, baseline create, compare, plan, explain, targets, try).
 */
const shared = {
  target: (): Option =>
    new Option("-t, --target <names>", 'targets to rate against, comma-separated, or "all" (repeatable; default: the targets that run an unmodified Linux binary, listed below)')
      .argParser(collect)
      .default([], "the linux-binary targets"),
  db: (): Option => new Option("--db <dir>", "read another syscall-db directory instead of the package's"),
  targetFile: (): Option =>
    new Option("--target-file <file>", "add an in-house target written in the syscall-db target format, validated like the shipped ones (repeatable)").argParser(collect).default([], "none"),
  output: (what: string): Option => new Option("-o, --output <file>", `write ${what} to a file instead of standard output`),
  format: (choices: readonly string[], def: string): Option => new Option("-f, --format <format>", "output format").choices(choices).default(def),
  failOn: (): Option =>
    new Option("--fail-on <level>", "exit 1 when a file has a finding at this level or an unknown verdict: blocker, warning, or none (never)")
      .argParser(oneOf(["blocker", "warning", "none"] as const, "--fail-on"))
      .default("blocker"),
  sysroot: (): Option => new Option("--sysroot <dir>", "root of the file system the programs will run on: shared libraries are read from there").default("/"),
  noLibraries: (): Option => new Option("--no-libraries", "do not read shared libraries; follow imports through the curated libc maps only"),
  /** What selects targets and libraries for a scan: --target, --sysroot, --no-libraries, --db, --target-file. */
  scanning: (): Option[] => [shared.target(), shared.sysroot(), shared.noLibraries(), shared.db(), shared.targetFile()],
  config: (): Option[] => [
    new Option("--config <file>", "read this config instead of the unifit.config.json/.yaml found from the working directory upward"),
    new Option("--no-config", "read no config file"),
  ],
};

/** What a scanning command reads, for its --help. */
const INPUTS_HELP = `
Inputs: ELF executables and shared libraries (x86_64, aarch64; dynamic, static, static-pie), C and C++ sources
(.c .h .cc .cpp .cxx .hpp ...), directories (walked; other files in them are skipped), container images (docker save
archives, OCI layouts) and root file systems (scan only). Nothing scanned is executed; nothing goes to the network.`;

/** The exit codes a scanning command returns, for its --help. */
const EXIT_HELP = `
Exit codes: 0 nothing at or over --fail-on; 1 a finding at or over it (or a verdict that cannot be known, such as a
static binary whose code cannot be read); 2 usage errors, or inputs that could not be read or parsed (each named in
one line on stderr; the other inputs are still scanned).`;

/** The default targets, read from the database only when help is shown (loading it takes a while). */
function defaultTargetsHelp(dbDir?: string): string {
  try {
    const names = defaultTargets(loadDatabase(dbDir)).map((t) => t.name);
    return `\nDefault targets (runs: linux-binary, default profile; see \`unifit targets\`): ${names.join(", ")}.`;
  } catch (e) {
    return `\nDefault targets: the database cannot be read (${(e as Error).message}).`;
  }
}

/** Writes a command's output to -o's file, or to standard output. */
function emit(io: Io, text: string, file: string | undefined): void {
  if (file !== undefined) writeFileSync(file, text);
  else io.stdout.write(text);
}

/** A database with the --target-file targets added. */
function databaseFor(flags: { db?: string; targetFile?: readonly string[] }): ReturnType<typeof loadDatabase> {
  return withTargetFiles(loadDatabase(flags.db), flags.targetFile ?? []);
}

function readBaseline(file: string): { file: string; baseline: ReturnType<typeof parseBaseline> } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new BaselineError(`${file}: cannot read the baseline (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { file, baseline: parseBaseline(text, file) };
}

function readReport(file: string): Report {
  let r: Partial<Report>;
  try {
    r = JSON.parse(readFileSync(file, "utf8")) as Partial<Report>;
  } catch (e) {
    throw new UsageError(`${file}: not a JSON report (${(e as Error).message})`);
  }
  if (typeof r !== "object" || r === null || !Array.isArray(r.files) || typeof r.schemaVersion !== "number") {
    throw new UsageError(`${file}: not a unifit JSON report (unifit scan -f json)`);
  }
  return r as Report;
}

/**
 * Scan options from the flags over the config file (unifit.config.json/.yaml found upward from the working
 * directory, or --config; none with --no-config): a flag given on the command line wins over the config.
 */
function withConfig(
  given: readonly string[],
  flags: { config?: string | false; target: string[]; failOn: FailOn; sysroot: string; libraries: boolean; targetFile?: string[] },
  cmd: Command,
): { opts: ScanOptions; paths: string[] } {
  const file = flags.config === false ? undefined : typeof flags.config === "string" ? flags.config : findConfig(process.cwd());
  const config: Config = file !== undefined ? loadConfig(file) : {};
  const fromFlag = (name: string): boolean => cmd.getOptionValueSource(name) === "cli";
  const sysroot = fromFlag("sysroot") ? flags.sysroot : (config.sysroot ?? flags.sysroot);
  const opts: ScanOptions = {
    targets: flags.target.length > 0 ? flags.target : (config.targets ?? []),
    failOn: fromFlag("failOn") ? flags.failOn : (config.failOn ?? flags.failOn),
    sysroot: flags.libraries === false ? null : sysroot,
    targetFiles: flags.targetFile ?? [],
  };
  if (config.rules !== undefined) opts.ruleSettings = config.rules;
  if (config.ignore !== undefined) opts.ignores = config.ignore;
  if (config.exclude !== undefined) opts.exclude = config.exclude;
  const paths = given.length > 0 ? [...given] : (config.include ?? []);
  if (paths.length === 0) throw new UsageError(`no paths to scan (give some, or an include list in ${file ?? "unifit.config.json"})`);
  return { opts, paths };
}

/** A bad input's line on stderr: one line, whatever control characters its path or message hold. */
export function errorLine(e: { path: string; message: string }): string {
  return `unifit: ${printable(e.path)}: ${printable(e.message)}\n`;
}

/** Control characters as \xNN, so that a name cannot break a line or drive the terminal. */
// eslint-disable-next-line no-control-regex -- the control characters are what it escapes
const printable = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);

/**
 * Whether a report can be written to this file: it is (or its directory can hold) a writable regular file or
 * device. Throws a one-line UsageError when not, before any scanning.
 */
function checkWritable(file: string): void {
  const fail = (why: string): never => {
    throw new UsageError(`${printable(file)}: cannot write the report there (${why})`);
  };
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "EIO";
    if (code !== "ENOENT") fail(code);
    const dir = dirname(file);
    let d;
    try {
      d = statSync(dir);
    } catch (e2) {
      fail(`${(e2 as NodeJS.ErrnoException).code === "ENOENT" ? `no directory ${printable(dir)}` : ((e2 as NodeJS.ErrnoException).code ?? "EIO")}`);
    }
    if (d?.isDirectory() !== true) fail(`${printable(dir)} is not a directory`);
    try {
      accessSync(dir, constants.W_OK);
    } catch (e2) {
      fail(`${printable(dir)}: ${(e2 as NodeJS.ErrnoException).code ?? "EIO"}`);
    }
    return;
  }
  if (st.isDirectory()) fail("it is a directory");
  try {
    accessSync(file, constants.W_OK);
  } catch (e) {
    fail((e as NodeJS.ErrnoException).code ?? "EIO");
  }
}

/** Where one format's report goes. */
interface Sink {
  write: ReportSink;
  /** Closes the file; says why when a write failed. */
  close(): string | undefined;
}

/**
 * Standard output, or a file opened at the first byte (a usage error found later leaves no file behind). A write
 * that fails (a full disk) is remembered, and said when the sink is closed: a write may happen in a worker's
 * message handler, where a throw would not reach the CLI.
 */
function sinkFor(file: string | undefined, io: Io): Sink {
  // Bytes are valid during the call only (a reused buffer), and a stream may hold on to what it is given (a pipe
  // that is full): they are copied. A file is written before the call returns.
  if (file === undefined) return { write: (chunk) => void io.stdout.write(typeof chunk === "string" ? chunk : Buffer.from(chunk)), close: () => undefined };
  let fd: number | undefined;
  let failed: string | undefined;
  return {
    write(chunk) {
      if (failed !== undefined) return;
      try {
        fd ??= openSync(file, "w");
        if (typeof chunk === "string") writeSync(fd, chunk);
        else for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
      } catch (e) {
        failed = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      return failed === undefined ? undefined : `${printable(file)}: cannot write the report (${failed})`;
    },
  };
}

/** Runs the CLI; returns the exit code instead of exiting. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  const program = new Command();
  program
    .name("unifit")
    .description("Tells you, before you build a unikernel image, what in your application will break on which unikernel.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  program
    .command("scan")
    .description("scan ELF binaries, C/C++ sources, directories, container images and root file systems, and rate them against unikernel targets")
    .argument("[paths...]", "ELF files, C/C++ sources, directories (walked; other files in them are skipped), container images (docker save archives, OCI layouts) or root file systems; the config's include when none")
    .addOption(shared.target())
    .addOption(
      new Option(
        "-f, --format <format[=file]>",
        `output format: ${Object.keys(formatters).sort().join(", ")}; repeatable, each to standard output or to its own file (-f text -f sarif=out.sarif -f html=report.html)`,
      )
        .argParser(collect)
        .default([], "text"),
    )
    .option("--baseline <file>", "fail only on findings that are not in this baseline (`unifit baseline create`), and list the fixed ones")
    .addOption((shared.config()[0] as Option))
    .addOption((shared.config()[1] as Option))
    .addOption(shared.failOn())
    .addOption(shared.output("the report"))
    .option("--color", "force colour in the text report")
    .option("--no-color", "no colour in the text report")
    .option("-v, --verbose", "show the upstream evidence for every finding and every way it is reached")
    .addOption(shared.sysroot())
    .addOption(shared.noLibraries())
    .addOption(shared.db())
    .addOption(shared.targetFile())
    .option("--compile-commands <file>", "C/C++: the build's compile_commands.json (default: one at the root of a directory scanned): files it does not compile are not built, its -D/-U flags decide #if branches")
    .option("-j, --jobs <n>", "worker threads for 100 files or more (default: the number of CPUs less one, at least one; one per 100 files at most); fewer files, with one job, are scanned in the main thread", (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("--jobs must be a positive integer");
      return n;
    })
    .addOption(new Option("--rootfs <dir>", "scan a directory as a root file system: libraries are read from inside it (repeatable; detected when it holds /etc, /usr and /lib*)").argParser(collect).default([], "none"))
    .option("--platform <os/arch>", "which image of a multi-platform OCI index: linux/amd64 (default) or linux/arm64")
    .option("--max-file-size <size>", "largest file read inside an image (default 1G)", sizeArg("--max-file-size"))
    .option("--max-image-size <size>", "largest image, its layers uncompressed (default 16G)", sizeArg("--max-image-size"))
    .option("--file-timeout <seconds>", `time one file may take; a file over it is one error line and the scan goes on (default ${DEFAULT_FILE_TIMEOUT_MS / 1000}; 0: none)`, (v: string) => {
      const n = Number(v.trim().replace(/s$/, ""));
      if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError("--file-timeout must be a number of seconds, such as 60 (0: no limit)");
      return n;
    })
    .option("--file-memory <size>", `memory one file's analysis may use (its worker's heap; default ${DEFAULT_FILE_MEMORY_MB}M)`, (v: string) => {
      const n = sizeArg("--file-memory")(v);
      if (n < MIN_FILE_MEMORY_MB * 1024 * 1024) throw new InvalidArgumentError(`--file-memory must be at least ${MIN_FILE_MEMORY_MB}M`);
      return n;
    })
    .option("--cache <dir>", "where analysis results are kept between runs (default: $UNIFIT_CACHE_DIR, else the user's cache directory)")
    .option("--no-cache", "keep no analysis results between runs")
    .option("--cache-max <size>", "most the cache directory may hold; the entries used longest ago go first (default 1G)", sizeArg("--cache-max"))
    .option("-q, --quiet", "no progress line")
    .addHelpText("after", () => `${INPUTS_HELP}\n${defaultTargetsHelp()}\n${EXIT_HELP}`)
    .action(async (given: string[], flags: ScanFlags, cmd: Command) => {
      if (!/^[a-z0-9]+\/[a-z0-9_]+$/.test(flags.platform ?? "linux/amd64")) throw new UsageError(`--platform must look like linux/amd64, not "${flags.platform}"`);
      // The cache is process-wide (library facts, file reports): the flags set what the library reads.
      if (flags.cache === false) process.env.UNIFIT_NO_CACHE = "1";
      else if (typeof flags.cache === "string") process.env.UNIFIT_CACHE_DIR = flags.cache;
      if (flags.cacheMax !== undefined) process.env.UNIFIT_CACHE_MAX = String(flags.cacheMax);
      const progress = io.stderr.isTTY === true && flags.quiet !== true;
      const { opts, paths } = withConfig([...given, ...flags.rootfs.filter((r) => !given.includes(r))], flags, cmd);
      opts.rootfs = flags.rootfs;
      if (flags.platform !== undefined) opts.platform = flags.platform;
      if (flags.maxFileSize !== undefined || flags.maxImageSize !== undefined) {
        opts.imageLimits = {
          ...(flags.maxFileSize !== undefined ? { maxFileBytes: flags.maxFileSize } : {}),
          ...(flags.maxImageSize !== undefined ? { maxImageBytes: flags.maxImageSize } : {}),
        };
      }
      flags.failOn = opts.failOn ?? flags.failOn;
      if (flags.db !== undefined) opts.dbDir = flags.db;
      if (flags.jobs !== undefined) opts.jobs = flags.jobs;
      if (flags.fileTimeout !== undefined || flags.fileMemory !== undefined) {
        // Given on the command line, the budget holds for a small scan too: its binaries go to a worker thread.
        opts.budget = {
          ...(flags.fileTimeout !== undefined ? { timeoutMs: flags.fileTimeout * 1000 } : {}),
          ...(flags.fileMemory !== undefined ? { memoryMb: Math.floor(flags.fileMemory / (1024 * 1024)) } : {}),
        };
        opts.isolate = true;
      }
      if (flags.compileCommands !== undefined) opts.compileCommands = flags.compileCommands;
      if (progress) {
        const start = Date.now();
        let bytes = 0;
        opts.onFile = (input, i, n) => {
          if (n > 1) io.stderr.write(progressLine(start, bytes, i, n, input.path));
          bytes += input.size;
        };
      }
      const outputs = parseOutputs(flags.format, flags.output);
      // An output file that cannot be written is known now, not after the scan.
      for (const o of outputs) if (o.file !== undefined) checkWritable(o.file);
      const level = colourLevel(flags.color, io.stdout, io.env);
      const baseline = flags.baseline !== undefined ? readBaseline(flags.baseline) : undefined;
      // Every format streams: each file's report goes to every writer as it is done (in path order) and is not kept,
      // except for a baseline comparison, which reads them all.
      const sinks = outputs.map((o) => sinkFor(o.file, io));
      const writers = outputs.map((o, k) =>
        (streamFormatters[o.format] as StreamFormatter)((sinks[k] as Sink).write, {
          chalk: new Chalk({ level: o.file !== undefined ? 0 : level }),
          verbose: flags.verbose ?? false,
          spool: fileSpool,
        }),
      );
      const kept: FileReport[] | undefined = baseline !== undefined ? [] : undefined;
      opts.onHead = (shell) => {
        for (const w of writers) w.head?.(shell);
      };
      if (kept === undefined && writers.every((w) => w.fileJson !== undefined)) {
        // The writers take the text a worker already made.
        opts.onFileJson = (j) => {
          for (const w of writers) w.fileJson?.(j);
        };
      } else {
        opts.onFileReport = (f) => {
          kept?.push(f);
          for (const w of writers) w.file(f);
        };
      }
      let report: Report;
      let fails: boolean;
      let failed: string | undefined;
      try {
        ({ report, fails } = await scan(paths, opts));
        if (progress && report.summary.files + report.errors.length > 1) io.stderr.write("\r\x1b[K");
        for (const w of writers) w.end(report);
      } finally {
        failed = sinks.map((s) => s.close()).find((x) => x !== undefined);
      }
      if (failed !== undefined) throw new UsageError(failed);
      if (kept !== undefined) report = { ...report, files: kept };
      if (baseline !== undefined) {
        const c = compareWithBaseline(baseline.baseline, report, flags.failOn);
        const text = formatBaselineComparison(c, baseline.file);
        // Beside a text report on standard output, the comparison follows it; a machine format keeps stdout clean.
        if (outputs.some((o) => o.format === "text" && o.file === undefined)) io.stdout.write(text);
        else io.stderr.write(text);
        fails = c.fails;
      }
      // Bad inputs get their one line each on stderr, whatever the format (and in the report, where it has a place).
      for (const e of report.errors) io.stderr.write(errorLine(e));
      if (report.errors.length > 0) code = EXIT_ERROR;
      else if (fails) code = EXIT_FINDINGS;
    });

  const baselineCmd = program.command("baseline").description("record the current findings, so that a scan with --baseline fails only on new ones");
  baselineCmd
    .command("create")
    .description("scan and write the findings (by fingerprint, per target) to a baseline file")
    .argument("[paths...]", "ELF files, C/C++ sources or directories (the config's include when none)")
    .addOption(shared.output("the baseline").default("unifit-baseline.json"))
    .addOption(shared.target())
    .addOption(shared.sysroot())
    .addOption(shared.noLibraries())
    .addOption(shared.db())
    .addOption(shared.targetFile())
    .addOption((shared.config()[0] as Option))
    .addOption((shared.config()[1] as Option))
    .addHelpText("after", () => `${INPUTS_HELP}\n${defaultTargetsHelp()}\n\nExit codes: 0 the baseline was written; 2 usage errors, or inputs that could not be read or parsed.`)
    .action(async (given: string[], flags: { output: string; target: string[]; sysroot: string; libraries: boolean; config?: string | false; db?: string; targetFile: string[] }, cmd: Command) => {
      const { opts, paths } = withConfig(given, { ...flags, failOn: "none" }, cmd);
      if (flags.db !== undefined) opts.dbDir = flags.db;
      const { report } = await scan(paths, opts);
      for (const e of report.errors) io.stderr.write(errorLine(e));
      const b = createBaseline(report);
      writeFileSync(flags.output, formatBaseline(b));
      io.stderr.write(`unifit: ${flags.output}: ${b.findings.length} findings recorded from ${report.summary.files} files\n`);
      if (report.errors.length > 0) code = EXIT_ERROR;
    });

  program
    .command("init")
    .description("write a commented starter unifit.config.yaml in the working directory (schema: docs/config.schema.json)")
    .action(() => {
      const existing = CONFIG_NAMES.map((n) => join(process.cwd(), n)).find((p) => existsSync(p));
      if (existing !== undefined) throw new UsageError(`${existing} exists already; edit it instead`);
      const file = join(process.cwd(), "unifit.config.yaml");
      writeFileSync(file, STARTER_CONFIG);
      io.stderr.write(`unifit: wrote ${file}\n`);
    });

  program
    .command("diff")
    .description("what changed between two JSON reports: new, fixed and changed findings, and changed verdicts")
    .argument("<old>", "the earlier report (unifit scan -f json)")
    .argument("<new>", "the later report")
    .addOption(shared.format(["text", "json"], "text"))
    .addOption(shared.output("the comparison"))
    .addHelpText("after", "\nExit codes: 0 nothing new; 1 a new finding, or a file newly blocked; 2 usage errors or a file that is not a JSON report.")
    .action((before: string, after: string, flags: { format: string; output?: string }) => {
      const d = diffReports(readReport(before), readReport(after));
      emit(io, flags.format === "json" ? JSON.stringify(d, null, 2) + "\n" : formatReportDiff(d), flags.output);
      if (d.added.length > 0 || d.verdicts.some((v) => v.after === "blocked" && v.before !== "blocked")) code = EXIT_FINDINGS;
    });

  program
    .command("fix")
    .description("rewrite the mechanical cases in C/C++ sources (daemon() removed, literal shell-outs of mkdir/rm/mv/chmod/ln made library calls); prints a unified diff unless --write")
    .argument("<paths...>", "C/C++ files or directories")
    .option("--dry-run", "print the diff only (the default)")
    .option("--write", "apply the changes to the files")
    .option("--rule <ids>", "only these rules or fixers (comma-separated ids; an unknown id is a usage error)")
    .addHelpText("after", "\nInputs: C and C++ sources, and directories (walked). Never writes without --write.\n\nExit codes: 0 done; 2 usage errors, or files that could not be read.")
    .action((paths: string[], flags: { write?: boolean; dryRun?: boolean; rule?: string }) => {
      if (flags.write === true && flags.dryRun === true) throw new UsageError("--write and --dry-run exclude each other");
      const plan = planFixes(paths, flags.rule !== undefined ? { only: flags.rule.split(",").map((x) => x.trim()) } : {});
      for (const e of plan.errors) io.stderr.write(errorLine(e));
      for (const p of plan.patches) {
        for (const a of p.applied) io.stderr.write(`${p.path}:${a.line}: ${a.fix}: ${a.what}\n`);
        for (const s of p.skipped) io.stderr.write(`${p.path}:${s.line}: ${s.fix}: not rewritten: ${s.reason}\n`);
      }
      if (flags.write === true) {
        for (const p of plan.patches) if (p.after !== p.before) writeFileSync(p.path, p.after);
      } else io.stdout.write(formatPatch(plan.patches, process.cwd()));
      if (plan.errors.length > 0) code = EXIT_ERROR;
    });

  program
    .command("explain")
    .description("what each target does with a syscall (status, note, upstream evidence), which syscalls a libc function makes and how each target treats them, or what a rule finds and how each target rates it")
    .argument("<name>", "a syscall (clone), a libc function (daemon, system) or a rule id (fork-then-exec); a name with several meanings (ptrace) shows each")
    .addOption(shared.format(["text", "json"], "text"))
    .addOption(shared.output("the explanation"))
    .addOption(shared.db())
    .addOption(shared.targetFile())
    .addHelpText(
      "after",
      `
JSON: one object, the first meaning ({"kind": "syscall" | "libc" | "rule", ...}: syscall, then libc function, then
rule), with the other meanings of the name, if any, in "also".

Exit codes: 0 explained; 2 the name is none of these, or a usage error.`,
    )
    .action((name: string, flags: { format: string; output?: string; db?: string; targetFile: string[] }) => {
      const db = databaseFor(flags);
      const list = explainName(db, loadRules(db), name);
      if (list.length === 0) throw new UsageError(`"${name}" is not a syscall, a libc function the curated maps know, or a rule id (see \`unifit targets\` and rules/README.md)`);
      const json = (): string => JSON.stringify(list.length === 1 ? list[0] : { ...list[0], also: list.slice(1) }, null, 2) + "\n";
      emit(io, flags.format === "json" ? json() : formatExplanations(list), flags.output);
    });

  const compare = program
    .command("compare")
    .description("one matrix for an application: rows are findings, columns are targets, to pick the best target")
    .argument("<paths...>", "ELF files, C/C++ sources or directories")
    .addOption(shared.format(["text", "json"], "text"))
    .addOption(shared.output("the matrix"))
    .addHelpText("after", () => `${INPUTS_HELP.replace(" and root file systems (scan only)", "")}\n${defaultTargetsHelp()}\n\nExit codes: 0 the matrix was written (findings do not fail it); 2 usage errors, or inputs that could not be read or parsed.`)
    .action(async (paths: string[], flags: { target: string[]; sysroot: string; libraries: boolean; db?: string; targetFile: string[]; format: string; output?: string }) => {
      const { report } = await scan(paths, { targets: flags.target, sysroot: flags.libraries === false ? null : flags.sysroot, failOn: "none", targetFiles: flags.targetFile, ...(flags.db !== undefined ? { dbDir: flags.db } : {}) });
      for (const e of report.errors) io.stderr.write(errorLine(e));
      const m = compareMatrix(report);
      emit(io, flags.format === "json" ? JSON.stringify(m, null, 2) + "\n" : formatMatrix(m), flags.output);
      if (report.errors.length > 0) code = EXIT_ERROR;
    });

  for (const o of shared.scanning()) compare.addOption(o);

  program
    .command("plan")
    .description("the porting plan for one target: configuration changes of recognised servers first, then mechanical fixes (with the patch), rewrites by effort, and what cannot be ported, with the nearest target")
    .argument("<paths...>", "ELF files, C/C++ sources or directories")
    .requiredOption("-t, --target <name>", "the target to port to")
    .addOption(shared.sysroot())
    .addOption(shared.format(["markdown", "json"], "markdown"))
    .addHelpText("after", "\nInputs: ELF files, C/C++ sources and directories (walked).\n\nExit codes: 0 the plan was written; 2 usage errors (an unknown target), or inputs that could not be read or parsed.")
    .action(async (paths: string[], flags: { target: string; sysroot: string; format: string }) => {
      const plan = await buildPlan(paths, { target: flags.target, sysroot: flags.sysroot });
      for (const e of plan.errors) io.stderr.write(errorLine(e));
      io.stdout.write(flags.format === "json" ? JSON.stringify(plan, null, 2) + "\n" : formatPlanMarkdown(plan));
      if (plan.errors.length > 0) code = EXIT_ERROR;
    });

  program
    .command("targets")
    .description("list the targets with their pinned upstream commits and counts per status")
    .addOption(shared.format(["table", "json", "csv"], "table"))
    .addOption(shared.output("the list"))
    .addOption(shared.db())
    .addOption(shared.targetFile())
    .addHelpText("after", "\nExit codes: 0 listed; 2 usage errors, or a database or target file that does not validate.")
    .action((flags: { format: string; output?: string; db?: string; targetFile: string[] }) => {
      const rows = listTargets(databaseFor(flags));
      emit(io, flags.format === "json" ? JSON.stringify(rows, null, 2) + "\n" : flags.format === "csv" ? formatTargetsCsv(rows) : formatTargetsTable(rows), flags.output);
    });

  program
    .command("try")
    .description("run a program on this machine with a target's syscall surface emulated (seccomp), and say what it refused and whether the program exited as it does without it")
    .usage("--target <name> [options] -- <program> [args...]")
    .argument("<program...>", "the program to run and its arguments (after --)")
    .requiredOption("-t, --target <name>", "the target whose surface to emulate (see `unifit targets`)")
    .option("--no-baseline", "skip the plain run without the filter (whose output is discarded)")
    .option("--timeout <seconds>", `kill a run that takes longer (0: never)`, (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("--timeout must be a number of seconds (0: never)");
      return n;
    }, DEFAULT_TIMEOUT_SECONDS)
    .option("--report <file>", "also write the report as JSON to a file")
    .addOption(shared.db())
    .addOption(shared.targetFile())
    .addHelpText(
      "after",
      `
Every syscall of the target's surface (syscall-db/targets/<target>.yaml) is emulated: full and partial rows run,
stub rows return 0 without running, enosys and absent rows fail with ENOSYS (or the errno the row states). clone
without CLONE_THREAD (a new process) and kill/tgkill of another pid follow the row's modes; clone3's flags are read
from the caller's memory. The program's standard streams are untouched; the summary goes to stderr.

By default the program first runs once without the filter (its output discarded; piped input is replayed to both
runs) to tell whether it "exited as it does without the filter".

Exit status: the filtered program's own (128+n when a signal ended it), or 2 for unifit's own errors (unknown
target, program not found, helper cannot be built: it needs cc and libseccomp-dev).

Example: unifit try --target nanos -- ./server --port 8080`,
    )
    .action(async (command: string[], flags: { target: string; baseline: boolean; timeout: number; report?: string; db?: string; targetFile: string[] }) => {
      const opts: Parameters<typeof tryProgram>[0] = { target: flags.target, command, baseline: flags.baseline, timeoutSeconds: flags.timeout, targetFiles: flags.targetFile };
      if (flags.db !== undefined) opts.dbDir = flags.db;
      // Ctrl-C reaches the program (same process group): it decides, and the report is still written.
      const ignore = (): void => {};
      process.on("SIGINT", ignore);
      let report;
      try {
        report = await tryProgram(opts);
      } finally {
        process.off("SIGINT", ignore);
      }
      io.stderr.write(formatSummary(report));
      if (flags.report !== undefined) writeFileSync(flags.report, JSON.stringify(report, null, 2) + "\n");
      code = report.exit.code;
    });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    const err = e as { code?: string; exitCode?: number };
    if (typeof err.code === "string" && err.code.startsWith("commander.")) {
      // help and version exit 0; commander has already printed its one-line error otherwise
      return err.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    if (e instanceof UsageError || e instanceof DbError || e instanceof BaselineError || e instanceof ConfigError) {
      io.stderr.write(`unifit: ${e.message}\n`);
      return EXIT_ERROR;
    }
    throw e;
  }
  return code;
}
