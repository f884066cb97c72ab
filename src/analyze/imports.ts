// @fileoverview Joins an ELF's imported functions with the libc map of its flavour: imported symbol (+version)
// → syscalls, plus the start-up syscalls of every dynamically linked program. Yields target-independent facts.

import type { Database, LibcFunction, LibcMap, SyscallRef, SyscallTable } from "../db/types.js";
import type { ElfFile, ElfSymbol } from "../elf/types.js";
import type { Arch, Confidence, ReachedSyscall, Uncertainty, Via } from "../types.js";

export interface ImportAnalysis {
  syscalls: ReachedSyscall[];
  uncertainties: Uncertainty[];
  importsMapped: number;
  unmappedImports: string[];
}

/** Imports that run arbitrary syscalls by number: the number is an argument, not visible from the import. */
const RAW_SYSCALL_FUNCTIONS = new Set(["syscall", "__syscall", "__syscall_cp"]);

/** Libraries whose exports are libc functions (glibc split its libc over several files before 2.34). */
function isLibcLibrary(lib: string): boolean {
  return /^(libc\.so|libpthread\.so|librt\.so|libdl\.so|libutil\.so|libresolv\.so|libanl\.so|ld-linux|ld-musl|libc\.musl)/.test(lib);
}

function isLibcImport(sym: ElfSymbol): boolean {
  if (sym.library !== undefined) return isLibcLibrary(sym.library);
  return sym.version === undefined || /^GLIBC_/.test(sym.version);
}

const label = (sym: ElfSymbol): string => (sym.version ? `${sym.name}@${sym.version}` : sym.name);

/** Strace-checked entries count as high confidence; entries read from source only, medium. */
const confidenceOf = (fn: LibcFunction, arch: Arch): Confidence =>
  arch === "x86_64" && /strace/i.test(fn.how) ? "high" : "medium";

const rank: Record<Confidence, number> = { high: 2, medium: 1, low: 0 };

export function analyzeImports(elf: ElfFile, arch: Arch, db: Database): ImportAnalysis {
  const table: SyscallTable = db.tables[arch];
  const uncertainties: Uncertainty[] = [];
  const reached = new Map<string, { modes: Set<string>; via: Via[]; confidence: Confidence }>();

  const add = (ref: SyscallRef, via: Via, confidence: Confidence): void => {
    let r = reached.get(ref.name);
    if (r === undefined) {
      r = { modes: new Set(), via: [], confidence };
      reached.set(ref.name, r);
    } else if (rank[confidence] > rank[r.confidence]) r.confidence = confidence;
    if (ref.mode !== undefined) r.modes.add(ref.mode);
    r.via.push(ref.mode === undefined ? via : { ...via, mode: ref.mode });
  };

  const flavour = elf.classification.libc;
  const map: LibcMap | undefined = flavour === "glibc" || flavour === "musl" ? db.libcs.get(flavour) : undefined;
  const functionImports = elf.imports.filter((s) => s.kind === "func" || s.kind === "ifunc" || s.kind === "notype");
  let importsMapped = 0;
  const unmapped = new Set<string>();

  if (map === undefined) {
    if (elf.classification.linkage === "dynamic") {
      uncertainties.push({
        kind: "no-libc-map",
        message: `libc flavour "${flavour}" (${elf.classification.libcEvidence}) has no function map: imported functions were not followed`,
      });
    }
  } else {
    const source = `${map.libc}-map`;
    if (elf.classification.linkage === "dynamic") {
      for (const ref of map.startup[arch]) {
        const via: Via = { kind: "startup", source };
        if (map.startup.tolerated.has(ref.name) || map.tolerated.names.has(ref.name)) via.tolerated = true;
        add(ref, via, "high");
      }
    }
    const raw: string[] = [];
    for (const sym of functionImports) {
      if (RAW_SYSCALL_FUNCTIONS.has(sym.name)) raw.push(label(sym));
      const fn = map.functions.get(sym.name);
      if (fn === undefined) {
        if (isLibcImport(sym) && !RAW_SYSCALL_FUNCTIONS.has(sym.name)) unmapped.add(sym.name);
        continue;
      }
      if (sym.library !== undefined && !isLibcLibrary(sym.library)) continue;
      importsMapped++;
      const via: Via = { kind: "import", function: sym.name, source };
      if (sym.version !== undefined) via.version = sym.version;
      if (sym.library !== undefined) via.library = sym.library;
      for (const ref of fn[arch]) {
        let v = via;
        if (map.tolerated.names.has(ref.name)) v = { ...v, tolerated: true };
        else if (fn.conditional.has(ref.name)) v = { ...v, conditional: true };
        add(ref, v, confidenceOf(fn, arch));
      }
    }
    if (raw.length > 0) {
      uncertainties.push({
        kind: "raw-syscall",
        message: "imports a raw syscall() wrapper: the syscall numbers passed to it are not visible from the imports",
        functions: raw.sort(),
      });
    }
  }

  if (elf.classification.linkage !== "dynamic") {
    uncertainties.push({
      kind: "static-binary",
      message: `${elf.classification.linkage} binary: it imports no functions, and syscall-site analysis of its code is not available yet, so its syscalls are unknown`,
    });
  }
  if (elf.warnings.length > 0) {
    uncertainties.push({ kind: "degraded-elf", message: `the ELF is damaged; read what could be read: ${elf.warnings.join("; ")}` });
  }

  const syscalls: ReachedSyscall[] = [...reached.entries()]
    .map(([name, r]) => ({
      name,
      nr: table.byName.get(name)?.nr ?? -1,
      modes: [...r.modes].sort(),
      via: dedupeVia(r.via),
      confidence: r.confidence,
    }))
    .sort((a, b) => a.nr - b.nr || cmp(a.name, b.name));

  return { syscalls, uncertainties, importsMapped, unmappedImports: [...unmapped].sort() };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const viaKey = (v: Via): string =>
  [v.kind, v.function ?? "", v.version ?? "", v.library ?? "", v.mode ?? "", v.conditional ? "c" : "", v.tolerated ? "t" : ""].join("\u0000");

function dedupeVia(vias: Via[]): Via[] {
  const seen = new Map<string, Via>();
  for (const v of vias) if (!seen.has(viaKey(v))) seen.set(viaKey(v), v);
  return [...seen.values()].sort((a, b) => cmp(viaKey(a), viaKey(b)));
}
