// @fileoverview One ELF program → its target-independent syscall inventory: the libc start-up, imported functions
// (curated map), and the file's own reachable code (syscall sites and syscall-wrapper calls), with uncertainty.

import type { Database } from "../db/types.js";
import type { ElfFile } from "../elf/types.js";
import type { Arch, Confidence, ReachedSyscall, Uncertainty, Via } from "../types.js";
import { analyzeCode, emptyAnalysis } from "./code.js";
import type { CodeAnalysis } from "./code.js";
import { SyscallCollector } from "./collector.js";
import { analyzeImports } from "./imports.js";

export interface BinaryAnalysis {
  syscalls: ReachedSyscall[];
  uncertainties: Uncertainty[];
  importsMapped: number;
  unmappedImports: string[];
  code: CodeAnalysis;
  /** Nothing could see this file's syscalls (no map for its libc and no code analysis): the verdict is unknown. */
  blind: boolean;
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const CLONE_THREAD = 0x10000;

function listFunctions(names: readonly string[], max = 8): string[] {
  const unique = [...new Set(names)].sort();
  return unique.length > max ? [...unique.slice(0, max), `… ${unique.length - max} more`] : unique;
}

export function analyzeBinary(elf: ElfFile, bytes: Uint8Array, arch: Arch, db: Database): BinaryAnalysis {
  const table = db.tables[arch];
  const out = new SyscallCollector(table);
  const imports = analyzeImports(elf, arch, db, out);
  const uncertainties = [...imports.uncertainties];

  const code = arch === "x86_64" ? analyzeCode(elf, bytes, arch) : emptyAnalysis(`${arch} code analysis is not available yet`);
  const unknownNumbers: number[] = [];
  // What the libc carries on without (rseq registration, robust lists) also holds when its code is linked in.
  const tolerated = db.libcs.get(elf.classification.libc)?.tolerated.names ?? new Set<string>();
  for (const s of code.sites) {
    const name = table.byNr.get(s.nr);
    if (name === undefined) {
      unknownNumbers.push(s.nr);
      continue;
    }
    const confidence: Confidence = s.how === "copied" || s.how === "hoisted" ? "medium" : "high";
    const ref: { name: string; mode?: string } = { name };
    // clone's flags decide what it creates: without CLONE_THREAD it is a new process.
    if (name === "clone" && s.arg0 !== undefined) ref.mode = (s.arg0 & CLONE_THREAD) !== 0 ? "thread" : "process";
    const via: Via = { kind: "site", function: s.function, address: hex(s.addr), how: s.how, source: "code" };
    if (tolerated.has(name)) via.tolerated = true;
    out.add(ref, via, confidence);
  }

  const unresolvedWrapperCalls = code.unresolved.filter((u) => u.kind === "wrapper");
  if (imports.rawWrappers.length > 0 && (code.unsupported !== undefined || unresolvedWrapperCalls.length > 0)) {
    uncertainties.push({
      kind: "raw-syscall",
      message:
        code.unsupported !== undefined
          ? "imports a raw syscall() wrapper: the syscall numbers passed to it are not visible from the imports"
          : `${unresolvedWrapperCalls.length} call(s) to a raw syscall() wrapper pass a number that could not be found`,
      functions: imports.rawWrappers,
    });
  }
  const unresolvedSites = code.unresolved.filter((u) => u.kind !== "wrapper");
  if (unresolvedSites.length > 0) {
    uncertainties.push({
      kind: "unresolved-sites",
      message: `${unresolvedSites.length} reachable syscall instruction(s) with a number that could not be found statically`,
      functions: listFunctions(unresolvedSites.map((u) => u.function)),
    });
  }
  if (unknownNumbers.length > 0) {
    uncertainties.push({
      kind: "unresolved-sites",
      message: `syscall number(s) ${[...new Set(unknownNumbers)].sort((a, b) => a - b).join(", ")} are not in the ${arch} table`,
    });
  }
  if (code.int80 > 0) {
    uncertainties.push({ kind: "int80", message: `${code.int80} reachable \`int 0x80\` site(s): 32-bit syscall ABI, numbers from the i386 table, not rated` });
  }
  if (code.indirectCalls > 0 && elf.classification.linkage !== "dynamic") {
    uncertainties.push({
      kind: "indirect-calls",
      message: `${code.indirectCalls} indirect call(s) or jump(s) in reachable code: every address-taken function is treated as reachable`,
    });
  }
  if (code.unsupported !== undefined && elf.classification.linkage !== "dynamic") {
    uncertainties.push({
      kind: "static-binary",
      message: `${elf.classification.linkage} binary: it imports no functions and ${code.unsupported}, so its syscalls are unknown`,
    });
  }
  if (elf.warnings.length > 0) {
    uncertainties.push({ kind: "degraded-elf", message: `the ELF is damaged; read what could be read: ${elf.warnings.join("; ")}` });
  }
  const hasMap = db.libcs.has(elf.classification.libc);
  const blind = code.unsupported !== undefined && (elf.classification.linkage !== "dynamic" || !hasMap);
  return {
    syscalls: out.result(),
    uncertainties,
    importsMapped: imports.importsMapped,
    unmappedImports: imports.unmappedImports,
    code,
    blind,
  };
}
