// @fileoverview Joins an ELF's imported functions with the libc map of its flavour: imported symbol (+version)
// → syscalls, plus the start-up syscalls of every dynamically linked program. Yields target-independent facts.

import type { Database, LibcFunction, LibcMap } from "../db/types.js";
import type { ElfFile, ElfSymbol } from "../elf/types.js";
import type { Arch, Confidence, Uncertainty, Via, ViaSource } from "../types.js";
import type { SyscallCollector } from "./collector.js";

export interface ImportAnalysis {
  uncertainties: Uncertainty[];
  importsMapped: number;
  unmappedImports: string[];
  /** Imported raw syscall() wrappers (their call sites are resolved by the code analysis when it runs). */
  rawWrappers: string[];
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

/** Follows imported functions through the curated libc map into `out`; `skip` names imports handled elsewhere. */
export function analyzeImports(elf: ElfFile, arch: Arch, db: Database, out: SyscallCollector, skip: ReadonlySet<string> = new Set()): ImportAnalysis {
  const uncertainties: Uncertainty[] = [];
  const add = (ref: { name: string; mode?: string }, via: Via, confidence: Confidence): void => out.add(ref, via, confidence);

  const flavour = elf.classification.libc;
  const map: LibcMap | undefined = flavour === "glibc" || flavour === "musl" ? db.libcs.get(flavour) : undefined;
  const functionImports = elf.imports.filter((s) => s.kind === "func" || s.kind === "ifunc" || s.kind === "notype");
  let importsMapped = 0;
  const unmapped = new Set<string>();
  const raw: string[] = [];

  if (map === undefined) {
    if (elf.classification.linkage === "dynamic") {
      uncertainties.push({
        kind: "no-libc-map",
        message: `libc flavour "${flavour}" (${elf.classification.libcEvidence}) has no function map: imported functions were not followed`,
      });
    }
  } else {
    const source: ViaSource = `${map.libc}-map`;
    if (elf.classification.linkage === "dynamic") {
      for (const ref of map.startup[arch]) {
        const via: Via = { kind: "startup", source };
        if (map.startup.tolerated.has(ref.name) || map.tolerated.names.has(ref.name)) via.tolerated = true;
        add(ref, via, "high");
      }
    }
    for (const sym of functionImports) {
      if (RAW_SYSCALL_FUNCTIONS.has(sym.name)) raw.push(label(sym));
      if (skip.has(sym.name)) {
        importsMapped++;
        continue;
      }
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
  }
  return { uncertainties, importsMapped, unmappedImports: [...unmapped].sort(), rawWrappers: raw.sort() };
}
