// @fileoverview The library's main job: paths → Report. Reads inputs, runs the ELF reader and the analysis,
// rates each file against the selected targets. Never prints, never exits; a bad file becomes an InputError.

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { analyzeBinary } from "../analyze/binary.js";
import { loadDatabase } from "../db/load.js";
import type { Database, Surface } from "../db/types.js";
import { ElfParseError, cutBeforeSections, readElf, unusable } from "../elf/index.js";
import { isSourcePath } from "../input/expand.js";
import { SyscallCollector, capInventory } from "../analyze/collector.js";
import { evaluateBinary, evaluateSource, interestingCallees } from "../rules/evaluate.js";
import { loadRules } from "../rules/load.js";
import type { Rule } from "../rules/types.js";
import type { LibraryRoot } from "../analyze/libraries.js";
import { parseSource } from "../source/index.js";
import { rateRules } from "../verdict/rules.js";
import { packageInfo } from "../util/package-root.js";
import type { Input } from "../input/expand.js";
import { rateTarget } from "../verdict/rate.js";
import { SummaryTally, fileVerdicts } from "./summary.js";
import { SCHEMA_VERSION } from "../types.js";
import type { Arch, BinaryInfo, FailOn, FileReport, InputError, Report, Via } from "../types.js";

export interface ScanOptions {
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

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export interface FileOptions {
  /** See ScanOptions.sysroot; a file view (an image's file system) reads the libraries from there. */
  sysroot?: LibraryRoot | null;
  /** The file's own path inside the sysroot (for $ORIGIN), when the sysroot is a file view. */
  programPath?: string;
  /** Rules to match (loaded from the package's rules/ when absent). */
  rules?: readonly Rule[];
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
 * otherwise each count as external memory, which makes the garbage collector run full collections.
 */
let reused = Buffer.allocUnsafe(0);
function readReused(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > reused.length) reused = Buffer.allocUnsafe(Math.max(size, Math.min(2 * reused.length, 256 * 1024 * 1024)));
    let got = 0;
    while (got < size) {
      const n = readSync(fd, reused, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return reused.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Scans one file (ELF, or C/C++ source by extension). Returns its report, or an InputError when it cannot be analysed. */
export function scanFile(path: string, db: Database, surfaces: readonly Surface[], options: FileOptions = {}): FileReport | InputError {
  let bytes: Buffer;
  try {
    bytes = readReused(path);
  } catch (e) {
    return { path, code: (e as { code?: string }).code ?? "EIO", message: `cannot read: ${(e as Error).message}` };
  }
  return scanBytes(path, bytes, db, surfaces, options);
}

/**
 * Scans one file's bytes (ELF, or C/C++ source by the path's extension); `path` is what the report calls it. The
 * bytes are not kept: nothing in the report is a view of them.
 */
export function scanBytes(path: string, bytes: Buffer, db: Database, surfaces: readonly Surface[], options: FileOptions = {}): FileReport | InputError {
  const rules = rulesFor(db, options.rules);
  const isElf = bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  if (!isElf && isSourcePath(path)) return scanSource(path, bytes, db, surfaces, rules);
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
  const a = analyzeBinary(
    elf,
    bytes,
    arch,
    db,
    sysroot === null ? { path, interest } : options.programPath !== undefined ? { path, sysroot, interest, programPath: options.programPath } : { path, sysroot, interest },
  );
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
    ...(a.code.chains !== undefined ? { leadsTo: a.code.chains.leadsTo } : {}),
    asmSites:
      elf.classification.linkage === "dynamic" ? a.code.sites.filter((x) => x.kind === "syscall" || x.kind === "svc").map((x) => ({ function: x.function, addr: x.addr })) : [],
  });
  const byId = new Map(rules.map((r) => [r.id, r]));
  // A file cut short after its loaded part: reported as far as it could be read, but never as compatible (the
  // rating's "blind" makes any verdict short of blocked unknown).
  const cut = cutBeforeSections(elf, bytes);
  return {
    path,
    kind: "elf",
    binary,
    rules: rateRules(byId, hits, surfaces),
    syscalls: capInventory(a.syscalls),
    uncertainties: cut === undefined ? a.uncertainties : [...a.uncertainties, { kind: "degraded-elf", message: cut }],
    targets: surfaces.map((surface) => rateTarget(a.syscalls, { surface, hints: db.hints, blind: a.blind || cut !== undefined })),
  };
}

/**
 * A C/C++ file: rules over the parsed facts. Its syscall inventory is what the matched patterns need and what
 * syscall(SYS_x) names, each via the source line; targets are rated on that inventory like a binary's.
 */
function scanSource(path: string, bytes: Buffer, db: Database, surfaces: readonly Surface[], rules: readonly Rule[]): FileReport | InputError {
  const file = parseSource(path, bytes);
  const hits = evaluateSource(rules, file);
  const byId = new Map(rules.map((r) => [r.id, r]));
  const out = new SyscallCollector(db.tables.x86_64);
  for (const h of hits) {
    const rule = byId.get(h.ruleId) as Rule;
    const via: Via = { kind: "source", function: h.function ?? "file scope", address: `${path}:${h.location?.line ?? 0}`, source: `rule:${rule.id}` };
    if (rule.severity !== "blocker") via.conditional = true;
    for (const ref of rule.syscalls) out.add(ref, via, rule.confidence);
  }
  for (const f of file.facts) {
    if (f.kind !== "syscall-use" || !db.tables.x86_64.byName.has(f.name)) continue;
    out.add({ name: f.name }, { kind: "source", function: f.function ?? "file scope", address: `${path}:${f.location.line}`, source: "syscall-use" }, "high");
  }
  const syscalls = out.result();
  return {
    path,
    kind: file.language,
    source: { language: file.language, lines: file.lines, bytes: file.bytes, warnings: file.warnings },
    rules: rateRules(byId, hits, surfaces),
    syscalls,
    uncertainties: [],
    targets: surfaces.map((surface) => rateTarget(syscalls, { surface, hints: db.hints, blind: false })),
  };
}

export const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** One deterministic Report from per-file results, in whatever order they came. */
export function assembleReport(
  surfaces: readonly Surface[],
  results: readonly (FileReport | InputError)[],
  inputErrors: readonly InputError[],
  failOn: FailOn,
): Report {
  const files = results.filter((r): r is FileReport => !("code" in r)).sort(byPath);
  const tally = new SummaryTally(surfaces.map((s) => s.name), failOn);
  for (const f of files) tally.add(fileVerdicts(f));
  return reportShell(surfaces, files, tally, [...inputErrors, ...results.filter((r): r is InputError => "code" in r)], failOn);
}

/**
 * The Report around the files: targets, errors (sorted) and the summary, tallied from the files' verdicts as they
 * came. `files` is what the report carries (empty when the files were streamed out on their own).
 */
export function reportShell(surfaces: readonly Surface[], files: FileReport[], tally: SummaryTally, errors: readonly InputError[], failOn: FailOn): Report {
  const allErrors = [...errors].sort((a, b) => byPath(a, b) || a.code.localeCompare(b.code));
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
