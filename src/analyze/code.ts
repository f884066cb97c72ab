// @fileoverview Code analysis of one ELF image: executable regions → syscall sites (src/disasm) → functions and a
// call graph → what is reachable from the roots (entry, init/fini, exports, address-taken code), and per-export
// syscall sets for shared libraries. Target-independent; uncertainty is counted, never dropped.

import { scanA64 } from "../disasm/aarch64.js";
import { scanX86 } from "../disasm/x86.js";
import type { CodeRegion, CodeScan, Resolution, ScanOptions, SyscallSite } from "../disasm/types.js";
import type { ElfFile } from "../elf/types.js";
import type { Arch } from "../types.js";
import { demangle } from "../util/demangle.js";
import { EMPTY, pushTo, rows, type Graph } from "./callgraph.js";
import { sccClosure } from "./closure.js";
import { reach } from "./reach.js";
import { argCallKinds, argIndexFor } from "./arg-calls.js";
import { followArgumentPairs } from "./arg-pairs.js";
import { globalReader } from "./arg-globals.js";
import { followArguments } from "./arg-values.js";
import { LIST_RESULTS } from "./list-results.js";
import { READ_ONLY_CALLS } from "./read-only-calls.js";
import type { ArgLeaf, ValueContext } from "./arg-values.js";
import { SortedIndex, indexOfSorted, lowerBound, sortUnique, sweepLowerBound, uniqueInRange } from "../util/sorted.js";
import { CLONE_NR, cloneMode } from "../util/clone.js";
import { compareNumbers } from "../util/compare.js";

const SHF_EXECINSTR = 4;
const SHT_PROGBITS = 1;
const PT_LOAD = 1;
const PF_X = 1;

/**
 * Functions that take the syscall number as an argument, and where: the C ABI's first argument ("rdi": rdi, x0), or
 * Go's ("go": rax under the register ABI, else the first stack slot under ABI0, which assembly stubs and old Go use;
 * x0 on aarch64). "clone-rdx": clone(fn, stack, flags, …), the flags in the third argument (rdx, x2).
 */
const WRAPPERS_BY_NAME: Readonly<Record<string, string>> = {
  syscall: "rdi",
  // clone(fn, stack, flags, …): the syscall is clone, its flags are the third argument
  __clone: "clone-rdx",
  clone: "clone-rdx",
  __syscall_cp: "rdi",
  __syscall: "rdi",
  "syscall.Syscall": "go",
  "syscall.Syscall6": "go",
  "syscall.RawSyscall": "go",
  "syscall.RawSyscall6": "go",
  "syscall.rawSyscallNoError": "go",
  "syscall.rawVforkSyscall": "go",
  "syscall.runtime_doAllThreadsSyscall": "go",
  "runtime/internal/syscall.Syscall6": "go",
  "internal/runtime/syscall.Syscall6": "go",
  "internal/runtime/syscall/linux.Syscall6": "go",
  "golang.org/x/sys/unix.Syscall": "go",
  "golang.org/x/sys/unix.Syscall6": "go",
  "golang.org/x/sys/unix.RawSyscall": "go",
  "golang.org/x/sys/unix.RawSyscall6": "go",
  "golang.org/x/sys/unix.RawSyscallNoError": "go",
  "golang.org/x/sys/unix.SyscallNoError": "go",
};
const WRAPPERS: ReadonlyMap<string, string> = new Map(Object.entries(WRAPPERS_BY_NAME));

export interface SiteFact {
  nr: number;
  addr: number;
  /** Name of the enclosing function (symbol, or sub_<addr> for a recovered one). */
  function: string;
  how: Resolution;
  kind: SyscallSite["kind"];
  arg0?: number;
  /** The argument that decides the call's support (src/db/args.ts), when it is a constant at the site. */
  arg?: number;
  /** When it is not: the register that holds it, and where its values are decided (src/analyze/arg-values.ts). */
  argReg?: number;
  /** Where the sweep's reasoning for `arg` starts (SyscallSite.argFrom); dropped once the site is checked. */
  argFrom?: number;
  argLeaves?: ArgLeaf[];
  /** For a call of a wrapper: the function called (an import's name, or the named function). */
  callee?: string;
  /** Reached only through functions that make this syscall on an opt-in path (see analyzeCode's `gates`). */
  conditional?: true;
  /** Reached only through functions whose usual paths do not make it (see analyzeCode's `gates`). */
  rarePath?: true;
}

export interface CodeAnalysis {
  /** Resolved syscall sites in reachable code, sorted by number then address. */
  sites: SiteFact[];
  /** Reachable sites whose number could not be found (outside known wrappers), sorted by address. */
  unresolved: { addr: number; function: string; kind: SyscallSite["kind"] }[];
  /** Reachable indirect calls and jumps that are not through a known slot. */
  indirectCalls: number;
  /** Direct calls and jumps in reachable code whose target lies outside the code. */
  outsideTransfers: number;
  /** Imports reachable from the roots through PLT stubs or GOT calls (names). */
  reachedImports: string[];
  functions: { total: number; reachable: number };
  instructions: number;
  invalidBytes: number;
  /** Sites using the 32-bit `int 0x80` ABI (numbers from a different table). */
  int80: number;
  /** Set when the architecture has no decoder yet. */
  unsupported?: string;
  /** Calls from reachable code to the functions rules ask about (see analyzeCode's `interest`). */
  calls: { caller: string; callee: string; addr: number; inLoop: boolean }[];
  /** How the entry points reach an import or a site (absent when the code could not be read). */
  chains?: ChainFinder;
}

/** The executable parts of the file: SHF_EXECINSTR sections, or PF_X segments when there are no section headers. */
function codeRegions(elf: ElfFile, bytes: Uint8Array): CodeRegion[] {
  const regions: CodeRegion[] = [];
  const clip = (offset: number, size: number): Uint8Array | undefined => {
    if (offset < 0 || offset >= bytes.length || size <= 0) return undefined;
    return bytes.subarray(offset, Math.min(bytes.length, offset + size));
  };
  const exec = elf.sections.filter((s) => s.type === SHT_PROGBITS && (s.flags & SHF_EXECINSTR) !== 0 && s.addr !== 0);
  if (exec.length > 0) {
    for (const s of exec) {
      const b = clip(s.offset, s.size);
      if (b !== undefined) regions.push({ vaddr: s.addr, bytes: b });
    }
  } else {
    for (const p of elf.segments) {
      if (p.type !== PT_LOAD || (p.flags & PF_X) === 0) continue;
      const b = clip(p.offset, p.filesz);
      if (b !== undefined) regions.push({ vaddr: p.vaddr, bytes: b });
    }
  }
  return regions.sort((a, b) => a.vaddr - b.vaddr);
}

function inRegions(regions: readonly CodeRegion[], addr: number): boolean {
  for (const r of regions) if (addr >= r.vaddr && addr < r.vaddr + r.bytes.length) return true;
  return false;
}

const HOST_LITTLE = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Values in writable or read-only data that point exactly at a known function start: function pointer tables
 * that no relocation announces (non-PIE static binaries, Go itabs). Scans aligned words of non-executable
 * PT_LOAD file images.
 */
function dataPointers(elf: ElfFile, bytes: Uint8Array, known: ReadonlyMap<number, string>, codeLo: number, codeHi: number): number[] {
  if (elf.bits !== 64 || known.size === 0) return [];
  const out = new Set<number>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = elf.endian === "little";
  // On a little-endian host, words of a little-endian file at 4-aligned offsets are read as a Uint32Array.
  const words = little && HOST_LITTLE && bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2) : undefined;
  for (const p of elf.segments) {
    if (p.type !== PT_LOAD || (p.flags & PF_X) !== 0) continue;
    const start = p.offset + ((8 - (p.vaddr % 8)) % 8);
    const end = Math.min(bytes.length, p.offset + p.filesz) - 8;
    if (words !== undefined && start % 4 === 0) {
      for (let w = start / 4, last = Math.floor(end / 4); w <= last; w += 2) {
        const hi = words[w + 1] as number;
        if (hi > 0x1fffff) continue; // beyond 2^53: not an address in this file
        const v = hi * 0x100000000 + (words[w] as number);
        if (v >= codeLo && v < codeHi && known.has(v)) out.add(v);
      }
      continue;
    }
    for (let o = start; o <= end; o += 8) {
      const hi = view.getUint32(o + (little ? 4 : 0), little);
      if (hi > 0x1fffff) continue;
      const v = hi * 0x100000000 + view.getUint32(o + (little ? 0 : 4), little);
      if (v >= codeLo && v < codeHi && known.has(v)) out.add(v);
    }
  }
  return [...out];
}

interface Prepared {
  elf: ElfFile;
  regions: CodeRegion[];
  scan: CodeScan;
  graph: Graph;
  /** Function indices of the roots. */
  roots: Int32Array;
  /**
   * The roots other than code addresses that code takes (lea/mov of a function's address): those are reached through
   * the function that takes them (an edge of the graph) as well, so the libc gating can tell that posix_spawn's child
   * function is entered only through posix_spawn.
   */
  anchorRoots: Int32Array;
  wrapperFns: Set<number>;
  /** Imports reached through each slot. */
  slotNames: Map<number, string>;
  /** PLT stub address → imported name. */
  pltStub: Map<number, string>;
  /** Indices of the scan's edges that leave their function, or enter one at its start (in address order). */
  externalEdges: Int32Array;
  /** Whether an address lies in a PLT section. */
  inPlt: (addr: number) => boolean;
}

/** The decoder for the file's machine (the callers only prepare x86-64 and aarch64 files). */
function scannerFor(elf: ElfFile): (regions: readonly CodeRegion[], options: ScanOptions) => CodeScan {
  return elf.machine === "aarch64" ? scanA64 : scanX86;
}

/**
 * Where a PLT stub starts, from the address of its jump through the slot: x86-64 `jmp [rip+slot]` is the stub (after
 * an endbr64 in .plt.sec); aarch64 `adrp x16; ldr x17, [x16, …]; add x16, …; br x17` jumps 12 bytes in (16 after a bti).
 */
const STUB_BACK: Readonly<Record<"x86_64" | "aarch64", readonly number[]>> = { x86_64: [0, 4], aarch64: [12, 16] };

function prepare(elf: ElfFile, bytes: Uint8Array): Prepared {
  const scanCode = scannerFor(elf);
  const stubBack = STUB_BACK[elf.machine === "aarch64" ? "aarch64" : "x86_64"];
  const regions = codeRegions(elf, bytes);
  let codeLo = Infinity;
  let codeHi = -Infinity;
  for (const r of regions) {
    codeLo = Math.min(codeLo, r.vaddr);
    codeHi = Math.max(codeHi, r.vaddr + r.bytes.length);
  }
  // Largest first: nearly every address is in .text, found by the first comparison.
  const bySize = [...regions].sort((a, b) => b.bytes.length - a.bytes.length);
  const inCode = regions.length === 1
    ? (a: number): boolean => a >= codeLo && a < codeHi
    : (a: number): boolean => a >= codeLo && a < codeHi && inRegions(bySize, a);
  // Named functions: .symtab first, then the dynamic exports, then Go's function table.
  const named = new Map<number, string>();
  for (const list of [elf.symtab, elf.exports]) {
    for (const s of list) {
      if ((s.kind === "func" || s.kind === "ifunc") && !s.undefined && s.value !== 0 && !named.has(s.value)) named.set(s.value, s.name);
    }
  }
  for (const g of elf.goFuncs) if (!named.has(g.addr)) named.set(g.addr, g.name);
  // Syscall wrappers, and the functions whose call carries the argument that decides a syscall's support (socket's
  // domain: src/analyze/arg-calls.ts).
  const arch: Arch = elf.machine === "aarch64" ? "aarch64" : "x86_64";
  const argKinds = argCallKinds(arch);
  const wrapperKind = (name: string): string | undefined => WRAPPERS.get(name) ?? argKinds.get(name);
  const wrappers = new Map<number, string>();
  for (const [addr, name] of named) {
    const reg = wrapperKind(name);
    if (reg !== undefined) wrappers.set(addr, reg);
  }
  const slotNames = new Map<number, string>();
  const wrapperSlots = new Map<number, string>();
  for (const s of elf.symbolSlots) {
    slotNames.set(s.slot, s.name);
    const reg = wrapperKind(s.name);
    if (reg !== undefined) wrapperSlots.set(s.slot, reg);
  }
  // PLT stubs are `jmp [rip+slot]`, optionally after endbr64: find them by a first pass over .plt* sections only.
  const pltStub = new Map<number, string>();
  const pltRegions = elf.sections
    .filter((s) => s.name.startsWith(".plt") && (s.flags & SHF_EXECINSTR) !== 0)
    .map((s) => ({ vaddr: s.addr, bytes: bytes.subarray(s.offset, Math.min(bytes.length, s.offset + s.size)) }));
  const pltLo = pltRegions.map((r) => r.vaddr);
  const pltHi = pltRegions.map((r) => r.vaddr + r.bytes.length);
  const pltMin = Math.min(...pltLo);
  const pltMax = Math.max(...pltHi);
  const inPlt = (a: number): boolean => {
    if (a < pltMin || a >= pltMax) return false; // most addresses: one comparison pair
    for (let i = 0; i < pltLo.length; i++) if (a >= (pltLo[i] as number) && a < (pltHi[i] as number)) return true;
    return false;
  };
  const pltScan = pltRegions.length > 0 ? scanCode(pltRegions, { functionStarts: [], wrappers: new Map() }) : undefined;
  if (pltScan !== undefined) {
    pltScan.slotFrom.forEach((from, i) => {
      const name = slotNames.get(pltScan.slotAddr[i] as number);
      if (name === undefined) return;
      const reg = wrapperKind(name);
      for (const back of stubBack) {
        pltStub.set(from - back, name);
        if (reg !== undefined) wrappers.set(from - back, reg);
      }
    });
  }

  const prelim = sortUnique(Float64Array.from([...named.keys()].filter(inCode)));
  const scan = scanCode(regions, { functionStarts: prelim, wrappers, wrapperSlots, argIndex: argIndexFor(arch) });

  // Function starts: symbols, call targets, entry, init/fini, relocated and address-taken code pointers.
  const rootList: number[] = [];
  const addRoot = (a: number): void => {
    if (a !== 0 && inCode(a)) rootList.push(a);
  };
  addRoot(elf.entry);
  elf.initFini.forEach(addRoot);
  elf.relativeTargets.forEach(addRoot);
  for (const s of elf.exports) if ((s.kind === "func" || s.kind === "ifunc") && s.value !== 0) addRoot(s.value);
  if (elf.relativeTargets.length === 0) {
    // No relocations to announce function pointers (non-PIE static, Go): look for them in data.
    dataPointers(elf, bytes, named, codeLo, codeHi).forEach(addRoot);
  }
  const anchorCount = rootList.length;
  scan.addressTaken.forEach(addRoot);
  const { edgeFrom, edgeTo, edgeCall } = scan;
  const candidates = new Float64Array(prelim.length + edgeTo.length + rootList.length);
  candidates.set(prelim);
  let nc = prelim.length;
  for (let i = 0; i < edgeTo.length; i++) {
    const to = edgeTo[i] as number;
    if (edgeCall[i] === 1 && inCode(to)) candidates[nc++] = to;
  }
  for (const a of rootList) candidates[nc++] = a;
  let starts = uniqueInRange(candidates.subarray(0, nc), codeLo, codeHi);
  if (pltStub.size > 0) starts = starts.filter((a) => !pltStub.has(a));
  const n = starts.length;
  const index = new SortedIndex(starts, codeLo, codeHi);
  const name = (i: number): string => {
    const a = starts[i] as number;
    return named.get(a) ?? `sub_${a.toString(16)}`;
  };

  // Edges (src → dst function), gathered as pairs and then laid out in rows.
  const pairSrc = new Int32Array(edgeFrom.length + scan.addressTaken.length);
  const pairDst = new Int32Array(pairSrc.length);
  let np = 0;
  const imports: string[][] = new Array<string[]>(n).fill(EMPTY);
  const indirect = new Int32Array(n);
  const outside = new Int32Array(n);
  const sites: number[][] = new Array<number[]>(n).fill(EMPTY);
  // PLT stubs are not code of the function laid out before them (_init): their jumps are the imports themselves.
  const hasPlt = pltRegions.length > 0;
  // The edges that leave their function or enter it at its start (what calls to a named function can be).
  const external = new Int32Array(edgeFrom.length);
  let ne = 0;
  let fnOf = sweepLowerBound(starts);
  for (let i = 0; i < edgeFrom.length; i++) {
    const from = edgeFrom[i] as number;
    if (hasPlt && inPlt(from)) continue;
    const src = fnOf(from);
    if (src < 0) continue;
    const to = edgeTo[i] as number;
    if (hasPlt && inPlt(to)) {
      const stub = pltStub.get(to);
      if (stub !== undefined) {
        pushTo(imports, src, stub);
        external[ne++] = i;
        continue;
      }
    }
    // Most edges are branches inside their own function.
    if (to >= (starts[src] as number) && (src + 1 === n || to < (starts[src + 1] as number))) {
      if (to === starts[src]) external[ne++] = i; // back to its own entry: a call to it, for callFacts
      continue;
    }
    external[ne++] = i;
    if (!inCode(to)) {
      // Address 0: a call to an undefined weak function, guarded at run time (static glibc has several).
      if (to !== 0) outside[src] = (outside[src] as number) + 1;
      continue;
    }
    let dst = index.indexOf(to);
    // A jump into the middle of another function (a shared tail, a .cold part without a symbol) still leads there.
    if (dst < 0 && edgeCall[i] === 0 && inCode(to)) dst = index.lowerBound(to);
    if (dst >= 0 && dst !== src) {
      pairSrc[np] = src;
      pairDst[np++] = dst;
    }
  }
  // A function that takes another's address (a callback it registers or passes on: sa_restorer, dl_main, a thread's
  // start routine) is taken to reach it.
  fnOf = sweepLowerBound(starts);
  for (let i = 0; i < scan.addressTaken.length; i++) {
    const dst = index.indexOf(scan.addressTaken[i] as number);
    if (dst < 0) continue;
    const src = fnOf(scan.addressFrom[i] as number);
    if (src >= 0 && src !== dst) {
      pairSrc[np] = src;
      pairDst[np++] = dst;
    }
  }
  const { succOff, succ } = rows(n, pairSrc.subarray(0, np), pairDst.subarray(0, np));
  fnOf = sweepLowerBound(starts);
  scan.slotFrom.forEach((from, i) => {
    if (hasPlt && inPlt(from)) return;
    const src = fnOf(from);
    if (src < 0) return;
    const slotName = slotNames.get(scan.slotAddr[i] as number);
    if (slotName !== undefined) pushTo(imports, src, slotName);
    else indirect[src] = (indirect[src] as number) + 1;
  });
  fnOf = sweepLowerBound(starts);
  for (const a of scan.indirect) {
    const src = fnOf(a);
    if (src >= 0) indirect[src] = (indirect[src] as number) + 1;
  }
  fnOf = sweepLowerBound(starts);
  scan.sites.forEach((s, i) => {
    const f = fnOf(s.addr);
    if (f >= 0) pushTo(sites, f, i);
  });
  const roots = new Int32Array(rootList.length);
  let nr = 0;
  let nAnchor = 0;
  for (let k = 0; k < rootList.length; k++) {
    const i = index.indexOf(rootList[k] as number);
    if (i >= 0) roots[nr++] = i;
    if (k === anchorCount - 1) nAnchor = nr;
  }
  if (anchorCount === 0) nAnchor = 0;
  const wrapperFns = new Set<number>();
  for (const a of wrappers.keys()) {
    const i = indexOfSorted(starts, a);
    if (i >= 0) wrapperFns.add(i);
  }
  return {
    elf,
    regions,
    scan,
    graph: { starts, index, name, succOff, succ, imports, indirect, outside, sites },
    externalEdges: external.slice(0, ne),
    roots: roots.subarray(0, nr),
    anchorRoots: roots.subarray(0, nAnchor),
    wrapperFns,
    slotNames,
    pltStub,
    inPlt,
  };
}

/**
 * Calls and tail jumps from reachable code outside the PLT to the addresses of `target` (PLT stubs, named functions),
 * and calls through the GOT slot of an import `slot` accepts (-fno-plt): the calling function, the callee, the
 * instruction's address.
 */
function callsInto(p: Prepared, reachable: Uint8Array, target: ReadonlyMap<number, string>, slot: (name: string) => boolean): { f: number; callee: string; addr: number }[] {
  const { scan, graph } = p;
  const found: { f: number; callee: string; addr: number }[] = [];
  const at = (from: number, callee: string): void => {
    if (p.inPlt(from)) return;
    const f = graph.index.lowerBound(from);
    if (f >= 0 && reachable[f]) found.push({ f, callee, addr: from });
  };
  if (target.size > 0) {
    for (const i of p.externalEdges) {
      const hit = target.get(scan.edgeTo[i] as number);
      if (hit !== undefined) at(scan.edgeFrom[i] as number, hit);
    }
  }
  scan.slotFrom.forEach((from, i) => {
    const name = p.slotNames.get(scan.slotAddr[i] as number);
    if (name !== undefined && slot(name)) at(from, name);
  });
  return found;
}

/**
 * Calls (and tail jumps) from reachable functions to imports or named functions listed in `interest`, with whether
 * each sits in a loop of its function (inside the span of a backward branch).
 */
function callFacts(p: Prepared, reachable: Uint8Array, interest: ReadonlySet<string>): CodeAnalysis["calls"] {
  const { scan, graph, elf } = p;
  // The addresses that mean an interesting callee: a PLT stub of that import, or a function with that name (any of
  // its aliases, the first in symbol-table order: fork before __libc_fork).
  const target = new Map<number, string>();
  for (const list of [elf.symtab, elf.exports]) {
    for (const s of list) {
      if ((s.kind !== "func" && s.kind !== "ifunc") || s.undefined || s.value === 0 || !interest.has(s.name)) continue;
      if (!target.has(s.value)) target.set(s.value, s.name);
    }
  }
  for (const [addr, name] of p.pltStub) {
    if (interest.has(name)) target.set(addr, name);
    else target.delete(addr);
  }
  const found = callsInto(p, reachable, target, (name) => interest.has(name));
  if (found.length === 0) return [];
  // Loops: backward jumps inside the same function, only for functions with interesting calls. Edges are in address
  // order, so each function's own edges are one range of them.
  const loops = new Map<number, [number, number][]>();
  for (const f of new Set(found.map((x) => x.f))) {
    const lo = graph.starts[f] as number;
    const hi = f + 1 < graph.starts.length ? (graph.starts[f + 1] as number) : Infinity;
    const l: [number, number][] = [];
    for (let i = lowerBound(scan.edgeFrom, lo - 1) + 1; i < scan.edgeFrom.length; i++) {
      const from = scan.edgeFrom[i] as number;
      if (from >= hi) break;
      const to = scan.edgeTo[i] as number;
      if (scan.edgeCall[i] === 1 || to >= from || to < lo) continue;
      l.push([to, from]);
    }
    loops.set(f, l);
  }
  return found
    .map((x) => ({
      caller: nameAt(graph, elf, x.f, x.addr),
      callee: x.callee,
      addr: x.addr,
      inLoop: (loops.get(x.f) ?? []).some(([lo, hi]) => x.addr >= lo && x.addr <= hi),
    }))
    .sort((a, b) => a.addr - b.addr);
}

function collect(p: Prepared, reachable: Uint8Array): CodeAnalysis {
  const { scan, graph } = p;
  const sites: SiteFact[] = [];
  const unresolved: CodeAnalysis["unresolved"] = [];
  let indirectCalls = 0;
  let outsideTransfers = 0;
  let int80 = 0;
  const reachedImports = new Set<string>();
  let count = 0;
  for (let f = 0; f < graph.starts.length; f++) {
    if (!reachable[f]) continue;
    count++;
    indirectCalls += graph.indirect[f] as number;
    outsideTransfers += graph.outside[f] as number;
    for (const imp of graph.imports[f] as string[]) reachedImports.add(imp);
    for (const si of graph.sites[f] as number[]) {
      const s = scan.sites[si] as SyscallSite;
      if (s.kind === "int80") {
        int80++;
        continue;
      }
      const fn = nameAt(graph, p.elf, f, s.addr);
      if (s.nr !== null) {
        const fact: SiteFact = { nr: s.nr, addr: s.addr, function: fn, how: s.how, kind: s.kind };
        if (s.arg0 !== undefined) fact.arg0 = s.arg0;
        if (s.arg !== undefined) fact.arg = s.arg;
        if (s.argReg !== undefined) fact.argReg = s.argReg;
        if (s.argFrom !== undefined) fact.argFrom = s.argFrom;
        if (s.kind === "wrapper" && s.wrapper !== undefined) {
          // Which function the call enters (an import through its PLT stub, or a named function).
          const w = graph.index.indexOf(s.wrapper);
          const callee = p.pltStub.get(s.wrapper) ?? (w >= 0 ? graph.name(w) : undefined);
          if (callee !== undefined) fact.callee = callee;
        }
        sites.push(fact);
      }
      else if (!p.wrapperFns.has(f)) unresolved.push({ addr: s.addr, function: fn, kind: s.kind });
    }
  }
  sites.sort((a, b) => a.nr - b.nr || a.addr - b.addr);
  unresolved.sort((a, b) => a.addr - b.addr);
  return {
    sites,
    unresolved,
    indirectCalls,
    outsideTransfers,
    reachedImports: [...reachedImports].sort(),
    functions: { total: graph.starts.length, reachable: count },
    instructions: scan.instructions,
    invalidBytes: scan.invalid,
    int80,
    calls: [],
  };
}

/**
 * What the curated libc map says of the libc functions linked into a program (a static libc), for the paths through
 * them: by function name, the syscalls it makes only on an opt-in path (pthread_create with an explicit-scheduling
 * attribute → sched_getparam), and the syscalls it makes on its usual paths (anything else its code can reach is on a
 * path the map leaves out: a priority-protect mutex, an NSS module).
 */
export interface LibcGates {
  optIn: ReadonlyMap<string, ReadonlySet<number>>;
  usual: ReadonlyMap<string, ReadonlySet<number>>;
}

/**
 * Analyses the code of a whole program: what its reachable code can do by itself. With `gates`, a syscall site that
 * the roots reach only through libc functions that do not make that syscall on their usual paths is marked
 * conditional (when an opt-in path leads there) or rare-path: reachability is computed again with those functions
 * closed, once per such syscall, as the import analysis of a dynamic program qualifies the same calls.
 */
export function analyzeCode(
  elf: ElfFile,
  bytes: Uint8Array,
  arch: Arch,
  interest: ReadonlySet<string> = new Set(),
  gates?: LibcGates,
): CodeAnalysis {
  if (elf.machine !== arch) return emptyAnalysis(`the file's machine is not ${arch}`);
  const p = prepare(elf, bytes);
  const reachable = reach(p.graph, p.roots);
  const result = collect(p, reachable);
  const argKinds = argCallKinds(arch);
  const kindOf = (name: string): string | undefined => WRAPPERS.get(name) ?? argKinds.get(name);
  if (arch === "x86_64" || arch === "aarch64") {
    const { scan, graph, regions } = p;
    const open = new Set<number>();
    for (const f of p.roots) open.add(graph.starts[f] as number);
    const ctx: ValueContext = {
      regions, starts: graph.starts, edgeFrom: scan.edgeFrom, edgeTo: scan.edgeTo, goAbi: elf.goFuncs.length > 0, openEntry: (a) => open.has(a), arch,
      globals: globalReader(elf, bytes, regions, scan.dataRef, scan.dataFrom),
      // x86-64 only: the list's head is found in the slot whose `lea` getaddrinfo is handed.
      listCall: arch === "x86_64" && elf.goFuncs.length === 0 ? importCalls(elf, p.pltStub, LIST_RESULTS) : undefined,
      readOnlyCall: elf.goFuncs.length === 0 ? importCalls(elf, p.pltStub, READ_ONLY_CALLS) : undefined,
    };
    followArguments(result.sites, ctx);
    followArgumentPairs(result.sites, arch, ctx, kindOf);
  } else followArgumentPairs(result.sites, arch, undefined, kindOf);
  result.calls = interest.size > 0 ? callFacts(p, reachable, interest) : [];
  if (gates !== undefined) markGated(p, result.sites, gates);
  result.chains = chainFinder(p, reachable);
  return result;
}

/**
 * The calls of an imported function described in `table` (src/analyze/list-results.ts, read-only-calls.ts), by their
 * PLT stub, for System V and AAPCS64 code (the value analysis reads the parameters in rdi..r9, x0..x7; Go's register
 * ABI is not that); undefined when the program imports none. A name the file defines itself is the program's own
 * function (its PLT slot binds to it), which the table does not describe.
 */
function importCalls<T>(elf: ElfFile, pltStub: ReadonlyMap<number, string>, table: ReadonlyMap<string, T>): ((target: number) => T | undefined) | undefined {
  const imported = new Set(elf.imports.filter((s) => table.has(s.name)).map((s) => s.name));
  for (const s of elf.exports) imported.delete(s.name);
  const byStub = new Map<number, T>();
  for (const [addr, name] of pltStub) {
    const r = imported.has(name) ? table.get(name) : undefined;
    if (r !== undefined) byStub.set(addr, r);
  }
  return byStub.size > 0 ? (target) => byStub.get(target) : undefined;
}

/** See analyzeCode. */
function markGated(p: Prepared, sites: SiteFact[], gates: LibcGates): void {
  if (sites.length === 0) return;
  const { graph, elf } = p;
  // Function index → its map entry's name, by any of the function's names (fork and __libc_fork).
  const mapped = new Map<number, string>();
  for (const list of [elf.symtab, elf.exports]) {
    for (const s of list) {
      if ((s.kind !== "func" && s.kind !== "ifunc") || s.undefined || s.value === 0) continue;
      const name = gates.usual.has(s.name) ? s.name : s.name.replace(/^__(libc_)?/, "");
      if (!gates.usual.has(name)) continue;
      const f = indexOfSorted(graph.starts, s.value);
      if (f >= 0 && !mapped.has(f)) mapped.set(f, name);
    }
  }
  if (mapped.size === 0) return;
  const fnOf = (addr: number): number => graph.index.lowerBound(addr);
  const byNr = new Map<number, SiteFact[]>();
  for (const x of sites) {
    const l = byNr.get(x.nr);
    if (l === undefined) byNr.set(x.nr, [x]);
    else l.push(x);
  }
  const n = graph.starts.length;
  let anchored: Uint8Array | undefined;
  for (const [nr, mine] of [...byNr].sort((a, b) => a[0] - b[0])) {
    // Closed: the mapped functions that do not make nr on their usual paths; among them, the opt-in ones.
    const closed = new Uint8Array(n);
    const rareOnly = new Uint8Array(n);
    let any = false;
    for (const [f, name] of mapped) {
      if (gates.usual.get(name)?.has(nr) === true) continue;
      closed[f] = 1;
      any = true;
      if (gates.optIn.get(name)?.has(nr) !== true) rareOnly[f] = 1;
    }
    if (!any) continue;
    // From the anchors (entry, init/fini, exports, stored pointers), not from every address code takes: a function
    // whose address libc code passes on (posix_spawn's child, handed to clone) is reached through the taker.
    anchored ??= reach(graph, p.anchorRoots);
    const open = reach(graph, p.anchorRoots, closed);
    let viaOptIn: Uint8Array | undefined;
    for (const site of mine) {
      const f = fnOf(site.addr);
      // Reached only through an address nothing anchored takes: no path to judge, so no qualifier.
      if (f < 0 || open[f] === 1 || anchored[f] !== 1) continue;
      viaOptIn ??= reach(graph, p.anchorRoots, rareOnly);
      if (viaOptIn[f] === 1) site.conditional = true;
      else site.rarePath = true;
    }
  }
}

function emptyAnalysis(unsupported: string): CodeAnalysis {
  return {
    sites: [],
    unresolved: [],
    indirectCalls: 0,
    outsideTransfers: 0,
    reachedImports: [],
    functions: { total: 0, reachable: 0 },
    instructions: 0,
    invalidBytes: 0,
    int80: 0,
    unsupported,
    calls: [],
  };
}

/** Functions that only run when the program is about to die. */
const FATAL = new Set([
  "abort",
  "__libc_fatal",
  "__assert_fail",
  "__assert_perror_fail",
  "__assert",
  "__fortify_fail",
  "__chk_fail",
  "__stack_chk_fail",
  "__libc_message",
  "__malloc_assert",
  "__pthread_unwind",
  "__pthread_unwind_next",
]);
/** Pseudo-numbers for clone sites whose flags are known: a new process, or a thread. */
export const CLONE_PROCESS_BIT = 1024;
export const CLONE_THREAD_BIT = 1025;

/** What one exported function of a shared library can reach. */
export interface ExportFacts {
  /** Syscall numbers reached through direct calls and jumps, not counting the paths through fatal-error functions. */
  direct: number[];
  /** Syscall numbers reached only through a fatal-error function (abort, __libc_fatal, __assert_fail, …). */
  errorPath: number[];
  /** Whether indirect calls are reachable (then `possible` applies too). */
  indirect: boolean;
  /** Imports (of other libraries) reached, as indices into LibraryFacts.importNames (keeps the cache small). */
  imports: number[];
  /** Unresolved syscall sites reached. */
  unresolved: number;
  /**
   * Of `direct`, the syscalls reached only through paths that the curated libc map leaves out of the mapped libc
   * functions on the way (see usualClosure); absent when there are none or the library has no map.
   */
  rare?: number[];
  /**
   * Syscall numbers reached only through function pointers stored in the tables of the library's data that the
   * export's code refers to (an event library's table of back-ends, a database engine's table of syscall wrappers),
   * directly or through the functions those pointers lead to; disjoint from `direct` and `errorPath`. Kept even when
   * the export makes no indirect call itself (it may register a table another export calls through): the follower
   * counts them when an indirect call is reached (FollowedFunction.pointer). See dataTables.
   */
  pointer: number[];
  /** Imports reached only that way (indices into LibraryFacts.importNames), followed into their libraries. */
  pointerImports: number[];
}

export interface LibraryFacts {
  exports: Map<string, ExportFacts>;
  /** The names ExportFacts.imports index. */
  importNames: string[];
  /** Syscalls reachable from the file's entry point (for the dynamic loader: everything it does before main). */
  entry: number[];
  /** Syscalls reachable from any address-taken function: what an indirect call might lead to. */
  possible: number[];
  instructions: number;
  functions: number;
}

/**
 * Per-export syscall sets for a shared library, by reachability from each export over the same call graph. With
 * `usual` (for the libc a curated map describes: function name → the syscall numbers it makes on its usual paths,
 * clone as CLONE_PROCESS_BIT / CLONE_THREAD_BIT where the map gives a mode), each export's syscalls reached only
 * through paths the map leaves out of the mapped functions on the way are listed apart as `rare`.
 */
export function analyzeLibrary(
  elf: ElfFile,
  bytes: Uint8Array,
  arch: Arch,
  usual?: ReadonlyMap<string, ReadonlySet<number>>,
): LibraryFacts | undefined {
  if (elf.machine !== arch) return undefined;
  const p = prepare(elf, bytes);
  const { graph, scan } = p;
  const n = graph.starts.length;
  // clone with known flags is recorded as its mode (bits CLONE_PROCESS_BIT / CLONE_THREAD_BIT) instead of plain clone.
  const own: number[][] = graph.sites.map((list) =>
    list
      .map((i) => {
        const s = scan.sites[i] as SyscallSite;
        if (s.nr === CLONE_NR[arch] && s.arg0 !== undefined) return cloneMode(s.arg0) === "thread" ? CLONE_THREAD_BIT : CLONE_PROCESS_BIT;
        return s.nr;
      })
      .filter((x): x is number => x !== null && x >= 0 && x < 1024 + 2),
  );
  const unresolvedOwn = graph.sites.map((list, f) =>
    p.wrapperFns.has(f) ? 0 : list.filter((i) => (scan.sites[i] as SyscallSite).nr === null).length,
  );
  const indexOf = (a: number): number => graph.index.indexOf(a);
  // Every libc function can end in abort(), which flushes streams, takes locks and signals itself: paths through
  // the fatal-error functions are kept apart, so that they qualify findings instead of deciding them.
  const fatal = new Uint8Array(n);
  let anyFatal = false;
  for (const list of [elf.exports, elf.symtab]) {
    for (const s of list) {
      if (!FATAL.has(s.name)) continue;
      const f = indexOf(s.value);
      if (f >= 0) {
        fatal[f] = 1;
        anyFatal = true;
      }
    }
  }
  // Imports as indices into the sorted list of every import name the code reaches through a slot or stores in data.
  const tables = dataTables(p);
  const importNames = [...new Set([...graph.imports.flat(), ...tables.importNames])].sort();
  const importIndex = new Map(importNames.map((name, i) => [name, i]));
  const ownImports = graph.imports.map((list) => (list.length === 0 ? (list as unknown as number[]) : list.map((x) => importIndex.get(x) as number)));
  const full = sccClosure(graph, own, ownImports, importNames.length, unresolvedOwn, undefined);
  const closure = anyFatal ? sccClosure(graph, own, ownImports, importNames.length, unresolvedOwn, fatal) : full;
  const usualOf = usual !== undefined && usual.size > 0 ? usualClosure(elf, graph, own, ownImports, importNames.length, unresolvedOwn, anyFatal ? fatal : undefined, closure, usual) : undefined;
  // The same closure over functions and the data tables they refer to: what an export reaches through the pointers
  // stored in the tables its code (and the code those pointers lead to) refers to.
  // libc and its loader are left out: their indirect calls (stdio's FILE vtables, NSS, atexit handlers) are what
  // the curated libc maps, checked against strace, describe per function; counted from its tables, fwrite would
  // reach 23 more syscalls than its 12 direct ones, and 858 of glibc's exports would gain some.
  const viaTables = tables.chunks > 0 && !isLibc(elf) ? tableClosure(graph, tables, own, ownImports, importIndex, unresolvedOwn, anyFatal ? fatal : undefined) : closure;
  const exports = new Map<string, ExportFacts>();
  for (const s of elf.exports) {
    if (s.kind !== "func" && s.kind !== "ifunc") continue;
    const f = indexOf(s.value);
    if (f < 0 || exports.has(s.name)) continue;
    const c = closure.of(f);
    const all = anyFatal ? full.of(f) : c;
    const direct = new Set(c.syscalls);
    const ownImports = new Set(c.imports);
    // Kept whether or not this export makes an indirect call itself: a table one export registers (sqlite3_initialize
    // → the unix VFS) is called through by another (sqlite3_open); the follower counts it when an indirect call is
    // reached on the way.
    const t = viaTables === closure ? undefined : viaTables.of(f);
    const pointer = t === undefined ? [] : t.syscalls.filter((x) => !direct.has(x));
    const viaPointer = new Set(pointer);
    const facts: ExportFacts = {
      direct: c.syscalls,
      errorPath: all.syscalls.filter((x) => !direct.has(x) && !viaPointer.has(x)),
      indirect: c.indirect,
      imports: c.imports,
      unresolved: c.unresolved,
      pointer,
      pointerImports: t === undefined ? [] : t.imports.filter((x) => !ownImports.has(x)),
    };
    if (usualOf !== undefined) {
      const onUsual = new Set(usualOf(f));
      const rare = c.syscalls.filter((x) => !onUsual.has(x));
      if (rare.length > 0) facts.rare = rare;
    }
    exports.set(s.name, facts);
  }
  // What indirect calls might reach: the union over every address-taken function (relocated pointers, lea).
  const possible = new Set<number>();
  const taken = new Set<number>();
  for (const list of [elf.relativeTargets, scan.addressTaken]) {
    for (const a of list) {
      const f = indexOf(a);
      if (f >= 0) taken.add(f);
    }
  }
  for (const f of taken) for (const x of closure.of(f).syscalls) possible.add(x);
  const entryFn = indexOf(elf.entry);
  const entry = elf.entry !== 0 && entryFn >= 0 ? closure.of(entryFn).syscalls : [];
  return { exports, importNames, entry, possible: [...possible].sort(compareNumbers), instructions: scan.instructions, functions: n };
}

/**
 * What each function reaches on usual paths only. The curated libc map, checked against strace, says what a mapped
 * function does in normal use; what else its code can reach (the priority-protect branch of pthread_mutex_lock, which
 * calls sched_getparam; an NSS module; posix_spawn's process-mode clone behind pthread_create's shared clone helper) is
 * on a path the map leaves out. So the closure is computed again over a graph in which every mapped function is a leaf
 * that contributes only the syscalls its map entry lists (of those its code reaches): a path counts as usual when it
 * is usual in every mapped function it passes through. Decided from the map's evidence and the code's paths, never
 * from a list of syscalls to silence.
 */
function usualClosure(
  elf: ElfFile,
  graph: Graph,
  own: number[][],
  ownImports: number[][],
  importCount: number,
  unresolvedOwn: number[],
  fatal: Uint8Array | undefined,
  closure: { of(f: number): { syscalls: number[] } },
  usual: ReadonlyMap<string, ReadonlySet<number>>,
): (f: number) => number[] {
  const n = graph.starts.length;
  const leaf = new Uint8Array(n);
  const ownUsual = own.slice();
  for (const list of [elf.exports, elf.symtab]) {
    for (const s of list) {
      if ((s.kind !== "func" && s.kind !== "ifunc") || s.value === 0) continue;
      const made = usual.get(s.name) ?? usual.get(s.name.replace(/^__(libc_)?/, ""));
      if (made === undefined) continue;
      const f = graph.index.indexOf(s.value);
      if (f < 0 || leaf[f] === 1) continue;
      leaf[f] = 1;
      ownUsual[f] = closure.of(f).syscalls.filter((x) => made.has(x));
    }
  }
  // The same graph with the mapped functions' outgoing edges left out.
  const succOff = new Int32Array(n + 1);
  const kept: number[] = [];
  for (let f = 0; f < n; f++) {
    succOff[f] = kept.length;
    if (leaf[f] === 1) continue;
    for (let e = graph.succOff[f] as number; e < (graph.succOff[f + 1] as number); e++) kept.push(graph.succ[e] as number);
  }
  succOff[n] = kept.length;
  const cut: Graph = { ...graph, succOff, succ: Int32Array.from(kept) };
  const c = sccClosure(cut, ownUsual, ownImports, importCount, unresolvedOwn, fatal);
  return (f) => c.of(f).syscalls;
}

/** glibc's libc.so.6 and ld.so, musl's libc.so (its own loader): the libraries the curated libc maps describe. */
function isLibc(elf: ElfFile): boolean {
  const name = elf.soname ?? "";
  return name === "libc.so.6" || name === "libc.so" || /^ld-linux[-.\w]*\.so\.\d+$/.test(name) || /^ld64\.so\.\d+$/.test(name) || name.startsWith("ld-musl-");
}

/**
 * The library's data seen as tables of pointers. Data has no object boundaries once stripped, so it is cut at every
 * address something points at: an address code refers to (RIP-relative operands, adrp pairs, calls through a
 * non-GOT slot), a relocated pointer into data, a GOT slot, an exported object. Each piece ("chunk") runs to the
 * next cut and holds the relocated pointers stored in it: to functions of the library (R_*_RELATIVE, or
 * symbol-valued to a name it defines), to other chunks (a table of tables: libevent's eventops[] → epollops), or to
 * functions of other libraries (symbol-valued to a name it does not define: sqlite's aSyscall[] → pwrite64).
 */
interface DataTables {
  chunks: number;
  /** Function → chunk: the tables each function's code refers to (pairs). */
  refFn: number[];
  refChunk: number[];
  /** Chunk → function and chunk → chunk (pairs; targets are node numbers: functions, then n + chunk). */
  ptrChunk: number[];
  ptrNode: number[];
  /** Chunk → names of other libraries' functions stored in it. */
  chunkImports: Map<number, string[]>;
  importNames: Set<string>;
}

function dataTables(p: Prepared): DataTables {
  const { graph, elf, scan, regions } = p;
  const n = graph.starts.length;
  const inCode = (a: number): boolean => inRegions(regions, a);
  const definedFns = new Map<string, number>();
  const definedData = new Map<string, number>();
  for (const s of elf.exports) {
    if (s.undefined || s.value === 0) continue;
    if (s.kind === "func" || s.kind === "ifunc") definedFns.set(s.name, s.value);
    else if (s.kind === "object") definedData.set(s.name, s.value);
  }
  // Where data is cut.
  const cuts: number[] = [];
  for (let i = 0; i < scan.dataRef.length; i++) cuts.push(scan.dataRef[i] as number);
  scan.slotAddr.forEach((a) => {
    if (!p.slotNames.has(a) && !inCode(a)) cuts.push(a);
  });
  for (const v of elf.relativeTargets) if (!inCode(v)) cuts.push(v);
  for (const s of elf.symbolSlots) if (s.type === "glob-dat") cuts.push(s.slot);
  for (const v of definedData.values()) cuts.push(v);
  for (const s of elf.symtab) if (s.kind === "object" && !s.undefined && s.value !== 0) cuts.push(s.value);
  const anchors = sortUnique(Float64Array.from(cuts));
  const chunkOf = (a: number): number => (a >= (anchors[0] ?? Infinity) ? lowerBound(anchors, a) : -1);
  const out: DataTables = { chunks: anchors.length, refFn: [], refChunk: [], ptrChunk: [], ptrNode: [], chunkImports: new Map(), importNames: new Set() };
  const fnOf = (a: number): number => graph.index.lowerBound(a);
  const ref = (from: number, to: number): void => {
    const f = fnOf(from);
    const c = chunkOf(to);
    if (f >= 0 && c >= 0) {
      out.refFn.push(f);
      out.refChunk.push(c);
    }
  };
  for (let i = 0; i < scan.dataRef.length; i++) ref(scan.dataFrom[i] as number, scan.dataRef[i] as number);
  scan.slotFrom.forEach((from, i) => {
    const a = scan.slotAddr[i] as number;
    if (!p.slotNames.has(a) && !inCode(a)) ref(from, a);
  });
  const store = (slot: number, node: number): void => {
    const c = chunkOf(slot);
    if (c < 0 || node < 0) return;
    out.ptrChunk.push(c);
    out.ptrNode.push(node);
  };
  elf.relativeTargets.forEach((v, i) => {
    const slot = elf.relativeSlots[i];
    if (slot === undefined) return;
    if (inCode(v)) store(slot, graph.index.indexOf(v));
    else {
      const c = chunkOf(v);
      if (c >= 0) store(slot, n + c);
    }
  });
  for (const s of elf.symbolSlots) {
    if (s.type === "jump-slot") continue; // PLT slots: calls, already edges
    const fn = definedFns.get(s.name);
    if (fn !== undefined) {
      store(s.slot, graph.index.indexOf(fn));
      continue;
    }
    const obj = definedData.get(s.name);
    if (obj !== undefined) {
      const c = chunkOf(obj);
      if (c >= 0) store(s.slot, n + c);
      continue;
    }
    const c = chunkOf(s.slot);
    if (c < 0) continue;
    const l = out.chunkImports.get(c);
    if (l === undefined) out.chunkImports.set(c, [s.name]);
    else l.push(s.name);
    out.importNames.add(s.name);
  }
  return out;
}

/** sccClosure over functions and data chunks together (see dataTables): per function, what it reaches either way. */
function tableClosure(
  graph: Graph,
  t: DataTables,
  own: number[][],
  ownImports: number[][],
  importIndex: ReadonlyMap<string, number>,
  unresolvedOwn: number[],
  skip: Uint8Array | undefined,
) {
  const n = graph.starts.length;
  const total = n + t.chunks;
  const pairs = graph.succ.length + t.refFn.length + t.ptrChunk.length;
  const src = new Int32Array(pairs);
  const dst = new Int32Array(pairs);
  let k = 0;
  for (let f = 0; f < n; f++) {
    for (let e = graph.succOff[f] as number; e < (graph.succOff[f + 1] as number); e++) {
      src[k] = f;
      dst[k++] = graph.succ[e] as number;
    }
  }
  t.refFn.forEach((f, i) => {
    src[k] = f;
    dst[k++] = n + (t.refChunk[i] as number);
  });
  t.ptrChunk.forEach((c, i) => {
    src[k] = n + c;
    dst[k++] = t.ptrNode[i] as number;
  });
  const { succOff, succ } = rows(total, src.subarray(0, k), dst.subarray(0, k));
  const indirect = new Int32Array(total);
  indirect.set(graph.indirect);
  const aug = { ...graph, starts: new Float64Array(total), succOff, succ, indirect } as Graph;
  const ownAll: number[][] = own.concat(new Array<number[]>(t.chunks).fill(EMPTY));
  const importsAll: number[][] = ownImports.concat(new Array<number[]>(t.chunks).fill(EMPTY));
  for (const [c, names] of t.chunkImports) importsAll[n + c] = names.map((x) => importIndex.get(x) as number);
  const unresolvedAll = unresolvedOwn.concat(new Array<number>(t.chunks).fill(0));
  let skipAll: Uint8Array | undefined;
  if (skip !== undefined) {
    skipAll = new Uint8Array(total);
    skipAll.set(skip);
  }
  return sccClosure(aug, ownAll, importsAll, importIndex.size, unresolvedAll, skipAll);
}


/** A shortest call chain from an entry point, as function names (demangled), and the functions at its end. */
export interface ChainTo {
  /** Function names from the entry point to the function that makes the call or holds the site. */
  chain: string[];
  /** The program's own functions that call the import directly (or the one holding the site), nearest first. */
  callers: string[];
  /** Where the chain starts: 0 main (or main.main), 1 the ELF entry, 2 another root. */
  root: number;
}

/** Answers "how does the program get there", from one breadth-first search of the call graph per file. */
export interface ChainFinder {
  /** To a call of the imported function `name` (through its PLT stub or GOT slot). */
  toImport(name: string): ChainTo | undefined;
  /** To the function holding the code address `addr` (a syscall site). */
  toAddress(addr: number): ChainTo | undefined;
  /**
   * Which of `callees` (imports, or functions of the file by name) the function named `from` (any of its names)
   * calls within `depth` calls, searching breadth-first (the nearest; among imports of one function, the first by
   * name); the functions in `stop` are not entered. Undefined when none.
   */
  leadsTo(from: string, callees: ReadonlySet<string>, depth: number, stop?: ReadonlySet<string>): string | undefined;
  /** The calls of the imported function `name` in reachable code (through its PLT stub or GOT slot), by address,
   * each with the function holding it. */
  callsTo(name: string): { addr: number; function: string }[];
}

/** Callers listed per import at most; the JSON report keeps a few, the text report fewer. */
const MAX_CALLERS = 8;
/** The functions a chain prefers to start from, in order: C's main, Go's main.main. */
const PREFERRED_ENTRIES = ["main", "main.main"];

/** Sized function symbols (start → size), for deciding whether an address lies inside the symbol at its start. */
const symbolSizes = new WeakMap<ElfFile, Map<number, number>>();
function sizesOf(elf: ElfFile): Map<number, number> {
  let m = symbolSizes.get(elf);
  if (m === undefined) {
    m = new Map();
    for (const list of [elf.symtab, elf.exports]) {
      for (const s of list) {
        if ((s.kind === "func" || s.kind === "ifunc") && !s.undefined && s.value !== 0 && s.size > 0 && !m.has(s.value)) m.set(s.value, s.size);
      }
    }
    symbolSizes.set(elf, m);
  }
  return m;
}

/**
 * The name of the code at `addr` in function f: the symbol at f's start only when `addr` lies inside its size (a
 * nearest-preceding symbol does not name unnamed code laid out after it, such as a static function a stripped
 * .symtab left without a name); such code is named sub_<where the symbol ends>. Go's table and symbols without a size
 * name everything up to the next function start.
 */
function nameAt(graph: Graph, elf: ElfFile, f: number, addr: number): string {
  const start = graph.starts[f] as number;
  const size = sizesOf(elf).get(start);
  if (size !== undefined && addr >= start + size) return `sub_${(start + size).toString(16)}`;
  return graph.name(f);
}

/**
 * One breadth-first search from the entry points, in phases so that `main` is preferred: first from main (or Go's
 * main.main), then from the ELF entry, then from the other roots (init/fini arrays, exports, address-taken code), each
 * phase reaching only what the earlier ones did not. Successors are visited in address order, so the chains are the
 * same on every run. Linear in the graph; each chain is then read back through the parent links.
 */
function chainFinder(p: Prepared, reachable: Uint8Array): ChainFinder {
  const { graph, elf } = p;
  const n = graph.starts.length;
  const parent = new Int32Array(n).fill(-2);
  const rank = new Int32Array(n).fill(-1);
  const phase = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const run = (seeds: Iterable<number>, ph: number): void => {
    for (const s of seeds) {
      if (s < 0 || parent[s] !== -2) continue;
      parent[s] = -1;
      phase[s] = ph;
      rank[s] = tail;
      queue[tail++] = s;
    }
    for (; head < tail; head++) {
      const f = queue[head] as number;
      for (let e = graph.succOff[f] as number; e < (graph.succOff[f + 1] as number); e++) {
        const s = graph.succ[e] as number;
        if (parent[s] !== -2) continue;
        parent[s] = f;
        phase[s] = ph;
        rank[s] = tail;
        queue[tail++] = s;
      }
    }
  };
  const byName = (name: string): number => {
    const sym = elf.symtab.find((s) => s.name === name && !s.undefined && s.value !== 0) ?? elf.exports.find((s) => s.name === name && s.value !== 0);
    const addr = sym?.value ?? elf.goFuncs.find((g) => g.name === name)?.addr;
    return addr === undefined ? -1 : graph.index.indexOf(addr);
  };
  for (const name of PREFERRED_ENTRIES) {
    const f = byName(name);
    if (f >= 0 && reachable[f] === 1) {
      run([f], 0);
      break;
    }
  }
  run([graph.index.indexOf(elf.entry)], 1);
  run(p.roots, 2);
  const names = new Map<number, string>();
  const display = (f: number): string => {
    let s = names.get(f);
    if (s === undefined) names.set(f, (s = demangle(graph.name(f))));
    return s;
  };
  const chainOf = (f: number): string[] => {
    const out: string[] = [];
    for (let x = f; x >= 0; x = parent[x] as number) out.push(display(x));
    return out.reverse();
  };
  // Import name → the functions that call it, in search order (nearest the entry first); built on first use.
  let callersOf: Map<string, number[]> | undefined;
  const importCallers = (): Map<string, number[]> => {
    if (callersOf !== undefined) return callersOf;
    callersOf = new Map();
    for (let q = 0; q < tail; q++) {
      const f = queue[q] as number;
      for (const imp of graph.imports[f] as string[]) {
        const l = callersOf.get(imp);
        if (l === undefined) callersOf.set(imp, [f]);
        else if (l[l.length - 1] !== f) l.push(f);
      }
    }
    return callersOf;
  };
  // Import name → its calls in reachable code, by address; built on first use.
  // Names are made only for the imports asked about (a large C++ program calls memcpy from thousands of functions).
  let importCalls: Map<string, { addr: number; f: number }[]> | undefined;
  const named = new Map<string, { addr: number; function: string }[]>();
  const demangled = new Map<string, string>();
  const callsTo = (name: string): { addr: number; function: string }[] => {
    if (importCalls === undefined) {
      importCalls = new Map();
      for (const c of callsInto(p, reachable, p.pltStub, () => true).sort((a, b) => a.addr - b.addr)) {
        const l = importCalls.get(c.callee);
        if (l === undefined) importCalls.set(c.callee, [{ addr: c.addr, f: c.f }]);
        else l.push({ addr: c.addr, f: c.f });
      }
    }
    let out = named.get(name);
    if (out === undefined) {
      out = (importCalls.get(name) ?? []).map((c) => {
        const raw = nameAt(graph, elf, c.f, c.addr);
        let shown = demangled.get(raw);
        if (shown === undefined) demangled.set(raw, (shown = demangle(raw)));
        return { addr: c.addr, function: shown };
      });
      named.set(name, out);
    }
    return out;
  };
  return {
    callsTo,
    toImport(name) {
      const list = importCallers().get(name);
      if (list === undefined || list.length === 0) return undefined;
      const callers = [...new Set(list.map(display))].slice(0, MAX_CALLERS);
      const f = list[0] as number;
      return { chain: chainOf(f), callers, root: phase[f] as number };
    },
    toAddress(addr) {
      const f = graph.index.lowerBound(addr);
      if (f < 0 || (rank[f] as number) < 0) return undefined;
      // Unnamed code past the end of f's symbol, reached through f: the chain goes through f to it.
      const here = demangle(nameAt(graph, elf, f, addr));
      const chain = chainOf(f);
      if (chain[chain.length - 1] !== here) chain.push(here);
      return { chain, callers: [here], root: phase[f] as number };
    },
    leadsTo(from, callees, depth, stop) {
      // The functions named by `callees` (static code: accept, __libc_accept...), and those not to enter.
      const targets = new Uint8Array(n);
      const closed = new Uint8Array(n);
      const starts: number[] = [];
      const mark = (name: string, addr: number): void => {
        const f = graph.index.indexOf(addr);
        if (f < 0) return;
        if (callees.has(name) || callees.has(name.replace(/^__(libc_)?/, ""))) targets[f] = 1;
        if (stop?.has(name) === true || stop?.has(name.replace(/^__(libc_)?/, "")) === true) closed[f] = 1;
        if (name === from) starts.push(f);
      };
      for (const list of [elf.symtab, elf.exports]) {
        for (const s of list) if ((s.kind === "func" || s.kind === "ifunc") && !s.undefined && s.value !== 0) mark(s.name, s.value);
      }
      for (const g of elf.goFuncs) mark(g.name, g.addr);
      if (starts.length === 0 && from.startsWith("sub_")) {
        const f = graph.index.indexOf(Number.parseInt(from.slice(4), 16));
        if (f >= 0) starts.push(f);
      }
      const level = new Int32Array(n).fill(-1);
      const q: number[] = [];
      for (const f of starts) {
        if (level[f] === -1) {
          level[f] = 0;
          q.push(f);
        }
      }
      for (let i = 0; i < q.length; i++) {
        const f = q[i] as number;
        const hit = (graph.imports[f] as string[]).filter((x) => callees.has(x)).sort()[0];
        if (hit !== undefined) return hit;
        if ((level[f] as number) >= depth) continue;
        for (let e = graph.succOff[f] as number; e < (graph.succOff[f + 1] as number); e++) {
          const s = graph.succ[e] as number;
          if (targets[s] === 1) return demangle(graph.name(s)).replace(/^__(libc_)?/, "");
          if (level[s] !== -1 || closed[s] === 1) continue;
          level[s] = (level[f] as number) + 1;
          q.push(s);
        }
      }
      return undefined;
    },
  };
}
