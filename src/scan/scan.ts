// @fileoverview The library's main job: paths → Report. Reads inputs, runs the ELF reader and the analysis,
// rates each file against the selected targets. Never prints, never exits; a bad file becomes an InputError.

import { readFileSync } from "node:fs";
import { analyzeBinary } from "../analyze/binary.js";
import { loadDatabase } from "../db/load.js";
import type { Database, Surface } from "../db/types.js";
import { ElfParseError, readElf } from "../elf/index.js";
import { expandPaths } from "../input/expand.js";
import { packageInfo } from "../util/package-root.js";
import type { Input } from "../input/expand.js";
import { rateTarget, worstVerdict } from "../verdict/rate.js";
import { SCHEMA_VERSION } from "../types.js";
import type { Arch, FailOn, FileReport, InputError, Report } from "../types.js";

export interface ScanOptions {
  /** Target names, or ["all"] (the default). */
  targets?: readonly string[];
  failOn?: FailOn;
  /** A database loaded beforehand (loaded from the package's syscall-db/ otherwise). */
  db?: Database;
  /**
   * Root of the file system the programs will run on; their shared libraries are read from there ("/" by default).
   * null: do not read libraries, follow imports through the curated libc maps only.
   */
  sysroot?: string | null;
  /** Called before each file, for progress on long scans. */
  onFile?: (input: Input, index: number, total: number) => void;
}

export class UsageError extends Error {
  override name = "UsageError";
}

const pkg = packageInfo();
export const VERSION: string = pkg.version;

export function selectTargets(db: Database, names: readonly string[] = ["all"]): Surface[] {
  const wanted = names.flatMap((n) => n.split(",")).map((n) => n.trim()).filter((n) => n !== "");
  if (wanted.length === 0 || wanted.includes("all")) return [...db.surfaces.values()].sort(byName);
  const unknown = wanted.filter((n) => !db.surfaces.has(n));
  if (unknown.length > 0) {
    throw new UsageError(`unknown target ${unknown.map((u) => `"${u}"`).join(", ")} (known: ${[...db.surfaces.keys()].sort().join(", ")}, all)`);
  }
  return [...new Set(wanted)].map((n) => db.surfaces.get(n) as Surface).sort(byName);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Scans one ELF file. Returns its report, or an InputError when it cannot be analysed. */
export function scanFile(
  path: string,
  db: Database,
  surfaces: readonly Surface[],
  options: { sysroot?: string | null } = {},
): FileReport | InputError {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { path, code: (e as { code?: string }).code ?? "EIO", message: `cannot read: ${(e as Error).message}` };
  }
  let elf;
  try {
    elf = readElf(bytes);
  } catch (e) {
    if (e instanceof ElfParseError) return { path, code: "BAD_ELF", message: `malformed ELF: ${e.message}` };
    throw e;
  }
  if (elf.machine !== "x86_64" && elf.machine !== "aarch64") {
    return { path, code: "UNSUPPORTED_ARCH", message: `unsupported architecture: e_machine ${elf.machineCode} (unifit reads x86-64 and aarch64)` };
  }
  const arch: Arch = elf.machine;
  const sysroot = options.sysroot === undefined ? "/" : options.sysroot;
  const a = analyzeBinary(elf, bytes, arch, db, sysroot === null ? { path } : { path, sysroot });
  const blind = a.blind;
  const binary: FileReport["binary"] = {
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
  return {
    path,
    kind: "elf",
    binary,
    syscalls: a.syscalls,
    uncertainties: a.uncertainties,
    targets: surfaces.map((surface) => rateTarget(a.syscalls, { surface, hints: db.hints, blind })),
  };
}

/** Expands the paths, scans every ELF found and returns one deterministic Report. */
export function scanPaths(paths: readonly string[], options: ScanOptions = {}): Report {
  const db = options.db ?? loadDatabase();
  const surfaces = selectTargets(db, options.targets);
  const { inputs, errors } = expandPaths(paths);
  const files: FileReport[] = [];
  const allErrors: InputError[] = [...errors];
  inputs.forEach((input, i) => {
    options.onFile?.(input, i, inputs.length);
    const r = scanFile(input.path, db, surfaces, options.sysroot === undefined ? {} : { sysroot: options.sysroot });
    if ("code" in r) allErrors.push(r);
    else files.push(r);
  });
  allErrors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.code.localeCompare(b.code)));
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: pkg.name, version: pkg.version },
    targets: surfaces.map((s) => ({
      name: s.name,
      title: s.title,
      upstream: s.upstream.repo !== undefined ? `${s.upstream.repo}@${s.upstream.commit}` : `${s.upstream.package}@${s.upstream.version}`,
    })),
    failOn: options.failOn ?? "blocker",
    files,
    errors: allErrors,
    summary: {
      files: files.length,
      errors: allErrors.length,
      verdicts: surfaces.map((s) => {
        const vs = files.map((f) => f.targets.find((t) => t.target === s.name)).filter((t) => t !== undefined);
        return {
          target: s.name,
          verdict: vs.length === 0 ? "unknown" : worstVerdict(vs.map((v) => v.verdict)),
          blockers: vs.reduce((n, v) => n + v.counts.blockers, 0),
          warnings: vs.reduce((n, v) => n + v.counts.warnings, 0),
        };
      }),
    },
  };
}
