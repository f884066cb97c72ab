// @fileoverview The library's main job: paths → Report. Reads inputs, runs the ELF reader and the analysis,
// rates each file against the selected targets. Never prints, never exits; a bad file becomes an InputError.

import { errnoCode } from "../input/errors.js";
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { analyzeSourceTree, type SourceSiteFact, type SourceTreeFile } from "../analyze/source-tree.js";
import { macroDefs } from "../source/macros.js";
import type { CompileDatabase } from "../source/compile-commands.js";
import { linuxMacros, notBuiltOnce } from "../source/conditions.js";
import { rateSite } from "../verdict/sites.js";
import { analyzeBinary } from "../analyze/binary.js";
import type { BinaryOptions } from "../analyze/binary.js";
import type { Database, Surface } from "../db/types.js";
import { ElfParseError, cutBeforeSections, readElf, unusable } from "../elf/index.js";
import { openElf, readHeaderTables } from "../elf/elfy-adapter.js";
import { SHF_ALLOC } from "../elf/constants.js";
import { isSourcePath } from "../input/expand.js";
import { SyscallCollector, capInventory } from "../analyze/collector.js";
import { sourceArgument } from "../analyze/source-args.js";
import { evaluateBinary, evaluateSource, interestingCallees } from "../rules/evaluate.js";
import { loadRules } from "../rules/load.js";
import type { Rule } from "../rules/types.js";
import { LibrarySession } from "../analyze/libraries.js";
import type { LibraryRoot } from "../analyze/libraries.js";
import { PARSE_MEMORY_BYTES, readSource, SourceSkipped } from "../source/index.js";
import type { ParseLimits } from "../source/index.js";
import { rateRules } from "../verdict/rules.js";
import { packageInfo } from "../util/package-root.js";
import type { Input } from "../input/expand.js";
import { rateTarget } from "../verdict/rate.js";
import { applySuppressions, inlineIgnores, suppressRuleHits } from "../verdict/suppress.js";
import type { Ignore, InlineIgnore } from "../verdict/suppress.js";

const NO_INLINE: { ignores: InlineIgnore[]; warnings: string[] } = { ignores: [], warnings: [] };
import type { SummaryTally } from "./summary.js";
import { fallbackFor } from "../db/fallbacks.js";
import { useOf } from "../analyze/fallbacks.js";
import { SCHEMA_VERSION } from "../types.js";
import type { Arch, BinaryInfo, FailOn, FileReport, InputError, Report, Severity, SourceCallSite, Via } from "../types.js";
import type { SourceFile } from "../source/index.js";
import { isElfMagic } from "../elf/magic.js";
import { inFile, linesAt, type SectionBytes } from "../elf/dwarf-line.js";
import { placeFindings, type SourceIndex } from "./join.js";
import { demangle } from "../util/demangle.js";
import { collectGarbage } from "../util/collect-garbage.js";
import { byName, byPath, compareStrings } from "../util/compare.js";

/** Options of the in-thread scan (scanPaths), which `unifit plan` runs with a database it has loaded already. */
export interface InThreadOptions {
  /** Target names, or ["all"]; the targets that run an unmodified Linux binary when absent or empty (defaultTargets). */
  targets?: readonly string[];
  failOn?: FailOn;
  /** A database loaded beforehand (loaded from the package's syscall-db/ otherwise). */
  db?: Database;
  /**
   * Root of the file system the programs will run on; their shared libraries are read from there ("/" by default).
   * null: do not read libraries, follow imports through the curated libc maps only.
   */
  sysroot?: string | null;
  /** Rules to match (the package's rules/ by default). */
  rules?: readonly Rule[];
  /** Called before each file, for progress on long scans. */
  onFile?: (input: Input, index: number, total: number) => void;
  /** C/C++: compile_commands.json (default: the first one at the root of a directory argument). */
  compileCommands?: string;
}

export class UsageError extends Error {
  override name = "UsageError";
}

const pkg = packageInfo();
export const VERSION: string = pkg.version;

/**
 * The targets scanned when none are named: those that run an unmodified Linux binary (`runs: linux-binary` in their
 * file), each in its default profile only (unikraft, not also unikraft:full). Library OSes that need a rebuild and
 * targets that need a rewrite would fail every binary and drown the answer a gate needs; `all` still names them.
 */
export function defaultTargets(db: Database): Surface[] {
  return [...db.surfaces.values()].filter((s) => s.runs === "linux-binary" && (s.profile === undefined || s.profile.name === "default")).sort(byName);
}

/** Targets by name (comma-separated lists allowed), "all" for every target, none for the default set (defaultTargets). */
export function selectTargets(db: Database, names: readonly string[] = []): Surface[] {
  // "x:default" names the default profile, which carries the target's plain name.
  const wanted = names.flatMap((n) => n.split(",")).map((n) => n.trim().replace(/:default$/, "")).filter((n) => n !== "");
  if (wanted.length === 0) return defaultTargets(db);
  if (wanted.includes("all")) return [...db.surfaces.values()].sort(byName);
  const unknown = wanted.filter((n) => !db.surfaces.has(n));
  if (unknown.length > 0) {
    throw new UsageError(`unknown target ${unknown.map((u) => `"${u}"`).join(", ")} (known: ${[...db.surfaces.keys()].sort().join(", ")}, all)`);
  }
  return [...new Set(wanted)].map((n) => db.surfaces.get(n) as Surface).sort(byName);
}


export interface FileOptions {
  /** See InThreadOptions.sysroot; a file view (an image's file system) reads the libraries from there. */
  sysroot?: LibraryRoot | null;
  /** The file's own path inside the sysroot (for $ORIGIN), when the sysroot is a file view. */
  programPath?: string;
  /** Rules to match (loaded from the package's rules/ when absent). */
  rules?: readonly Rule[];
  /** For C/C++ sources: the compilation database that says which files are built and with which -D/-U flags. */
  compile?: CompileDatabase;
  /** Config-level ignores (unifit.config.json); inline `unifit-ignore` comments of sources apply always. */
  ignores?: readonly Ignore[];
  /** What the library analysis remembers from file to file (see LibrarySession); one per thread when absent. */
  session?: LibrarySession;
  /** Per-file budget (--file-timeout, --file-memory): here it bounds each source file's parse. */
  budget?: FileBudget;
  /** The sources scanned with the binaries: each binary finding's code sites are placed in them (scan/join.ts). */
  sources?: SourceIndex;
}

/** How long one file may take and how much memory it may use; a file over it is reported as such. */
export interface FileBudget {
  /** Milliseconds; 0 or absent: no time limit. */
  timeoutMs?: number;
  /** Megabytes (a worker's heap; a source parse's growth, at most PARSE_MEMORY_BYTES); absent: the defaults. */
  memoryMb?: number;
}

/** What a source file's parse may use under `budget`, from now. */
function parseLimits(budget: FileBudget | undefined): ParseLimits {
  const memory = budget?.memoryMb !== undefined ? Math.min(budget.memoryMb * 1024 * 1024, PARSE_MEMORY_BYTES) : PARSE_MEMORY_BYTES;
  const limits: ParseLimits = { memoryBytes: memory };
  if (budget?.timeoutMs !== undefined && budget.timeoutMs > 0) limits.deadline = Date.now() + budget.timeoutMs;
  return limits;
}

/** The session of callers that pass none (the one-file API): one per thread, bounded like any other. */
let threadSession: LibrarySession | undefined;

/** Rules as the config sets them: "off" drops a rule, a level caps its severity. */
export function withRuleSettings(rules: readonly Rule[], settings: Readonly<Record<string, "off" | Severity>> | undefined): readonly Rule[] {
  if (settings === undefined || Object.keys(settings).length === 0) return rules;
  const known = new Set(rules.map((r) => r.id));
  const unknown = Object.keys(settings).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UsageError(`unknown rule ${unknown.map((u) => `"${u}"`).join(", ")} in the config's rules`);
  return rules.filter((r) => settings[r.id] !== "off").map((r) => (settings[r.id] !== undefined ? { ...r, severity: settings[r.id] as Severity } : r));
}

let defaultRules: { db: Database; rules: Rule[] } | undefined;
export function rulesFor(db: Database, given: readonly Rule[] | undefined): readonly Rule[] {
  if (given !== undefined) return given;
  if (defaultRules?.db !== db) defaultRules = { db, rules: loadRules(db) };
  return defaultRules.rules;
}

/**
 * A file's bytes, read into one buffer that this thread reuses from file to file: nothing of a scan keeps a view of
 * the file once its report is made (strings are copies), and hundreds of megabytes of short-lived file buffers would
 * otherwise each count as external memory, which makes the garbage collector run full collections. A file over
 * LARGE is read sparsely instead (readLarge).
 */
let reused = Buffer.allocUnsafe(0);
/**
 * The reused buffer grows up to this; a larger file gets a buffer of its own, which goes with the file. Kept at the
 * largest file's size, it held up to 64 MB per worker for the rest of the scan (on /usr/bin, for its two largest
 * programs), in the resident set beside the other workers' files in flight.
 */
const REUSED_MAX = 16 * 1024 * 1024;
function readReused(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > LARGE) return readLarge(fd, size);
    if (size > REUSED_MAX) {
      const own = Buffer.allocUnsafe(size);
      return own.subarray(0, readRange(fd, own, 0, size));
    }
    if (size > reused.length) reused = Buffer.allocUnsafe(Math.max(size, Math.min(2 * reused.length, REUSED_MAX)));
    return reused.subarray(0, readRange(fd, reused, 0, size));
  } finally {
    closeSync(fd);
  }
}

/** Files larger than this are read sparsely: their debugging sections are left out. */
export const LARGE = 64 * 1024 * 1024;

/** Reads [from, to) of the file into the same place of buf (or of the file from `base` on to [from, to) of buf); the
 * end of what was read. */
function readRange(fd: number, buf: Buffer, from: number, to: number, base = 0): number {
  let at = from;
  while (at < to) {
    const n = readSync(fd, buf, at, Math.min(to - at, 16 * 1024 * 1024), base + at);
    if (n === 0) break;
    at += n;
  }
  return at;
}

/**
 * A large file (near the 2 GiB limit, most often for its debugging information): a zero-filled buffer of its size,
 * whose pages take memory only where bytes are read into it, with everything read but the non-allocated
 * `.debug*`/`.zdebug*` sections, which no part of the analysis reads (it reads code, data, dynamic and symbol
 * tables, notes). The ELF header, program and section headers and the section names are read first to find them;
 * anything but a 64-bit little-endian ELF file is read whole.
 */
function readLarge(fd: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  const got = readRange(fd, buf, 0, Math.min(size, 64));
  const whole = (): Buffer => buf.subarray(0, readRange(fd, buf, 0, size));
  if (got < 64 || !isElfMagic(buf) || buf[4] !== 2 || buf[5] !== 1) return whole();
  const table = (off: number, entsize: number, num: number): void => {
    if (off > 0 && off + entsize * num <= size) readRange(fd, buf, off, off + entsize * num);
  };
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  table(phoff, buf.readUInt16LE(0x36), buf.readUInt16LE(0x38));
  table(shoff, shentsize, shnum);
  if (shentsize < 64 || shnum === 0 || shstrndx >= shnum || shoff + shentsize * shnum > size) return whole();
  const names = shoff + shstrndx * shentsize;
  const namesAt = Number(buf.readBigUInt64LE(names + 0x18));
  table(namesAt, 1, Number(buf.readBigUInt64LE(names + 0x20)));
  let sections;
  try {
    sections = readHeaderTables(openElf(buf)).sections;
  } catch {
    return whole();
  }
  const skip = sections
    .filter((x) => (x.flags & SHF_ALLOC) === 0 && /^\.z?debug/.test(x.name) && x.offset + x.size <= size)
    .map((x) => [x.offset, x.offset + x.size] as const)
    .sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [from, to] of skip) {
    if (from > at) readRange(fd, buf, at, from);
    at = Math.max(at, to);
  }
  readRange(fd, buf, at, size);
  return buf;
}

/** Scans one file (ELF, or C/C++ source by extension). Returns its report, or an InputError when it cannot be analysed. */
export function scanFile(path: string, db: Database, surfaces: readonly Surface[], options: FileOptions = {}): FileReport | InputError {
  const r = scanFileRated(path, db, surfaces, options);
  if ("code" in r || options.ignores === undefined || options.ignores.length === 0) return r;
  return applySuppressions(r, options.ignores, []);
}

function scanFileRated(path: string, db: Database, surfaces: readonly Surface[], options: FileOptions): FileReport | InputError {
  let bytes: Buffer;
  try {
    bytes = readReused(path);
  } catch (e) {
    return { path, code: errnoCode(e), message: `cannot read: ${(e as Error).message}` };
  }
  return scanBytes(path, bytes, db, surfaces, options);
}

/**
 * Scans one file's bytes (ELF, or C/C++ source by the path's extension); `path` is what the report calls it. The
 * bytes are not kept: nothing in the report is a view of them.
 */
export function scanBytes(path: string, bytes: Buffer, db: Database, surfaces: readonly Surface[], options: FileOptions = {}): FileReport | InputError {
  const rules = rulesFor(db, options.rules);
  const isElf = isElfMagic(bytes);
  if (!isElf && isSourcePath(path)) return scanSourceTree([path], db, surfaces, options).get(path) as FileReport | InputError;
  let elf;
  try {
    elf = readElf(bytes);
  } catch (e) {
    if (e instanceof ElfParseError) return { path, code: "BAD_ELF", message: `malformed ELF: ${e.message}` };
    throw e;
  }
  const unfit = unusable(elf, bytes.length);
  if (unfit !== undefined) return { path, code: unfit.code, message: unfit.message };
  if (elf.machine !== "x86_64" && elf.machine !== "aarch64") {
    return { path, code: "UNSUPPORTED_ARCH", message: `unsupported architecture: e_machine ${elf.machineCode} (unifit reads x86-64 and aarch64)` };
  }
  const arch: Arch = elf.machine;
  const sysroot = options.sysroot === undefined ? "/" : options.sysroot;
  const interest = interestingCallees(rules);
  let binaryOptions: BinaryOptions = { path, interest };
  if (sysroot !== null) {
    binaryOptions = { path, sysroot, interest, session: options.session ?? (threadSession ??= new LibrarySession()) };
    if (options.programPath !== undefined) binaryOptions.programPath = options.programPath;
  }
  const a = analyzeBinary(elf, bytes, arch, db, binaryOptions);
  const binary: BinaryInfo = {
    arch,
    bits: elf.bits,
    endian: elf.endian,
    linkage: elf.classification.linkage,
    pie: elf.classification.pie,
    libc: elf.classification.libc,
    libcEvidence: elf.classification.libcEvidence,
    rust: elf.classification.rust,
    stripped: elf.classification.stripped,
    sectionHeaders: elf.classification.sectionHeaders,
    needed: elf.needed,
    rpath: elf.rpath,
    runpath: elf.runpath,
    importsMapped: a.importsMapped,
    unmappedImports: a.unmappedImports,
    warnings: elf.warnings,
    libraries: a.libraries,
    code: {
      functions: a.code.functions.total,
      reachable: a.code.functions.reachable,
      instructions: a.code.instructions,
      sites: a.code.sites.length,
      unresolved: a.code.unresolved.length,
      indirectCalls: a.code.indirectCalls,
    },
  };
  if (elf.interp !== undefined) binary.interp = elf.interp;
  if (elf.classification.goVersion !== undefined) binary.goVersion = elf.classification.goVersion;
  const hits = evaluateBinary(rules, {
    imports: new Set(elf.imports.map((i) => i.name)),
    calls: a.code.calls,
    syscalls: new Set(a.syscalls.map((x) => x.name)),
    ...(a.code.chains !== undefined ? { leadsTo: a.code.chains.leadsTo.bind(a.code.chains) } : {}),
    asmSites:
      elf.classification.linkage === "dynamic" ? a.code.sites.filter((x) => x.kind === "syscall" || x.kind === "svc").map((x) => ({ function: x.function, addr: x.addr })) : [],
  });
  const byId = new Map(rules.map((r) => [r.id, r]));
  // A file cut short after its loaded part: reported as far as it could be read, but never as compatible (the
  // rating's "blind" makes any verdict short of blocked unknown).
  const cut = cutBeforeSections(elf, bytes);
  const report: FileReport = {
    path,
    kind: "elf",
    binary,
    rules: rateRules(byId, hits, surfaces),
    syscalls: capInventory(a.syscalls),
    uncertainties: cut === undefined ? a.uncertainties : [...a.uncertainties, { kind: "degraded-elf", message: cut }],
    targets: surfaces.map((surface) => rateTarget(a.syscalls, { surface, hints: db.hints, blind: a.blind || cut !== undefined })),
  };
  if (options.sources !== undefined) {
    const sections = sectionsOf(path, bytes);
    const functions = elf.symtab.filter((x) => x.kind === "func" && !x.undefined && x.value !== 0).map((x) => demangle(x.name));
    placeFindings(report, a.syscalls, a.code.chains, (addresses) => linesAt(elf, sections, addresses), options.sources, functions);
  }
  return report;
}

/**
 * A section's bytes: from `bytes` when they hold the file whole, else (a large file, read without its debugging
 * sections) read from the file when asked for. Only the line table of a binary scanned with its sources is asked for.
 */
function sectionsOf(path: string, bytes: Buffer): SectionBytes {
  if (bytes.length <= LARGE) return inFile(bytes);
  return (s) => {
    if (s.offset + s.size > bytes.length) return undefined;
    let fd: number | undefined;
    try {
      fd = openSync(path, "r");
      const buf = Buffer.alloc(s.size);
      return buf.subarray(0, readRange(fd, buf, 0, s.size, s.offset));
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
}

const LINUX = linuxMacros();

/**
 * C/C++ files as one program (see analyze/source-tree.ts): each file's report, by path. A file that cannot be read
 * is an InputError; the others are analysed together.
 */
export function scanSourceTree(paths: readonly string[], db: Database, surfaces: readonly Surface[], options: FileOptions = {}): Map<string, FileReport | InputError> {
  return scanSourceProgram(paths, db, surfaces, options).reports;
}

/** A function defined in the sources, where its definition starts. */
export interface SourceFunction {
  name: string;
  file: string;
  line: number;
}

/** scanSourceTree, with the functions the files define (what a binary's code sites are matched to by name). */
export function scanSourceProgram(
  paths: readonly string[],
  db: Database,
  surfaces: readonly Surface[],
  options: FileOptions = {},
): { reports: Map<string, FileReport | InputError>; functions: SourceFunction[] } {
  const steps = sourceProgramSteps(paths, db, surfaces, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * scanSourceProgram, letting the event loop run after each file's parse. The binding frees a syntax tree's memory
 * only in a finalizer that Node runs from the event loop once the tree is collected: parsed in one synchronous loop,
 * every tree of the scan stayed until its end (`unifit scan` of six copies of redis's src/, 47 MB: 1,034 MB; yielding,
 * 353 MB and 23% faster). The synchronous form is kept for scanBytes' one file and for bench/.
 */
export async function scanSourceProgramAsync(
  paths: readonly string[],
  db: Database,
  surfaces: readonly Surface[],
  options: FileOptions = {},
): Promise<{ reports: Map<string, FileReport | InputError>; functions: SourceFunction[] }> {
  const steps = sourceProgramSteps(paths, db, surfaces, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await nextTurn();
    // After a large file, full collections: its tree's wrapper has lived through the parse and the extraction into
    // V8's old space, which V8 may not collect for many files (three files of 1.5 to 3 MiB: 470 MB alone, 670 MB
    // together; 570 MB so, the rest being malloc's hold on freed trees). Twice: the first frees the tree's node
    // objects, whose finalizers (run by the next turn) hold the tree.
    if (step.value) {
      collectGarbage();
      await nextTurn();
      collectGarbage();
      await nextTurn();
    }
  }
}

const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** Source files from this size on are followed by a full collection in scanSourceProgramAsync. */
const LARGE_SOURCE_BYTES = 1024 * 1024;

/** The work of scanSourceProgram, pausing after each file's parse (when its tree is garbage): true after a large one. */
function* sourceProgramSteps(
  paths: readonly string[],
  db: Database,
  surfaces: readonly Surface[],
  options: FileOptions,
): Generator<boolean, { reports: Map<string, FileReport | InputError>; functions: SourceFunction[] }> {
  const rules = rulesFor(db, options.rules);
  const out = new Map<string, FileReport | InputError>();
  const tree: SourceTreeFile[] = [];
  const inlineByPath = new Map<string, { ignores: InlineIgnore[]; warnings: string[] }>();
  for (const path of paths) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      out.set(path, { path, code: errnoCode(e), message: `cannot read: ${(e as Error).message}` });
      continue;
    }
    // A program named like a source file is left to the ELF path.
    if (isElfMagic(bytes)) continue;
    let file: SourceFile;
    let text: string;
    try {
      ({ file, text } = readSource(path, bytes, parseLimits(options.budget)));
    } catch (e) {
      // Not text, or too hard to parse within the budget: the file's one error line; the others go on.
      if (!(e instanceof SourceSkipped)) throw e;
      out.set(path, { path, code: e.code, message: e.message });
      yield bytes.length >= LARGE_SOURCE_BYTES;
      continue;
    }
    // The parsed text: a file cut at MAX_PARSE_BYTES has no macros past the cut, as it has no calls there.
    tree.push({ file, macros: macroDefs(text) });
    inlineByPath.set(path, bytes.includes("unifit-ignore") ? inlineIgnores(bytes.toString("utf8")) : NO_INLINE);
    yield bytes.length >= LARGE_SOURCE_BYTES;
  }
  const libc = db.libcs.get("glibc");
  const sites = libc === undefined ? new Map<string, SourceSiteFact[]>() : analyzeSourceTree(tree, libc, options.compile !== undefined ? { compile: options.compile } : {});
  for (const { file } of tree) {
    const report = scanSource(file, sites.get(file.path) ?? [], db, surfaces, rules, inlineByPath.get(file.path) ?? NO_INLINE);
    // Config ignores, as scanFile applies them to the files it scans alone.
    out.set(file.path, options.ignores !== undefined ? applySuppressions(report, options.ignores, []) : report);
  }
  const functions = tree.flatMap(({ file }) => file.functions.map((f) => ({ name: f.name, file: file.path, line: f.location.line })));
  return { reports: out, functions };
}

/**
 * A C/C++ file: its call sites (every libc call and every call of a project function that reaches a process-model
 * call) and the rules over its facts. Its syscall inventory is what its direct libc calls imply through the curated
 * map, what the matched patterns need and what syscall(SYS_x) names, each via the source line; targets are rated on
 * that inventory like a binary's. Calls compiled only on other systems are listed, not rated.
 */
function scanSource(
  file: SourceFile,
  siteFacts: readonly SourceSiteFact[],
  db: Database,
  surfaces: readonly Surface[],
  rules: readonly Rule[],
  inline: { ignores: readonly InlineIgnore[]; warnings: readonly string[] },
): FileReport {
  const path = file.path;
  // Patterns see only code compiled on Linux: not `#if 0` blocks, not `#ifdef _WIN32` branches.
  const built = file.facts.filter((f) => notBuiltOnce(f.conditions, LINUX) === undefined);
  const byId = new Map(rules.map((r) => [r.id, r]));
  // A rule hit suppressed inline goes before anything is derived from it (the syscalls its pattern stands for).
  const evaluated = evaluateSource(rules, built.length === file.facts.length ? file : { ...file, facts: built });
  const { kept: hits, suppressed } = suppressRuleHits(evaluated, inline.ignores, (h) => (byId.get(h.ruleId) as Rule).severity);
  const out = new SyscallCollector(db.tables.x86_64);
  for (const h of hits) {
    const rule = byId.get(h.ruleId) as Rule;
    const via: Via = { kind: "source", function: h.function ?? "file scope", address: `${path}:${h.location?.line ?? 0}`, source: `rule:${rule.id}` };
    if (rule.severity !== "blocker") via.conditional = true;
    for (const ref of rule.syscalls) out.add(ref, via, rule.confidence);
  }
  // syscall(SYS_futex, ...) calls whose argument was read: their syscall-use fact (same line and name) is that call.
  const rawRead = new Set<string>();
  for (const f of file.facts) {
    // socket(AF_NETLINK, ...), mmap(..., MAP_SHARED, fd, 0): the argument that decides support, as written.
    const arg = f.kind === "call" ? sourceArgument(f) : undefined;
    if (arg !== undefined) {
      out.add({ name: arg.syscall, mode: arg.mode }, { kind: "source", function: f.function ?? "file scope", address: `${path}:${f.location.line}`, source: "call" }, "high");
      if (arg.raw) rawRead.add(`${arg.syscall}:${f.location.line}:${f.location.column}`);
    }
    if (f.kind !== "syscall-use" || !db.tables.x86_64.byName.has(f.name)) continue;
    if (rawRead.has(`${f.name}:${f.location.line}:${f.location.column}`)) continue;
    out.add({ name: f.name }, { kind: "source", function: f.function ?? "file scope", address: `${path}:${f.location.line}`, source: "syscall-use" }, "high");
  }
  const sites: SourceCallSite[] = [];
  for (const x of siteFacts) {
    if (x.kind === "libc" && x.notBuilt === undefined) {
      for (const s of x.syscalls) {
        if (!db.tables.x86_64.byName.has(s.name)) continue;
        const via: Via = { kind: "source", function: x.callee, address: `${path}:${x.line}:${x.column}`, source: "glibc-map" };
        // What glibc does when the call fails (faccessat2 -> faccessat), as for a binary's imports.
        const fallback = fallbackFor(db, "glibc", s.name, x.callee);
        if (fallback !== undefined) via.fallback = useOf(fallback);
        if (s.tolerated === true) via.tolerated = true;
        else if (s.conditional === true) via.conditional = true;
        out.add(s.mode !== undefined ? { name: s.name, mode: s.mode } : { name: s.name }, via, "high");
      }
    }
    const targets = rateSite(x.syscalls, surfaces);
    if (targets.every((t) => t.level === "ok")) continue;
    const site: SourceCallSite = { line: x.line, column: x.column, kind: x.kind, callee: x.callee, syscalls: x.syscalls, reachable: x.reachable, excerpt: x.excerpt, targets };
    if (x.macro !== undefined) site.macro = x.macro;
    if (x.function !== undefined) site.function = x.function;
    if (x.reaches !== undefined) site.reaches = x.reaches;
    if (x.through !== undefined) site.through = x.through;
    if (x.at !== undefined) site.at = x.at;
    if (x.chain !== undefined) site.chain = x.chain;
    if (x.notBuilt !== undefined) site.notBuilt = `${x.notBuilt.kind === "non-linux" ? "not built on Linux" : "not built"}: ${x.notBuilt.because}`;
    if (x.conditions.length > 0) site.conditions = x.conditions;
    sites.push(site);
  }
  // Reachable calls first, then calls nothing reaches (tools, tests, dead code), then calls not built; by line.
  const group = (s: SourceCallSite): number => (s.notBuilt !== undefined ? 2 : s.reachable ? 0 : 1);
  sites.sort((a, b) => group(a) - group(b) || a.line - b.line || a.column - b.column || compareStrings(a.callee, b.callee));
  const syscalls = out.result();
  const report: FileReport = {
    path,
    kind: file.language,
    source: { language: file.language, lines: file.lines, bytes: file.bytes, warnings: [...file.warnings, ...inline.warnings] },
    rules: rateRules(byId, hits, surfaces),
    sites,
    syscalls,
    uncertainties: [],
    targets: surfaces.map((surface) => rateTarget(syscalls, { surface, hints: db.hints, blind: false })),
  };
  // Config ignores are applied by scanFile, after this; here, syscalls named by an inline ignore.
  const rated = inline.ignores.length > 0 ? applySuppressions(report, [], inline.ignores) : report;
  return suppressed.length > 0 ? { ...rated, suppressions: [...suppressed, ...(rated.suppressions ?? [])] } : rated;
}



/**
 * The Report around the files: targets, errors (sorted) and the summary, tallied from the files' verdicts as they
 * came. `files` is what the report carries (empty when the files were streamed out on their own).
 */
export function reportShell(surfaces: readonly Surface[], files: FileReport[], tally: SummaryTally, errors: readonly InputError[], failOn: FailOn): Report {
  const allErrors = [...errors].sort((a, b) => byPath(a, b) || compareStrings(a.code, b.code));
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: pkg.name, version: pkg.version },
    targets: surfaces.map((s) => ({
      name: s.name,
      title: s.title,
      upstream: s.upstream.repo !== undefined ? `${s.upstream.repo}@${s.upstream.commit}` : `${s.upstream.package}@${s.upstream.version}`,
    })),
    failOn,
    files,
    errors: allErrors,
    summary: tally.summary(allErrors.length),
  };
}
