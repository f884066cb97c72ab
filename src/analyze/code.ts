// @fileoverview Code analysis of one ELF image: executable regions → syscall sites (src/disasm) → functions and a
// call graph → what is reachable from the roots (entry, init/fini, exports, address-taken code), and per-export
// syscall sets for shared libraries. Target-independent; uncertainty is counted, never dropped.

import { scanX86 } from "../disasm/x86.js";
import type { CodeRegion, CodeScan, SyscallSite } from "../disasm/types.js";
import type { ElfFile } from "../elf/types.js";
import type { Arch } from "../types.js";
import { lowerBound } from "../util/sorted.js";

const SHF_EXECINSTR = 4;
const SHT_PROGBITS = 1;
const PT_LOAD = 1;
const PF_X = 1;

/**
 * Functions that take the syscall number as an argument, and where: the C ABI's first argument (rdi), or Go's ("go":
 * rax under the register ABI, else the first stack slot under ABI0, which assembly stubs and old Go use).
 */
const WRAPPERS: Readonly<Record<string, string>> = {
  syscall: "rdi",
  // clone(fn, stack, flags, …): the syscall is clone, its flags are the third argument
  __clone: "clone-rdx",
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

export interface SiteFact {
  nr: number;
  addr: number;
  /** Name of the enclosing function (symbol, or sub_<addr> for a recovered one). */
  function: string;
  how: string;
  kind: SyscallSite["kind"];
  arg0?: number;
}

export interface CodeAnalysis {
  /** Resolved syscall sites in reachable code, sorted by number then address. */
  sites: SiteFact[];
  /** Reachable sites whose number could not be found (outside known wrappers), sorted by address. */
  unresolved: { addr: number; function: string; kind: SyscallSite["kind"] }[];
  /** Reachable indirect calls and jumps that are not through a known slot. */
  indirectCalls: number;
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
}

interface Graph {
  starts: number[];
  names: string[];
  /** Successor function indices per function. */
  succ: number[][];
  /** Per function: imported symbols it reaches through slots. */
  imports: string[][];
  /** Per function: indirect transfers not through a slot. */
  indirect: number[];
  /** Per function: site indices. */
  sites: number[][];
}

/** The executable parts of the file: SHF_EXECINSTR sections, or PF_X segments when there are no section headers. */
export function codeRegions(elf: ElfFile, bytes: Uint8Array): CodeRegion[] {
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

/**
 * Values in writable or read-only data that point exactly at a known function start: function pointer tables
 * that no relocation announces (non-PIE static binaries, Go itabs). Scans aligned words of non-executable
 * PT_LOAD file images.
 */
function dataPointers(elf: ElfFile, bytes: Uint8Array, known: ReadonlySet<number>): number[] {
  if (elf.bits !== 64 || known.size === 0) return [];
  const out = new Set<number>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = elf.endian === "little";
  for (const p of elf.segments) {
    if (p.type !== PT_LOAD || (p.flags & PF_X) !== 0) continue;
    const start = p.offset + ((8 - (p.vaddr % 8)) % 8);
    const end = Math.min(bytes.length, p.offset + p.filesz) - 8;
    for (let o = start; o <= end; o += 8) {
      const hi = view.getUint32(o + (little ? 4 : 0), little);
      if (hi > 0x1fffff) continue; // beyond 2^53: not an address in this file
      const v = hi * 0x100000000 + view.getUint32(o + (little ? 0 : 4), little);
      if (known.has(v)) out.add(v);
    }
  }
  return [...out];
}

interface Prepared {
  regions: CodeRegion[];
  scan: CodeScan;
  graph: Graph;
  /** Function indices of the roots. */
  roots: Set<number>;
  wrapperFns: Set<number>;
  /** Imports reached through each slot. */
  slotNames: Map<number, string>;
  /** PLT stub address → imported name. */
  pltStub: Map<number, string>;
  /** Every symbol name at an address (aliases: fork and __libc_fork). */
  aliases: Map<number, string[]>;
  /** Whether an address lies in a PLT section. */
  inPlt: (addr: number) => boolean;
}

function prepare(elf: ElfFile, bytes: Uint8Array): Prepared {
  const regions = codeRegions(elf, bytes);
  // Named functions: .symtab first, then the dynamic exports.
  const named = new Map<number, string>();
  for (const s of [...elf.symtab, ...elf.exports]) {
    if ((s.kind === "func" || s.kind === "ifunc") && !s.undefined && s.value !== 0 && !named.has(s.value)) named.set(s.value, s.name);
  }
  for (const g of elf.goFuncs) if (!named.has(g.addr)) named.set(g.addr, g.name);
  const aliases = new Map<number, string[]>();
  for (const s of [...elf.symtab, ...elf.exports]) {
    if ((s.kind !== "func" && s.kind !== "ifunc") || s.undefined || s.value === 0) continue;
    const l = aliases.get(s.value);
    if (l === undefined) aliases.set(s.value, [s.name]);
    else if (!l.includes(s.name)) l.push(s.name);
  }
  const wrappers = new Map<number, string>();
  for (const [addr, name] of named) {
    const reg = WRAPPERS[name];
    if (reg !== undefined) wrappers.set(addr, reg);
  }
  const slotNames = new Map<number, string>();
  const wrapperSlots = new Map<number, string>();
  for (const s of elf.symbolSlots) {
    slotNames.set(s.slot, s.name);
    const reg = WRAPPERS[s.name];
    if (reg !== undefined) wrapperSlots.set(s.slot, reg);
  }
  // PLT stubs are `jmp [rip+slot]`, optionally after endbr64: find them by a first pass over .plt* sections only.
  const pltStub = new Map<number, string>();
  const pltRegions = elf.sections
    .filter((s) => s.name.startsWith(".plt") && (s.flags & SHF_EXECINSTR) !== 0)
    .map((s) => ({ vaddr: s.addr, bytes: bytes.subarray(s.offset, Math.min(bytes.length, s.offset + s.size)) }));
  const inPlt = (a: number): boolean => pltRegions.some((r) => a >= r.vaddr && a < r.vaddr + r.bytes.length);
  const pltScan = pltRegions.length > 0 ? scanX86(pltRegions, { functionStarts: [], wrappers: new Map() }) : undefined;
  if (pltScan !== undefined) {
    pltScan.slotFrom.forEach((from, i) => {
      const name = slotNames.get(pltScan.slotAddr[i] as number);
      if (name === undefined) return;
      pltStub.set(from, name);
      pltStub.set(from - 4, name); // endbr64 before a .plt.sec stub
      const reg = WRAPPERS[name];
      if (reg !== undefined) {
        wrappers.set(from, reg);
        wrappers.set(from - 4, reg);
      }
    });
  }

  const prelim = [...named.keys()].filter((a) => inRegions(regions, a)).sort((a, b) => a - b);
  const scan = scanX86(regions, { functionStarts: prelim, wrappers, wrapperSlots });

  // Function starts: symbols, call targets, entry, init/fini, relocated and address-taken code pointers.
  const startSet = new Set<number>(prelim);
  scan.edgeTo.forEach((to, i) => {
    if (scan.edgeCall[i] && inRegions(regions, to)) startSet.add(to);
  });
  const rootAddrs = new Set<number>();
  const addRoot = (a: number): void => {
    if (a !== 0 && inRegions(regions, a)) {
      rootAddrs.add(a);
      startSet.add(a);
    }
  };
  addRoot(elf.entry);
  elf.initFini.forEach(addRoot);
  elf.relativeTargets.forEach(addRoot);
  scan.addressTaken.forEach(addRoot);
  for (const s of elf.exports) if ((s.kind === "func" || s.kind === "ifunc") && s.value !== 0) addRoot(s.value);
  if (elf.relativeTargets.length === 0) {
    // No relocations to announce function pointers (non-PIE static, Go): look for them in data.
    dataPointers(elf, bytes, new Set(named.keys())).forEach(addRoot);
  }
  for (const a of pltStub.keys()) startSet.delete(a);
  const starts = [...startSet].sort((a, b) => a - b);
  const names = starts.map((a) => named.get(a) ?? `sub_${a.toString(16)}`);
  const n = starts.length;
  const fnOf = (addr: number): number => lowerBound(starts, addr);
  const startIndex = new Map<number, number>();
  starts.forEach((a, i) => startIndex.set(a, i));

  // Lists are created only for functions that have entries (most have none): no per-function allocation.
  const EMPTY: never[] = [];
  const succ: number[][] = new Array<number[]>(n).fill(EMPTY);
  const imports: string[][] = new Array<string[]>(n).fill(EMPTY);
  const indirect = new Array<number>(n).fill(0);
  const sites: number[][] = new Array<number[]>(n).fill(EMPTY);
  const push = <T,>(lists: T[][], i: number, v: T): void => {
    const l = lists[i] as T[];
    if (l === (EMPTY as T[])) lists[i] = [v];
    else l.push(v);
  };
  const edgeFrom = scan.edgeFrom;
  const edgeTo = scan.edgeTo;
  // PLT stubs are not code of the function laid out before them (_init): their jumps are the imports themselves.
  for (let i = 0; i < edgeFrom.length; i++) {
    if (pltRegions.length > 0 && inPlt(edgeFrom[i] as number)) continue;
    const src = fnOf(edgeFrom[i] as number);
    if (src < 0) continue;
    const to = edgeTo[i] as number;
    const stub = pltStub.get(to);
    if (stub !== undefined) {
      push(imports, src, stub);
      continue;
    }
    let dst = startIndex.get(to);
    // A jump into the middle of another function (a shared tail, a .cold part without a symbol) still leads there.
    if (dst === undefined && scan.edgeCall[i] === 0 && inRegions(regions, to)) dst = fnOf(to);
    if (dst !== undefined && dst >= 0 && dst !== src) push(succ, src, dst);
  }
  // A function that takes another's address (a callback it registers or passes on: sa_restorer, dl_main, a thread's
  // start routine) is taken to reach it.
  for (let i = 0; i < scan.addressTaken.length; i++) {
    const dst = startIndex.get(scan.addressTaken[i] as number);
    if (dst === undefined) continue;
    const src = fnOf(scan.addressFrom[i] as number);
    if (src >= 0 && src !== dst) push(succ, src, dst);
  }
  scan.slotFrom.forEach((from, i) => {
    if (pltRegions.length > 0 && inPlt(from)) return;
    const src = fnOf(from);
    if (src < 0) return;
    const name = slotNames.get(scan.slotAddr[i] as number);
    if (name !== undefined) push(imports, src, name);
    else indirect[src] = (indirect[src] as number) + 1;
  });
  for (const a of scan.indirect) {
    const src = fnOf(a);
    if (src >= 0) indirect[src] = (indirect[src] as number) + 1;
  }
  scan.sites.forEach((s, i) => {
    const f = fnOf(s.addr);
    if (f >= 0) push(sites, f, i);
  });
  const uniqueSorted = <T,>(l: T[], cmp: (a: T, b: T) => number): T[] => {
    if (l.length < 2) return l;
    l.sort(cmp);
    let w = 1;
    for (let r = 1; r < l.length; r++) if (cmp(l[r] as T, l[w - 1] as T) !== 0) l[w++] = l[r] as T;
    l.length = w;
    return l;
  };
  for (const l of succ) uniqueSorted(l, (a, b) => a - b);
  for (const l of imports) uniqueSorted(l, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const roots = new Set<number>();
  for (const a of rootAddrs) {
    const i = startIndex.get(a);
    if (i !== undefined) roots.add(i);
  }
  const wrapperFns = new Set<number>();
  for (const a of wrappers.keys()) {
    const i = startIndex.get(a);
    if (i !== undefined) wrapperFns.add(i);
  }
  return {
    regions,
    scan,
    graph: {
      starts,
      names,
      succ,
      imports,
      indirect,
      sites,
    },
    roots,
    wrapperFns,
    slotNames,
    pltStub,
    aliases,
    inPlt,
  };
}

/**
 * Calls (and tail jumps) from reachable functions to imports or named functions listed in `interest`, with whether
 * each sits in a loop of its function (inside the span of a backward branch).
 */
function callFacts(p: Prepared, reachable: Uint8Array, interest: ReadonlySet<string>): CodeAnalysis["calls"] {
  const { scan, graph } = p;
  const fnOf = (addr: number): number => lowerBound(graph.starts, addr);
  const found: { f: number; callee: string; addr: number }[] = [];
  const names = (to: number): string[] => {
    const stub = p.pltStub.get(to);
    if (stub !== undefined) return [stub];
    return p.aliases.get(to) ?? [];
  };
  for (let i = 0; i < scan.edgeFrom.length; i++) {
    const to = scan.edgeTo[i] as number;
    const hit = names(to).find((n) => interest.has(n));
    if (hit === undefined) continue;
    const from = scan.edgeFrom[i] as number;
    if (p.inPlt(from)) continue;
    const f = fnOf(from);
    if (f >= 0 && reachable[f]) found.push({ f, callee: hit, addr: from });
  }
  scan.slotFrom.forEach((from, i) => {
    if (p.inPlt(from)) return;
    const name = p.slotNames.get(scan.slotAddr[i] as number);
    if (name === undefined || !interest.has(name)) return;
    const f = fnOf(from);
    if (f >= 0 && reachable[f]) found.push({ f, callee: name, addr: from });
  });
  if (found.length === 0) return [];
  // Loops: backward jumps inside the same function, only for functions with interesting calls.
  const wanted = new Set(found.map((x) => x.f));
  const loops = new Map<number, [number, number][]>();
  for (let i = 0; i < scan.edgeFrom.length; i++) {
    if (scan.edgeCall[i] === 1) continue;
    const from = scan.edgeFrom[i] as number;
    const to = scan.edgeTo[i] as number;
    if (to >= from) continue;
    const f = fnOf(from);
    if (!wanted.has(f) || fnOf(to) !== f) continue;
    let l = loops.get(f);
    if (l === undefined) loops.set(f, (l = []));
    l.push([to, from]);
  }
  return found
    .map((x) => ({
      caller: graph.names[x.f] as string,
      callee: x.callee,
      addr: x.addr,
      inLoop: (loops.get(x.f) ?? []).some(([lo, hi]) => x.addr >= lo && x.addr <= hi),
    }))
    .sort((a, b) => a.addr - b.addr);
}

function reach(graph: Graph, roots: Iterable<number>): Uint8Array {
  const seen = new Uint8Array(graph.starts.length);
  const stack: number[] = [];
  for (const r of roots) {
    if (!seen[r]) {
      seen[r] = 1;
      stack.push(r);
    }
  }
  while (stack.length > 0) {
    const f = stack.pop() as number;
    for (const s of graph.succ[f] as number[]) {
      if (!seen[s]) {
        seen[s] = 1;
        stack.push(s);
      }
    }
  }
  return seen;
}

function collect(p: Prepared, reachable: Uint8Array): CodeAnalysis {
  const { scan, graph } = p;
  const sites: SiteFact[] = [];
  const unresolved: CodeAnalysis["unresolved"] = [];
  let indirectCalls = 0;
  let int80 = 0;
  const reachedImports = new Set<string>();
  let count = 0;
  for (let f = 0; f < graph.starts.length; f++) {
    if (!reachable[f]) continue;
    count++;
    indirectCalls += graph.indirect[f] as number;
    for (const imp of graph.imports[f] as string[]) reachedImports.add(imp);
    for (const si of graph.sites[f] as number[]) {
      const s = scan.sites[si] as SyscallSite;
      if (s.kind === "int80") {
        int80++;
        continue;
      }
      const fn = graph.names[f] as string;
      if (s.nr !== null) {
        const fact: SiteFact = { nr: s.nr, addr: s.addr, function: fn, how: s.how, kind: s.kind };
        if (s.arg0 !== undefined) fact.arg0 = s.arg0;
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
    reachedImports: [...reachedImports].sort(),
    functions: { total: graph.starts.length, reachable: count },
    instructions: scan.instructions,
    invalidBytes: scan.invalid,
    int80,
    calls: [],
  };
}

/** Analyses the code of a whole program: what its reachable code can do by itself. */
export function analyzeCode(elf: ElfFile, bytes: Uint8Array, arch: Arch, interest: ReadonlySet<string> = new Set()): CodeAnalysis {
  if (arch !== "x86_64") return emptyAnalysis(`${arch} code analysis is not available yet`);
  const p = prepare(elf, bytes);
  const reachable = reach(p.graph, p.roots);
  const result = collect(p, reachable);
  result.calls = interest.size > 0 ? callFacts(p, reachable, interest) : [];
  return result;
}

export function emptyAnalysis(unsupported: string): CodeAnalysis {
  return {
    sites: [],
    unresolved: [],
    indirectCalls: 0,
    reachedImports: [],
    functions: { total: 0, reachable: 0 },
    instructions: 0,
    invalidBytes: 0,
    int80: 0,
    unsupported,
    calls: [],
  };
}

const CLONE_NR = 56;
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

/** Per-export syscall sets for a shared library, by reachability from each export over the same call graph. */
export function analyzeLibrary(elf: ElfFile, bytes: Uint8Array, arch: Arch): LibraryFacts | undefined {
  if (arch !== "x86_64") return undefined;
  const p = prepare(elf, bytes);
  const { graph, scan } = p;
  const n = graph.starts.length;
  // clone with known flags is recorded as its mode (bits CLONE_PROCESS_BIT / CLONE_THREAD_BIT) instead of plain clone.
  const own: number[][] = graph.sites.map((list) =>
    list
      .map((i) => {
        const s = scan.sites[i] as SyscallSite;
        if (s.nr === CLONE_NR && s.arg0 !== undefined) return (s.arg0 & 0x10000) !== 0 ? CLONE_THREAD_BIT : CLONE_PROCESS_BIT;
        return s.nr;
      })
      .filter((x): x is number => x !== null && x >= 0 && x < 1024 + 2),
  );
  const unresolvedOwn = graph.sites.map((list, f) =>
    p.wrapperFns.has(f) ? 0 : list.filter((i) => (scan.sites[i] as SyscallSite).nr === null).length,
  );
  const startIndex = new Map<number, number>();
  graph.starts.forEach((a, i) => startIndex.set(a, i));
  // Every libc function can end in abort(), which flushes streams, takes locks and signals itself: paths through
  // the fatal-error functions are kept apart, so that they qualify findings instead of deciding them.
  const fatal = new Set<number>();
  for (const s of [...elf.exports, ...elf.symtab]) {
    if (!FATAL.has(s.name)) continue;
    const f = startIndex.get(s.value);
    if (f !== undefined) fatal.add(f);
  }
  const full = sccClosure(graph, own, unresolvedOwn);
  const closure = fatal.size === 0 ? full : sccClosure({ ...graph, succ: graph.succ.map((l) => l.filter((x) => !fatal.has(x))) }, own, unresolvedOwn);
  const exports = new Map<string, ExportFacts>();
  const importNames: string[] = [];
  const importIndex = new Map<string, number>();
  const intern = (name: string): number => {
    let i = importIndex.get(name);
    if (i === undefined) {
      i = importNames.length;
      importNames.push(name);
      importIndex.set(name, i);
    }
    return i;
  };
  for (const s of elf.exports) {
    if (s.kind !== "func" && s.kind !== "ifunc") continue;
    const f = startIndex.get(s.value);
    if (f === undefined || exports.has(s.name)) continue;
    const c = closure.of(f);
    const all = fatal.size === 0 ? c : full.of(f);
    const direct = new Set(c.syscalls);
    exports.set(s.name, {
      direct: c.syscalls,
      errorPath: all.syscalls.filter((x) => !direct.has(x)),
      indirect: c.indirect,
      imports: c.imports.map(intern),
      unresolved: c.unresolved,
    });
  }
  // What indirect calls might reach: the union over every address-taken function (relocated pointers, lea).
  const possible = new Set<number>();
  const taken = new Set<number>();
  for (const a of [...elf.relativeTargets, ...scan.addressTaken]) {
    const f = startIndex.get(a);
    if (f !== undefined) taken.add(f);
  }
  for (const f of taken) for (const x of closure.of(f).syscalls) possible.add(x);
  const entryFn = startIndex.get(elf.entry);
  const entry = elf.entry !== 0 && entryFn !== undefined ? closure.of(entryFn).syscalls : [];
  return { exports, importNames, entry, possible: [...possible].sort((a, b) => a - b), instructions: scan.instructions, functions: n };
}

/**
 * Per-function closures over the call graph, computed once per strongly connected component (Tarjan, iterative)
 * with syscall sets as bitsets, so every export of a large library costs one lookup.
 */
function sccClosure(graph: Graph, own: number[][], unresolvedOwn: number[]) {
  const n = graph.starts.length;
  const WORDS = 33; // 1024 syscall numbers and the two clone modes
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const bits: Uint32Array[] = [];
  const hasIndirect: boolean[] = [];
  const imps: Set<string>[] = [];
  const unres: number[] = [];
  let counter = 0;
  const call: { f: number; i: number }[] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    call.push({ f: root, i: 0 });
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (call.length > 0) {
      const top = call[call.length - 1] as { f: number; i: number };
      const succ = graph.succ[top.f] as number[];
      if (top.i < succ.length) {
        const s = succ[top.i++] as number;
        if (index[s] === -1) {
          index[s] = low[s] = counter++;
          stack.push(s);
          onStack[s] = 1;
          call.push({ f: s, i: 0 });
        } else if (onStack[s]) low[top.f] = Math.min(low[top.f] as number, index[s] as number);
        continue;
      }
      call.pop();
      const parent = call[call.length - 1];
      if (parent !== undefined) low[parent.f] = Math.min(low[parent.f] as number, low[top.f] as number);
      if (low[top.f] === index[top.f]) {
        // Pop one component; its successors' components are all finished (reverse topological order).
        const c = bits.length;
        const b = new Uint32Array(WORDS);
        let ind = false;
        const im = new Set<string>();
        let un = 0;
        const members: number[] = [];
        let m: number;
        do {
          m = stack.pop() as number;
          onStack[m] = 0;
          comp[m] = c;
          members.push(m);
        } while (m !== top.f);
        for (const mm of members) {
          for (const nr of own[mm] as number[]) b[nr >>> 5] = (b[nr >>> 5] as number) | (1 << (nr & 31));
          if ((graph.indirect[mm] as number) > 0) ind = true;
          for (const x of graph.imports[mm] as string[]) im.add(x);
          un += unresolvedOwn[mm] as number;
          for (const s of graph.succ[mm] as number[]) {
            const sc = comp[s] as number;
            if (sc === c || sc < 0) continue;
            const sb = bits[sc] as Uint32Array;
            for (let w = 0; w < WORDS; w++) b[w] = (b[w] as number) | (sb[w] as number);
            if (hasIndirect[sc]) ind = true;
            for (const x of imps[sc] as Set<string>) im.add(x);
            un += unres[sc] as number;
          }
        }
        bits.push(b);
        hasIndirect.push(ind);
        imps.push(im);
        unres.push(un);
      }
    }
  }
  return {
    of(f: number): { syscalls: number[]; indirect: boolean; imports: string[]; unresolved: number } {
      const c = comp[f] as number;
      const b = bits[c] as Uint32Array;
      const syscalls: number[] = [];
      for (let w = 0; w < WORDS; w++) {
        let v = b[w] as number;
        while (v !== 0) {
          const t = 31 - Math.clz32(v & -v);
          syscalls.push(w * 32 + t);
          v &= v - 1;
        }
      }
      return { syscalls, indirect: hasIndirect[c] as boolean, imports: [...(imps[c] as Set<string>)].sort(), unresolved: unres[c] as number };
    },
  };
}

/** A shortest call path (function names) from an exported function to a function that makes syscall `nr`; for explaining findings. */
export function pathToSyscall(elf: ElfFile, bytes: Uint8Array, from: string, nr: number): string[] | undefined {
  const p = prepare(elf, bytes);
  const { graph, scan } = p;
  const addr = elf.exports.find((e) => e.name === from)?.value ?? elf.symtab.find((e) => e.name === from)?.value;
  const start = addr === undefined ? -1 : graph.starts.indexOf(addr);
  if (start < 0) return undefined;
  const parent = new Int32Array(graph.starts.length).fill(-2);
  parent[start] = -1;
  for (const s of [...elf.exports, ...elf.symtab]) {
    const i = FATAL.has(s.name) ? graph.starts.indexOf(s.value) : -1;
    if (i >= 0 && i !== start) parent[i] = -3; // fatal paths are not explanations
  }
  const queue = [start];
  while (queue.length > 0) {
    const f = queue.shift() as number;
    if ((graph.sites[f] as number[]).some((i) => (scan.sites[i] as SyscallSite).nr === nr)) {
      const path: string[] = [];
      for (let x = f; x >= 0; x = parent[x] as number) path.unshift(graph.names[x] as string);
      return path;
    }
    for (const s of graph.succ[f] as number[]) {
      if (parent[s] === -2) {
        parent[s] = f;
        queue.push(s);
      }
    }
  }
  return undefined;
}
