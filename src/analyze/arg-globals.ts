// @fileoverview What a load from a global of the program may read (x86-64, files with symbols), for the value
// analysis of src/analyze/arg-values.ts: the constants every writer stores, or the bits every writer's value has.

import { addressFlow, decodeValueOps } from "../disasm/x86.js";
import type { CodeRegion, ValueOp } from "../disasm/types.js";
import type { ElfFile } from "../elf/types.js";
import { lowerBound } from "../util/sorted.js";
import { MAX_SET, constBits, meetBits } from "./arg-values.js";
import type { ArgValues, Bits, GlobalReader } from "./arg-values.js";
import { POINTER_WRITERS } from "./pointer-writers.js";

/** DF_TEXTREL: the loader patches code, so an address in it need not be RIP-relative. */
const DF_TEXTREL = 0x4;
const ET_EXEC = 2;
const ET_DYN = 3;
const PT_LOAD = 1;
/** Above this, a static executable's bytes are not searched for absolute addresses (its globals stay unknown). */
const MAX_SEARCHED = 256 * 1024 * 1024;
/** System V integer argument registers (ValueOp numbering: rdi, rsi, rdx, rcx, r8, r9) and the callee-saved ones. */
const SYSV_ARGS = [7, 6, 2, 1, 8, 9];
const CALLEE_SAVED = [3, 5, 12, 13, 14, 15];

/** One writer of a global's bytes: a constant, a register's value at a store, or a library function's known bits. */
type Write = { value: number } | { src: number; at: number } | { bits: Bits | undefined };

/**
 * Loads from a global the program's own code reads (x86-64, with symbols): a variable whose initial value is in the
 * file and that nothing writes (a table, a setting left at its default), or that only stores of known constants write
 * (`family = AF_INET6` in an option parser), is the set of those values (valueAt). The variable is the .symtab object
 * around the address; it is given up (unknown) when its address is taken anywhere (a lea of any part of it: it may be
 * written through a pointer), when the loader writes it or stores a pointer to it (relocations), when other modules
 * may write it (exported), or when any instruction other than a plain load or a store of the same bytes refers to it.
 * In a position-independent file every reference from code is RIP-relative (the sweep's `dataRef`) and every pointer
 * in data has a relocation, so these are all the ways in. A static executable (ET_EXEC, no dynamic section) has no
 * relocations: any four bytes of the file that read as an address inside the variable (an immediate, an absolute
 * operand, a pointer in data) give it up instead. Other files (dynamic ET_EXEC, text relocations) or no .symtab: none.
 *
 * bitsAt: where the constants are not known, the bits every value of the read bytes has: of the initial value, of
 * every store there (a constant, or the bits the value analysis knows of the stored register), and, where the
 * variable's address is taken only to be passed straight to a library function of src/analyze/pointer-writers.ts
 * (glibc's `__malloc_hugepage_config (.., &mp_.hp_pagesize, &mp_.hp_flags)`), of what that function stores. Writes
 * to other bytes of the same variable are told apart by their operand's address and size.
 */
export function globalReader(elf: ElfFile, bytes: Uint8Array, regions: readonly CodeRegion[], dataRef: ArrayLike<number>, dataFrom: ArrayLike<number>): GlobalReader | undefined {
  if (elf.machine !== "x86_64" || !elf.symtab.some((x) => x.kind === "object")) return undefined;
  const pie = elf.fileType === ET_DYN && (elf.dtFlags & DF_TEXTREL) === 0;
  const fixed = elf.fileType === ET_EXEC && elf.classification.linkage === "static" && !elf.segments.some((s) => s.type === 2 || s.type === 3) && bytes.length <= MAX_SEARCHED;
  if (!pie && !fixed) return undefined;
  // Sorted once, when a load first asks.
  type Sym = ElfFile["symtab"][number];
  let objects: Sym[] = [];
  let starts: number[] = [];
  let exported: number[] = [];
  let relocated: number[] = [];
  let pointedTo: number[] = [];
  let ready = false;
  const prepare = (): void => {
    objects = elf.symtab.filter((x) => x.kind === "object" && !x.undefined && x.size > 0 && x.value > 0).sort((a, b) => a.value - b.value || b.size - a.size);
    starts = objects.map((o) => o.value);
    exported = elf.exports.map((x) => x.value).sort((a, b) => a - b);
    relocated = [...elf.relativeSlots].sort((a, b) => a - b);
    pointedTo = [...elf.relativeTargets].sort((a, b) => a - b);
    if (fixed) pointedTo = absoluteAddresses(elf, bytes, objects);
    ready = true;
  };
  const anyIn = (sorted: ArrayLike<number>, lo: number, hi: number): boolean => {
    const i = lowerBound(sorted, hi - 1);
    return i >= 0 && (sorted[i] as number) >= lo;
  };
  let refOrder: Uint32Array | undefined;
  let funcs: Map<number, string[]> | undefined;
  const memo = new Map<string, readonly number[] | null>();
  const bitsMemo = new Map<string, Bits | null>();
  const computing = new Set<string>();
  /** The keys a computation asked for while computing them (a writer's value read from the variable itself). */
  const cyclic = new Set<string>();

  const initial = (addr: number, size: number): number | undefined => {
    for (const seg of elf.segments) {
      if (seg.type !== PT_LOAD || addr < seg.vaddr || addr + size > seg.vaddr + seg.memsz) continue;
      if (addr >= seg.vaddr + seg.filesz) return 0; // .bss
      if (addr + size > seg.vaddr + seg.filesz) return undefined;
      const off = seg.offset + (addr - seg.vaddr);
      if (off + size > bytes.length) return undefined;
      let v = 0;
      for (let k = size - 1; k >= 0; k--) v = v * 256 + (bytes[off + k] as number);
      return v < 0x100000000 ? v : undefined;
    }
    return undefined;
  };
  const regionAt = (at: number): CodeRegion | undefined => regions.find((x) => at >= x.vaddr && at < x.vaddr + x.bytes.length);
  const opAt = (at: number): ValueOp | undefined => {
    const r = regionAt(at);
    if (r === undefined) return undefined;
    return decodeValueOps(r.bytes, r.vaddr, at - r.vaddr, Math.min(r.bytes.length, at - r.vaddr + 15))[0];
  };
  const namesAt = (addr: number): readonly string[] => {
    if (funcs === undefined) {
      funcs = new Map();
      for (const s of elf.symtab) {
        if (s.kind !== "func" || s.undefined || s.value === 0 || !POINTER_WRITERS.has(s.name)) continue;
        const list = funcs.get(s.value) ?? [];
        list.push(s.name);
        funcs.set(s.value, list);
      }
    }
    return funcs.get(addr) ?? [];
  };
  /**
   * The writes of a lea of the variable's address that only hands it to a listed library function, which may write
   * [addr, addr + size): undefined when the address may go anywhere else or the function may write those bytes in
   * part.
   */
  const passedWrites = (op: ValueOp, addr: number, size: number): Write[] | undefined => {
    const r = regionAt(op.addr);
    const flow = r !== undefined ? addressFlow(r.bytes, r.vaddr, op.addr - r.vaddr, r.bytes.length) : undefined;
    if (flow === undefined) return undefined;
    const names = namesAt(flow.target);
    const writer = names.length === 1 ? POINTER_WRITERS.get(names[0] as string) : undefined;
    if (writer === undefined) return undefined;
    const out: Write[] = [];
    for (const [reg, off] of flow.regs) {
      // Kept across the call: the caller may use it afterwards.
      if (CALLEE_SAVED.includes(reg)) return undefined;
      const param = SYSV_ARGS.indexOf(reg);
      if (param < 0 || param >= writer.params) continue; // a register the function does not read, lost at the call
      const w = writer.writes.find((x) => x.param === param);
      if (w === undefined) return undefined; // handed to a parameter the facts do not describe
      const at = (op.disp ?? 0) + off;
      if (at + w.size <= addr || at >= addr + size) continue;
      if (at !== addr || w.size !== size) return undefined;
      out.push({ bits: w.bits });
    }
    return out;
  };

  /** The initial value and the writers of [addr, addr + size), or undefined when something unknown may write it. */
  const writers = (addr: number, size: number, passed: boolean): { first: number; writes: Write[] } | undefined => {
    if (!ready) prepare();
    const i = lowerBound(starts, addr);
    // The object holding the bytes read (among the few that start last before them).
    let obj: Sym | undefined;
    for (let k = i; k >= 0 && k > i - 8; k--) {
      const o = objects[k] as Sym;
      if (o.value <= addr && addr + size <= o.value + o.size) {
        obj = o;
        break;
      }
    }
    if (obj === undefined) return undefined;
    const lo = obj.value;
    const hi = obj.value + obj.size;
    if (anyIn(exported, lo, hi) || anyIn(pointedTo, lo, hi) || anyIn(relocated, addr, addr + size)) return undefined;
    const first = initial(addr, size);
    if (first === undefined) return undefined;
    const writes: Write[] = [];
    if (refOrder === undefined) {
      refOrder = Uint32Array.from({ length: dataRef.length }, (_, k) => k);
      refOrder.sort((a, b) => (dataRef[a] as number) - (dataRef[b] as number) || a - b);
    }
    const order = refOrder;
    // The references into [lo, hi), by binary search over the sorted order.
    let a = 0;
    let b = order.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if ((dataRef[order[m] as number] as number) < lo) a = m + 1;
      else b = m;
    }
    for (let k = a; k < order.length; k++) {
      const ref = order[k] as number;
      const d = dataRef[ref] as number;
      if (d >= hi) break;
      const op = opAt(dataFrom[ref] as number);
      if (op === undefined) return undefined;
      if (op.takesAddress === true) {
        const w = passed ? passedWrites(op, addr, size) : undefined;
        if (w === undefined) return undefined;
        writes.push(...w);
        continue;
      }
      // A write through a register (`push qword [rip+X]` writes the stack): of the object, only a read.
      if (op.writesMemory === true && op.base === undefined) {
        // Another part of the object, when the operand's place and size are known (lock dec of a counter beside it).
        if (passed && op.size !== undefined && op.disp === d && (d + op.size <= addr || d >= addr + size)) continue;
        return undefined;
      }
      if (op.op !== "store") continue; // a load or a compare: a reader
      const end = d + (op.size ?? 8);
      if (end <= addr || d >= addr + size) continue; // another part of the object
      if (d !== addr || op.size !== size) return undefined;
      writes.push(op.src !== undefined ? { src: op.src, at: op.addr } : { value: op.value as number });
    }
    return { first, writes };
  };

  const constants = (addr: number, size: number, values: ArgValues): readonly number[] | undefined => {
    const w = writers(addr, size, false);
    if (w === undefined) return undefined;
    const fixed = new Set<number>([w.first]);
    const stored: { src: number; at: number }[] = [];
    for (const x of w.writes) {
      if ("value" in x) fixed.add(x.value >>> 0);
      else if ("src" in x) stored.push(x);
      else return undefined;
    }
    /** The initial value, the constants stored and what each stored register holds, read through `v`. */
    const all = (v: ArgValues): number[] | undefined => {
      const out = new Set(fixed);
      for (const x of stored) {
        const c = v.constants(x.src, x.at);
        if (c === undefined) return undefined;
        for (const k of c) out.add(k >>> 0);
        if (out.size > MAX_SET) return undefined;
      }
      return [...out].sort((p, q) => p - q);
    };
    const key = `${addr}:${size}`;
    cyclic.delete(key);
    const direct = all(values);
    // Iterated only where a writer's value reads the variable itself (otherwise the answer would be the same).
    if (direct !== undefined || !cyclic.has(key)) return direct;
    // A writer may store a value computed from the variable itself (lighttpd's `chunk_mmap_flags =
    // (chunk_mmap_flags & ~MAP_SHARED) | MAP_PRIVATE`): iterate from the values nothing computes, each round reading
    // the variable as the set found so far, up to a set that reproduces itself (every value a run can store is in it).
    let assumed = [...fixed].sort((p, q) => p - q);
    for (let round = 0; round < MAX_SET; round++) {
      const next = all(values.assuming(addr, size, assumed));
      if (next === undefined) return undefined;
      if (next.length === assumed.length && next.every((x, i) => x === assumed[i])) return next;
      assumed = next;
    }
    return undefined;
  };

  const bitsOf = (addr: number, size: number, values: ArgValues): Bits | undefined => {
    if (size > 4) return undefined;
    const w = writers(addr, size, true);
    if (w === undefined) return undefined;
    let m = constBits(w.first);
    for (const x of w.writes) {
      const k = "value" in x ? constBits(x.value) : "src" in x ? values.bits(x.src, x.at) : x.bits;
      if (k === undefined) return undefined;
      m = meetBits(m, k);
    }
    return m.known === 0 ? undefined : m;
  };

  /** Memoized, and unknown where a writer's value depends on the variable itself. */
  const once = <T>(memoOf: Map<string, T | null>, key: string, f: () => T | undefined): T | undefined => {
    const m = memoOf.get(key);
    if (m !== undefined) return m ?? undefined;
    if (computing.has(key)) {
      cyclic.add(key);
      return undefined;
    }
    computing.add(key);
    const r = f();
    computing.delete(key);
    memoOf.set(key, r ?? null);
    return r;
  };

  return {
    valueAt: (addr, size, values) => once(memo, `${addr}:${size}`, () => constants(addr, size, values)),
    bitsAt: (addr, size, values) => once(bitsMemo, `b${addr}:${size}`, () => bitsOf(addr, size, values)),
  };
}

/**
 * Every four bytes of a static executable's loaded contents that read as an address inside one of `objects` (at any
 * offset, so that no immediate, absolute operand or pointer in data is missed), sorted.
 */
function absoluteAddresses(elf: ElfFile, bytes: Uint8Array, objects: readonly { value: number; size: number }[]): number[] {
  if (objects.length === 0) return [];
  const lo = objects[0]?.value as number;
  let hi = lo;
  for (const o of objects) hi = Math.max(hi, o.value + o.size);
  const out: number[] = [];
  for (const seg of elf.segments) {
    if (seg.type !== PT_LOAD) continue;
    const end = Math.min(bytes.length, seg.offset + seg.filesz);
    for (let i = seg.offset; i + 4 <= end; i++) {
      const v = ((bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24)) >>> 0;
      if (v >= lo && v < hi) out.push(v);
    }
  }
  return out.sort((a, b) => a - b);
}
