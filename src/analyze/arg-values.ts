// @fileoverview The deciding argument of a call site (socket's domain, fcntl's command...) that the sweep's
// straight-line run left unknown, found by a value analysis of the whole function (x86-64 and aarch64): constants
// that reach the site along every path of the function's control flow (jump tables' cases included), values kept in
// callee-saved registers or stack slots across calls, globals of the program whose value is in the file and that no
// writer changes to something unknown (x86-64, with symbols: globalReader), and a function's own parameters followed
// to each of its callers (a wrapper `my_socket(int domain)`, gnulib's `rpl_fcntl(fd, action, ...)`): each caller's
// value is a value of the site. A value the sweep did find is taken from every path instead where a jump lands
// between the instruction that set it and the site (two branches sharing the call). Nothing is guessed: a path the
// analysis cannot follow makes the value unknown there.

import { decodeValueOpsA64 } from "../disasm/aarch64.js";
import { decodeValueOps } from "../disasm/x86.js";
import type { CodeRegion, ValueOp } from "../disasm/types.js";
import { lowerBound } from "../util/sorted.js";
import { ARG_SYSCALL_NR, passesArgumentOn } from "./arg-calls.js";
import type { ListResult } from "./list-results.js";
import type { ReadOnlyCall } from "./read-only-calls.js";

/** Where one of the values of a site's deciding argument is decided: the site itself, or a call of the function. */
export interface ArgLeaf {
  /** Address of the site, or of the call (of the function passing its parameter on) that decides the value. */
  at: number;
  /** The constants that reach it (one per path). */
  values: number[];
  /** Some path brings a value that is not a constant here. */
  unknown: boolean;
  /**
   * Some path brings a value that is not a constant but whose bits `partial.known` are known to be `partial.bits`
   * (glibc's malloc or-ing MAP_PRIVATE|MAP_ANONYMOUS into huge-page flags whose low bits are 0): the site is decided
   * where every bit its rule reads is among them (src/analyze/arg-modes.ts). The meet over such paths.
   */
  partial?: Bits;
}

/** Known bits of a 32-bit value: the bits set in `known` are those of `bits` (bits outside `known` are 0 there). */
export interface Bits {
  known: number;
  bits: number;
}
export const constBits = (x: number): Bits => ({ known: 0xffffffff, bits: x >>> 0 });
/** What two values have in common: the bits known in both and equal. */
export function meetBits(a: Bits, b: Bits): Bits {
  const known = (a.known & b.known & ~(a.bits ^ b.bits)) >>> 0;
  return { known, bits: (a.bits & known) >>> 0 };
}
const orBits = (k: Bits, imm: number): Bits => ({ known: (k.known | imm) >>> 0, bits: (k.bits | imm) >>> 0 });
const andBits = (k: Bits, imm: number): Bits => ({ known: (k.known | ~imm) >>> 0, bits: (k.bits & imm) >>> 0 });
const sameBits = (a: Bits | undefined, b: Bits | undefined): boolean => a?.known === b?.known && a?.bits === b?.bits;

export interface ValueContext {
  regions: readonly CodeRegion[];
  /** Function starts of the call graph, sorted. */
  starts: ArrayLike<number>;
  /** Direct call and jump edges (the sweep's). */
  edgeFrom: ArrayLike<number>;
  edgeTo: ArrayLike<number>;
  /** Go's register ABI keeps no register across a call; the System V ABI keeps rbx, rbp, r12-r15 (AAPCS64: x19-x29). */
  goAbi: boolean;
  /** The instruction set (default x86_64). */
  arch?: "x86_64" | "aarch64";
  /**
   * Whether code this analysis does not see may enter at an address: an exported function (other modules call it),
   * one whose address is taken or relocated (called through a pointer), an entry point. Its parameters then take
   * values from those callers too: unknown.
   */
  openEntry: (addr: number) => boolean;
  /** What a load from a fixed address may find (globalReader); absent: unknown. */
  globals?: GlobalReader | undefined;
  /**
   * x86-64: the function of src/analyze/list-results.ts a direct call at `target` makes (getaddrinfo's PLT stub), so
   * that the fields it fixes are read where the caller walks the list it returned; absent: none is.
   */
  listCall?: ((target: number) => ListResult | undefined) | undefined;
  /**
   * The function of src/analyze/read-only-calls.ts a direct call at `target` makes (setsockopt's PLT stub): it writes
   * none of the caller's memory, so the call keeps the stack slots and the list's fields; absent: none is.
   */
  readOnlyCall?: ((target: number) => ReadOnlyCall | undefined) | undefined;
}

/** The constants a load of `size` bytes at a fixed address may read, or undefined when that is not known. */
export interface GlobalReader {
  valueAt(addr: number, size: number, values: ArgValues): readonly number[] | undefined;
  /** When valueAt does not know the constants: the bits every value read there has, or undefined. */
  bitsAt?(addr: number, size: number, values: ArgValues): Bits | undefined;
}

/** How far a parameter is followed up the callers, and how many callers of one function are read. */
const MAX_DEPTH = 4;
const MAX_CALLERS = 64;
/** Larger functions are not analysed (the value stays unknown). */
const MAX_FUNCTION_BYTES = 256 * 1024;
/** A value with more distinct constants or origins than this is unknown. */
export const MAX_SET = 8;

/** What differs between the instruction sets: the registers, the stack pointer's number, what a call may change. */
interface Isa {
  regs: number;
  sp: number;
  /** What a call may change: System V rax, rcx, rdx, rsi, rdi, r8-r11; AAPCS64 x0-x18 and the link register x30. */
  callerSaved: readonly number[];
  /** Every register but the stack pointer (Go's register ABI keeps none across a call). */
  allButSp: readonly number[];
  /** The integer parameter registers, in order (System V rdi, rsi, rdx, rcx, r8, r9; AAPCS64 x0-x7). A stack address
   * in one of them at a call lets the stack escape (x86-64 `mov rdi, rsp`, aarch64's frame pointer). */
  params: readonly number[];
  decode: (bytes: Uint8Array, vaddr: number, start: number, end: number) => ValueOp[];
}
const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo }, (_, i) => lo + i);
const X86: Isa = { regs: 16, sp: 4, callerSaved: [0, 1, 2, 6, 7, 8, 9, 10, 11], allButSp: [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], params: [7, 6, 2, 1, 8, 9], decode: decodeValueOps };
const A64: Isa = { regs: 32, sp: 31, callerSaved: [...range(0, 19), 30], allButSp: range(0, 31), params: range(0, 8), decode: decodeValueOpsA64 };

/** An abstract value: the constants and entry parameters ("L:r": register r on entry at L) it may be, or unknown. */
interface Val {
  c: readonly number[];
  p: readonly string[];
  u: boolean;
  /** A stack address: the entry rsp plus this (the value is nothing else). */
  sp?: number;
  /** What was done to the parameters since entry: (x & and) | or (flags added with `or`, as glibc's malloc adds
   * MAP_PRIVATE|MAP_ANONYMOUS to its caller's extra flags). */
  t?: Transform;
  /** Values the parameters are known not to have here (a branch on `cmp reg, imm` / `test reg, reg` excluded them). */
  ex?: readonly number[];
  /** With `u`: what is known of the unknown values' bits (none known when absent). */
  k?: Bits;
  /** With `u`: the value is this stack address (entry rsp plus this), taken by a lea (x86-64). */
  at?: number;
  /** A pointer to a node of the list a function of src/analyze/list-results.ts returned, or null (nothing else). */
  list?: ListResult;
}
/** x → (x & and) | or, on 32 bits. */
interface Transform {
  and: number;
  or: number;
}
const ID: Transform = { and: 0xffffffff, or: 0 };
const apply = (t: Transform, x: number): number => ((x & t.and) | t.or) >>> 0;
const applyBits = (t: Transform, k: Bits): Bits => orBits(andBits(k, t.and), t.or);
/** An unknown value of which the bits `k` are known (plain unknown when none is). */
const partly = (k: Bits | undefined): Val => (k === undefined || k.known === 0 ? UNKNOWN : { c: [], p: [], u: true, k });
/** first `inner`, then `outer`. */
const compose = (outer: Transform, inner: Transform): Transform => ({ and: (inner.and & outer.and) >>> 0, or: ((inner.or & outer.and) | outer.or) >>> 0 });
const sameT = (a: Transform | undefined, b: Transform | undefined): boolean =>
  (a ?? ID).and === (b ?? ID).and && (a ?? ID).or === (b ?? ID).or;
const UNKNOWN: Val = { c: [], p: [], u: true };
const konst = (v: number): Val => ({ c: [v >>> 0], p: [], u: false });

function union<T>(a: readonly T[], b: readonly T[]): T[] | undefined {
  if (b.length === 0) return a as T[];
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out.length > MAX_SET ? undefined : out;
}

function merge(a: Val | undefined, b: Val): Val {
  if (a === undefined) return b;
  // A list pointer joined with null (the loop's end) is still one; with anything else, unknown.
  if (a.list !== undefined || b.list !== undefined) {
    const isNull = (v: Val): boolean => !v.u && v.sp === undefined && v.p.length === 0 && v.c.length === 1 && v.c[0] === 0;
    if (a.list !== undefined && (b.list === a.list || isNull(b))) return a;
    if (b.list !== undefined && isNull(a)) return b;
    return UNKNOWN;
  }
  // A stack address on one path only: what is not known of the other (a noted address is otherwise unknown).
  if (a.at !== b.at) return merge(a.at !== undefined ? UNKNOWN : a, b.at !== undefined ? UNKNOWN : b);
  if (a.sp !== undefined || b.sp !== undefined) return a.sp === b.sp ? a : UNKNOWN;
  if (a.p.length > 0 && b.p.length > 0 && !sameT(a.t, b.t)) return UNKNOWN;
  let c = union(a.c, b.c);
  const p = union(a.p, b.p);
  if (p === undefined) return UNKNOWN;
  // The unknown parts' known bits: those both sides know alike (a side with no unknown part adds nothing).
  let k = a.u && b.u ? (a.k !== undefined && b.k !== undefined ? meetBits(a.k, b.k) : undefined) : a.u ? a.k : b.k;
  let u = a.u || b.u;
  if (c === undefined) {
    // Too many constants to list: what they have in common is still known.
    let m: Bits | undefined = u ? k : constBits(a.c[0] as number);
    for (const x of [...a.c, ...b.c]) if (m !== undefined) m = meetBits(m, constBits(x));
    if (m === undefined || m.known === 0) return UNKNOWN;
    k = m;
    c = [];
    u = true;
  }
  if (k !== undefined && k.known === 0) k = undefined;
  const t = a.p.length > 0 ? a.t : b.t;
  const out: Val = t !== undefined ? { c, p, u, t } : { c, p, u };
  if (u && k !== undefined) out.k = k;
  // An exclusion holds after the merge only where both paths had it (a path without parameters has none to limit).
  const ex = a.p.length === 0 ? b.ex : b.p.length === 0 ? a.ex : a.ex?.filter((x) => b.ex?.includes(x) === true);
  if (ex !== undefined && ex.length > 0) out.ex = ex;
  return out;
}

const same = (a: Val, b: Val): boolean =>
  a.list === b.list && a.at === b.at && a.u === b.u && sameBits(a.k, b.k) && sameT(a.t, b.t) && (a.ex ?? []).length === (b.ex ?? []).length && (a.ex ?? []).every((x) => b.ex?.includes(x) === true) && a.sp === b.sp && a.c.length === b.c.length && a.p.length === b.p.length && a.c.every((x) => b.c.includes(x)) && a.p.every((x) => b.p.includes(x));

interface State {
  regs: Val[];
  /** Stack slots by offset from the entry rsp. */
  slots: Map<number, Val>;
  /** A stack address was taken: a call or a store through a pointer may change the slots. */
  escaped: boolean;
  /** The stack slots a listed function stored a list's head in (src/analyze/list-results.ts). */
  listSlots: readonly number[];
  /** Something may have written a node of such a list since: its fields are no longer what the function set. */
  listTouched: boolean;
}

const entryState = (leader: number, isa: Isa): State => ({
  regs: Array.from({ length: isa.regs }, (_, r) => (r === isa.sp ? { c: [], p: [], u: false, sp: 0 } : { c: [], p: [`${leader}:${r}`], u: false })),
  slots: new Map(),
  escaped: false,
  listSlots: [],
  listTouched: false,
});

const copyState = (s: State): State => ({ regs: [...s.regs], slots: new Map(s.slots), escaped: s.escaped, listSlots: s.listSlots, listTouched: s.listTouched });

function mergeState(a: State | undefined, b: State): State {
  if (a === undefined) return copyState(b);
  const slots = new Map<number, Val>();
  for (const [k, v] of a.slots) {
    const w = b.slots.get(k);
    if (w !== undefined) slots.set(k, merge(v, w));
  }
  const listSlots = b.listSlots.every((k) => a.listSlots.includes(k)) ? a.listSlots : [...new Set([...a.listSlots, ...b.listSlots])].sort((x, y) => x - y);
  return { regs: a.regs.map((v, i) => merge(v, b.regs[i] as Val)), slots, escaped: a.escaped || b.escaped, listSlots, listTouched: a.listTouched || b.listTouched };
}

function sameState(a: State, b: State): boolean {
  if (a.escaped !== b.escaped || a.slots.size !== b.slots.size || a.listTouched !== b.listTouched || a.listSlots.length !== b.listSlots.length) return false;
  for (let i = 0; i < a.regs.length; i++) if (!same(a.regs[i] as Val, b.regs[i] as Val)) return false;
  for (const [k, v] of a.slots) {
    const w = b.slots.get(k);
    if (w === undefined || !same(v, w)) return false;
  }
  return true;
}

function arith(v: Val, op: "or" | "and" | "add", imm: number): Val {
  if (v.list !== undefined) return UNKNOWN;
  // A stack address plus a constant is another (aarch64's frame pointer, sp set back from it).
  if (op === "add" && v.sp !== undefined) return { c: [], p: [], u: false, sp: v.sp + (imm | 0) };
  // An unknown value of which nothing is known stays so; of one with known bits, or/and keep what they fix or keep.
  if ((v.u && op === "add") || v.sp !== undefined || (op === "add" && v.p.length > 0)) return UNKNOWN;
  if (v.u && v.k === undefined) return partly(op === "or" ? orBits({ known: 0, bits: 0 }, imm) : andBits({ known: 0, bits: 0 }, imm));
  const c = v.c.map((x) => (op === "or" ? (x | imm) >>> 0 : op === "and" ? (x & imm) >>> 0 : (x + imm) >>> 0));
  const k = v.u && v.k !== undefined ? (op === "or" ? orBits(v.k, imm) : andBits(v.k, imm)) : undefined;
  const out: Val = { c, p: [], u: v.u };
  if (k !== undefined) out.k = k;
  if (v.p.length === 0) return out;
  out.p = v.p;
  out.t = compose(op === "or" ? { and: 0xffffffff, or: imm >>> 0 } : { and: imm >>> 0, or: 0 }, v.t ?? ID);
  return out;
}

/**
 * What a register holds on an edge where it equals `value` (equal) or differs from it: the constants narrowed, and an
 * exclusion for the parameters' values; undefined when no value known here can take the edge.
 */
function narrow(v: Val, value: number, equal: boolean): Val | undefined {
  if (v.u || v.sp !== undefined || v.list !== undefined) return equal ? konst(value) : v;
  if (equal) return v.c.includes(value) || v.p.length > 0 ? konst(value) : undefined;
  const c = v.c.filter((x) => x !== value);
  if (v.p.length === 0) return c.length > 0 ? { c, p: [], u: false } : undefined;
  // Only a parameter that reaches here unchanged (no transform) can be limited by the value it is compared with.
  const ex = v.t === undefined ? [...(v.ex ?? []), value >>> 0] : v.ex;
  const out: Val = { ...v, c };
  if (ex !== undefined) out.ex = ex;
  return out;
}

/** One instruction's effect on the state (in place). */
function step(s: State, op: ValueOp, ctx: ValueContext, isa: Isa, global?: (addr: number, size: number) => Val): void {
  const regs = s.regs;
  const { goAbi, listCall, readOnlyCall } = ctx;
  const lists = op.flow === "call" && op.target !== undefined ? listCall?.(op.target) : undefined;
  // A call that writes none of the caller's memory, or only a buffer of the stack whose bytes are known: the other
  // slots and the list's nodes stay what they were.
  const callee = op.flow === "call" && op.target !== undefined ? readOnlyCall?.(op.target) : undefined;
  const filled = callee?.fills !== undefined ? filledBytes(s, callee.fills, isa) : undefined;
  const quiet = callee !== undefined && (callee.fills === undefined || filled !== undefined) && readsOnly(regs, callee, isa);
  if (s.listSlots.length > 0 && !s.listTouched && lists === undefined && !quiet && touchesList(s, op, isa)) s.listTouched = true;
  const RSP = isa.sp;
  const slotAt = (base: number | undefined, disp: number): number | undefined => {
    if (base === undefined || base < 0) return undefined;
    const b = regs[base] as Val;
    return b.sp !== undefined ? b.sp + disp : undefined;
  };
  switch (op.op) {
    case "const":
      regs[op.dst as number] = konst(op.value as number);
      break;
    case "either":
      regs[op.dst as number] = { c: (op.values ?? []).map((x) => x >>> 0), p: [], u: false };
      break;
    case "copy":
      regs[op.dst as number] = regs[op.src as number] as Val;
      break;
    case "load": {
      const list = op.base !== undefined && op.base >= 0 ? (regs[op.base] as Val).list : undefined;
      if (list !== undefined) {
        regs[op.dst as number] = listField(list, op.disp ?? 0, op.size ?? 4, s.listTouched);
        break;
      }
      const k = slotAt(op.base, op.disp ?? 0);
      let v = k !== undefined ? (s.slots.get(k) ?? UNKNOWN) : op.base === -1 && global !== undefined ? global(op.disp ?? 0, op.size ?? 4) : UNKNOWN;
      if ((op.size ?? 4) < 4) v = arith(v, "and", op.size === 1 ? 0xff : 0xffff);
      regs[op.dst as number] = v;
      break;
    }
    case "store": {
      const k = slotAt(op.base, op.disp ?? 0);
      // A stack address stored anywhere but the frame may be read back by any code: the stack escapes.
      if (k === undefined && op.src !== undefined && (regs[op.src] as Val).sp !== undefined) s.escaped = true;
      if (k !== undefined) {
        s.slots.set(k, op.src !== undefined ? (regs[op.src] as Val) : konst(op.value as number));
        // A qword store covers the next dword as well.
        if (op.size === 8) s.slots.delete(k + 4);
        else s.slots.delete(k - 4);
      } else if (s.escaped || op.base === undefined) s.slots.clear();
      break;
    }
    case "push": {
      const sp = (regs[RSP] as Val).sp;
      if (sp === undefined) break;
      s.slots.set(sp - 8, regs[op.src as number] as Val);
      regs[RSP] = { c: [], p: [], u: false, sp: sp - 8 };
      break;
    }
    case "pop": {
      const sp = (regs[RSP] as Val).sp;
      regs[op.dst as number] = sp !== undefined ? (s.slots.get(sp) ?? UNKNOWN) : UNKNOWN;
      if (op.dst !== RSP) regs[RSP] = sp !== undefined ? { c: [], p: [], u: false, sp: sp + 8 } : UNKNOWN;
      break;
    }
    case "sp-add": {
      const sp = (regs[RSP] as Val).sp;
      regs[RSP] = sp !== undefined ? { c: [], p: [], u: false, sp: sp + (op.value as number) } : UNKNOWN;
      break;
    }
    case "or":
    case "and":
    case "add":
      regs[op.dst as number] = arith(regs[(op.src ?? op.dst) as number] as Val, op.op, op.value as number);
      break;
    case "lea-stack": {
      s.escaped = true;
      const at = slotAt(op.base, op.disp ?? 0);
      // Noted where a call may be handed it: the list's head, a read-only function's parameter (readsOnly).
      regs[op.dst as number] = at !== undefined && (listCall !== undefined || readOnlyCall !== undefined) ? { c: [], p: [], u: true, at } : UNKNOWN;
      break;
    }
    default: {
      const call = op.flow === "call" || op.flow === "icall";
      // Where a write other than a plain store lands, read before its registers change: a stack slot (`add dword
      // [rsp+0x28], 1`, `movups [rsp+0x90], xmm0`), somewhere in the stack (an indexed operand), or elsewhere.
      const onStack = !call && op.writesMemory === true && op.base !== undefined && op.base >= 0 && (regs[op.base] as Val).sp !== undefined;
      const at = onStack && op.size !== undefined ? slotAt(op.base, op.disp ?? 0) : undefined;
      // A call returns with the stack pointer it was made with (the return address it pushes is popped again). The
      // slots stay readable after it: a compiler reads a slot back after a call only where the callee cannot change
      // it (its outgoing arguments are dead after the call), and a callee that got a stack address is `escaped`.
      for (let r = 0; r < isa.regs; r++) if ((op.writes & (1 << r)) !== 0 && !(r === RSP && call)) regs[r] = UNKNOWN;
      if (op.writesMemory !== true || quiet) break;
      if (at !== undefined) forgetBytes(s.slots, at, op.size as number);
      // A write the decoder could not place, or one somewhere in this frame: any slot may have changed.
      else if (onStack || (!call && op.base === undefined && op.disp === undefined)) s.slots.clear();
      // Through another pointer (or a global's bytes): a slot only once a stack address escaped.
      else if (s.escaped) s.slots.clear();
    }
  }
  const head = lists !== undefined ? (regs[isa.params[lists.param] as number] as Val) : undefined;
  if (op.flow === "call" || op.flow === "icall") {
    if (!quiet && isa.params.some((r) => (regs[r] as Val).sp !== undefined)) s.escaped = true;
    for (const r of goAbi ? isa.allButSp : isa.callerSaved) regs[r] = UNKNOWN;
    if ((s.escaped && !quiet) || goAbi) s.slots.clear();
  }
  if (quiet && filled !== undefined) for (const [from, size] of filled) forgetBytes(s.slots, from, size);
  // The list's head is in the slot whose address the call was handed (a lea of the caller's local `res`).
  const at = head?.at ?? head?.sp;
  if (lists !== undefined && at !== undefined) {
    s.slots.set(at, { c: [], p: [], u: false, list: lists });
    s.slots.delete(at + 4);
    if (!s.listSlots.includes(at)) s.listSlots = [...s.listSlots, at].sort((x, y) => x - y);
  }
}

/** Forgets the slots that a write of `size` bytes at slot offset `at` overlaps (a slot holds at most 8 bytes). */
function forgetBytes(slots: Map<number, Val>, at: number, size: number): void {
  for (const k of [...slots.keys()]) if (k > at - 8 && k < at + size) slots.delete(k);
}

/**
 * Whether a call of `callee` (a function of src/analyze/read-only-calls.ts) leaves the caller's memory as it was: the
 * function only reads through its const pointer parameters and keeps none of them, so a stack address or a list
 * pointer handed there changes nothing (a buffer it fills is judged by filledBytes). One the analysis sees in any
 * other parameter register (a number by the prototype, or past its last parameter) is a value the prototype does not
 * account for: that call is judged as any other is.
 */
function readsOnly(regs: readonly Val[], callee: ReadOnlyCall, isa: Isa): boolean {
  return isa.params.every((r, i) => {
    const v = regs[r] as Val;
    return callee.pointers.includes(i) || callee.fills?.buffer === i || callee.fills?.length === i || (v.sp === undefined && v.at === undefined && v.list === undefined);
  });
}

/** The most bytes a value-result buffer may hold: a sockaddr_storage is 128, socket options are smaller. */
const MAX_FILL = 4096;

/**
 * The stack bytes a call of a function that fills a value-result buffer writes, as [slot offset, size] pairs: the
 * buffer, as long as the length the caller stored says, and the length itself. Undefined unless both parameters are
 * stack addresses and the length is a constant of the slot (the call may then write anywhere they point).
 */
function filledBytes(s: State, fills: { buffer: number; length: number }, isa: Isa): [number, number][] | undefined {
  const buffer = s.regs[isa.params[fills.buffer] as number] as Val;
  const length = s.regs[isa.params[fills.length] as number] as Val;
  const from = buffer.at ?? buffer.sp;
  const lengthAt = length.at ?? length.sp;
  if (from === undefined || lengthAt === undefined) return undefined;
  const n = s.slots.get(lengthAt);
  if (n === undefined || n.u || n.p.length > 0 || n.c.length === 0 || n.sp !== undefined || n.list !== undefined || n.t !== undefined) return undefined;
  const most = Math.max(...n.c);
  if (most > MAX_FILL) return undefined;
  return [[from, most], [lengthAt, 4]];
}

/** What a load of `size` bytes at `offset` in a node of `list` reads: a field's values, the next node, or unknown. */
function listField(list: ListResult, offset: number, size: number, touched: boolean): Val {
  if (offset === list.next && size === 8) return { c: [], p: [], u: false, list };
  const f = touched ? undefined : list.fields.find((x) => x.offset === offset && x.size === size);
  return f !== undefined ? { c: f.values.map((x) => x >>> 0), p: [], u: false } : UNKNOWN;
}

/**
 * Whether `op`, once a listed function returned a list, may write one of its nodes or let other code do so: a store
 * through a pointer that is neither a stack slot nor a global (it may be an alias), a list pointer stored in a global
 * or used to compute an address (`lea rdi, [rbx+4]`), a write to memory the analysis cannot place, or a call handed a
 * list pointer or any stack address (the listed function's own call aside). Coarse: the fields are unknown from there
 * on. What it does not follow is a pointer to the stack kept by a callee from before the list was made.
 */
function touchesList(s: State, op: ValueOp, isa: Isa): boolean {
  const regs = s.regs;
  const val = (r: number | undefined): Val | undefined => (r !== undefined && r >= 0 ? regs[r] : undefined);
  const isList = (r: number | undefined): boolean => val(r)?.list !== undefined;
  switch (op.op) {
    case "store":
      return op.base === -1 ? isList(op.src) : val(op.base)?.sp === undefined;
    case "or":
    case "and":
    case "add":
      return isList(op.src ?? op.dst);
    case "lea-stack":
      // An address of the stack this analysis cannot place may be the slot holding a list's head.
      return val(op.base)?.sp === undefined;
    case "clobber":
      // Writes to a global's bytes (their place known) cannot reach the heap's nodes; a compare only reads.
      // (A call's own write is its return address: what the callee may write is judged below.)
      if (op.writesMemory === true && op.flow !== "call" && op.flow !== "icall") {
        // Through a register: a node unless the register holds a stack address; else a global's bytes, or unplaced.
        if (op.base !== undefined && op.base >= 0 ? val(op.base)?.sp === undefined : op.disp === undefined || op.size === undefined) return true;
      }
      if (op.writes !== 0) for (let r = 0; r < isa.regs; r++) if (((op.reads ?? 0) & (1 << r)) !== 0 && isList(r)) return true;
      break;
    default:
  }
  // A callee handed a stack address may reach any slot from it (a struct holding the list's head or a node pointer).
  if (op.flow === "call" || op.flow === "icall") {
    for (const r of isa.params) {
      const v = val(r);
      if (v?.list !== undefined || v?.sp !== undefined || v?.at !== undefined) return true;
    }
  }
  return false;
}

/** A function's blocks and the state on entry to each, after the fixed point. */
interface FunctionValues {
  ops: ValueOp[];
  addrs: number[];
  /** Index of the first op of each block, ascending. */
  blockStart: number[];
  inState: (State | undefined)[];
}

export class ArgValues {
  private readonly functions = new Map<number, FunctionValues | null>();
  private readonly callersMemo = new Map<number, number[]>();

  private readonly isa: Isa;
  private readonly global: ((addr: number, size: number) => Val) | undefined;

  constructor(private readonly ctx: ValueContext) {
    this.isa = ctx.arch === "aarch64" ? A64 : X86;
    const g = ctx.globals;
    if (g !== undefined) {
      this.global = (addr, size) => {
        const c = g.valueAt(addr, size, this);
        if (c === undefined || c.length > MAX_SET) return partly(g.bitsAt?.(addr, size, this));
        return { c: c.map((x) => x >>> 0), p: [], u: false };
      };
    }
  }

  /**
   * The same analysis, except that a load of `size` bytes at `addr` reads one of `values`: an assumption the global
   * reader (src/analyze/arg-globals.ts) checks by what the variable's writers then store.
   */
  assuming(addr: number, size: number, values: readonly number[]): ArgValues {
    const g = this.ctx.globals;
    const globals: GlobalReader = {
      valueAt: (a, n, v) => (a === addr && n === size ? values : g?.valueAt(a, n, v)),
      bitsAt: (a, n, v) => (a === addr && n === size ? undefined : g?.bitsAt?.(a, n, v)),
    };
    return new ArgValues({ ...this.ctx, globals });
  }

  /** The constants register `reg` may hold at `addr` whatever the path and caller; undefined when not all known. */
  constants(reg: number, addr: number): number[] | undefined {
    const out = new Set<number>();
    for (const l of this.leaves(reg, addr)) {
      if (l.unknown || l.partial !== undefined) return undefined;
      for (const v of l.values) out.add(v);
    }
    return [...out].sort((a, b) => a - b);
  }

  /** The bits register `reg` is known to have at `addr` whatever the path and caller; undefined when none is. */
  bits(reg: number, addr: number): Bits | undefined {
    let m: Bits | undefined;
    for (const l of this.leaves(reg, addr)) {
      if (l.unknown) return undefined;
      for (const v of l.values) m = m === undefined ? constBits(v) : meetBits(m, constBits(v));
      if (l.partial !== undefined) m = m === undefined ? l.partial : meetBits(m, l.partial);
    }
    return m === undefined || m.known === 0 ? undefined : m;
  }

  /** The leaves of register `reg`'s value at the instruction at `addr` (before it executes). */
  leaves(reg: number, addr: number): ArgLeaf[] {
    const out = new Map<number, ArgLeaf>();
    this.collect(reg, addr, 0, new Set(), out, ID);
    return [...out.values()].sort((a, b) => a.at - b.at);
  }

  /** `t`: what the code between here and the site does to the value (flags or-ed in on the way). */
  private collect(
    reg: number,
    addr: number,
    depth: number,
    seen: Set<string>,
    out: Map<number, ArgLeaf>,
    t: Transform,
    accept: (x: number) => number | undefined = (x) => apply(t, x),
  ): void {
    const add = (at: number, values: readonly number[], unknown: boolean, partial?: Bits): void => {
      let l = out.get(at);
      if (l === undefined) out.set(at, (l = { at, values: [], unknown: false }));
      for (const x of values) {
        const v = accept(x);
        if (v !== undefined && !l.values.includes(v)) l.values.push(v);
      }
      l.values.sort((a, b) => a - b);
      if (unknown) l.unknown = true;
      // The unknown value's known bits as they reach the site (a branch's exclusions on the way are not applied: a
      // value they exclude is only one more the bits cover).
      if (partial !== undefined) l.partial = l.partial === undefined ? partial : meetBits(l.partial, partial);
    };
    const v = this.valueAt(reg, addr);
    if (v !== undefined && v.u && v.k !== undefined) add(addr, v.c, false, applyBits(t, v.k));
    else if (v === undefined || v.u || v.sp !== undefined || v.list !== undefined) {
      add(addr, v?.c ?? [], true);
      if (v === undefined || v.sp !== undefined || v.list !== undefined) return;
    } else if (v.c.length > 0) add(addr, v.c, false);
    for (const origin of v.p) {
      const [l, r] = origin.split(":").map(Number) as [number, number];
      const callers = depth < MAX_DEPTH && !seen.has(origin) ? this.callers(l) : [];
      if (callers.length === 0 || callers.length > MAX_CALLERS || r === this.isa.sp) {
        add(addr, [], true);
        continue;
      }
      // Called from outside as well: those calls' values are not known.
      if (this.ctx.openEntry(l)) add(addr, [], true);
      const next = new Set(seen).add(origin);
      const inner = compose(t, v.t ?? ID);
      // A caller's value x reaches the site as t(v.t(x)), unless a branch on the way excluded x.
      const vt = v.t ?? ID;
      const ex = v.ex ?? [];
      const acceptInner = (x: number): number | undefined => (ex.includes(x >>> 0) ? undefined : accept(apply(vt, x)));
      for (const from of callers) this.collect(r, from, depth + 1, next, out, inner, acceptInner);
    }
  }

  /** The direct calls and jumps into `leader` from outside its function (and calls of its own start from inside). */
  private callers(leader: number): number[] {
    let c = this.callersMemo.get(leader);
    if (c !== undefined) return c;
    const { starts, edgeFrom, edgeTo } = this.ctx;
    const f = lowerBound(starts, leader);
    const lo = f >= 0 ? (starts[f] as number) : -Infinity;
    const hi = f + 1 < starts.length ? (starts[f + 1] as number) : Infinity;
    c = [];
    for (let i = 0; i < edgeTo.length; i++) {
      if (edgeTo[i] !== leader) continue;
      const from = edgeFrom[i] as number;
      if (from < lo || from >= hi || leader === lo) c.push(from);
    }
    this.callersMemo.set(leader, c);
    return c;
  }

  /** Whether the analysis sees the instruction at `addr`: its function read whole, and a path to it followed. */
  sees(addr: number): boolean {
    return this.valueAt(0, addr) !== undefined;
  }

  /** The value of `reg` just before the instruction at `addr`; undefined when its function cannot be analysed. */
  private valueAt(reg: number, addr: number): Val | undefined {
    const fv = this.analyse(addr);
    if (fv === undefined) return undefined;
    const i = lowerBound(fv.addrs, addr - 1) + 1; // the instruction's first op
    if (i >= fv.ops.length || (fv.ops[i] as ValueOp).addr !== addr) return undefined;
    const b = lowerBound(fv.blockStart, i);
    const start = fv.blockStart[b] as number;
    const inState = fv.inState[b];
    if (inState === undefined) return undefined; // a block no path of the analysis reaches
    const s = copyState(inState);
    for (let k = start; k < i; k++) step(s, fv.ops[k] as ValueOp, this.ctx, this.isa, this.global);
    return s.regs[reg];
  }

  private analyse(addr: number): FunctionValues | undefined {
    const { starts, regions } = this.ctx;
    const f = lowerBound(starts, addr);
    if (f < 0) return undefined;
    const fs = starts[f] as number;
    const cached = this.functions.get(fs);
    if (cached !== undefined) return cached ?? undefined;
    const region = regions.find((r) => fs >= r.vaddr && fs < r.vaddr + r.bytes.length);
    let result: FunctionValues | null = null;
    if (region !== undefined) {
      const regionEnd = region.vaddr + region.bytes.length;
      const fe = Math.min(f + 1 < starts.length ? (starts[f + 1] as number) : regionEnd, regionEnd);
      if (fe - fs <= MAX_FUNCTION_BYTES) result = this.fixpoint(this.isa.decode(region.bytes, region.vaddr, fs - region.vaddr, fe - region.vaddr), fs, fe);
    }
    this.functions.set(fs, result);
    return result ?? undefined;
  }

  private fixpoint(ops: ValueOp[], fs: number, fe: number): FunctionValues | null {
    if (ops.length === 0) return null;
    const indexOf = new Map<number, number>();
    // The first op of each instruction (an aarch64 instruction may be several).
    ops.forEach((o, i) => {
      if (!indexOf.has(o.addr)) indexOf.set(o.addr, i);
    });
    const leaders = new Set<number>([0]);
    const external = new Set<number>([0]);
    ops.forEach((o, i) => {
      if (o.target !== undefined && o.flow !== "call") {
        const t = indexOf.get(o.target);
        if (t !== undefined) leaders.add(t);
      }
      if (o.flow !== "next" && o.flow !== "call" && o.flow !== "icall" && i + 1 < ops.length) leaders.add(i + 1);
    });
    // Entries from other functions (a tail call into the middle, a .cold part jumping back).
    const { edgeFrom, edgeTo } = this.ctx;
    for (let i = 0; i < edgeTo.length; i++) {
      const t = edgeTo[i] as number;
      if (t <= fs || t >= fe) continue;
      const from = edgeFrom[i] as number;
      if (from >= fs && from < fe) continue;
      const k = indexOf.get(t);
      if (k !== undefined) {
        leaders.add(k);
        external.add(k);
      }
    }
    const blockStart = [...leaders].sort((a, b) => a - b);
    const blockOf = new Map<number, number>();
    blockStart.forEach((s, b) => blockOf.set(s, b));
    const n = blockStart.length;
    const succ: number[][] = Array.from({ length: n }, () => []);
    // Per successor edge: what an equality branch says (register, value, equal or not), when the block ends with one.
    const refine: ({ reg: number; value: number; equal: boolean } | undefined)[][] = Array.from({ length: n }, () => []);
    for (let b = 0; b < n; b++) {
      const end = b + 1 < n ? (blockStart[b + 1] as number) : ops.length;
      const last = ops[end - 1] as ValueOp;
      const before = end - 2 >= (blockStart[b] as number) ? ops[end - 2] : undefined;
      // The compare before the branch (x86-64 cmp/test, aarch64 cmp), or the branch itself (aarch64 cbz/cbnz).
      const test = last.flow !== "branch" || last.cond === undefined ? undefined : last.cmpReg !== undefined ? last : before?.cmpReg !== undefined ? before : undefined;
      if (last.target !== undefined && (last.flow === "jump" || last.flow === "branch")) {
        const t = indexOf.get(last.target);
        if (t !== undefined) {
          succ[b]?.push(blockOf.get(t) as number);
          refine[b]?.push(test !== undefined ? { reg: test.cmpReg as number, value: test.cmpValue as number, equal: last.cond === "e" } : undefined);
        }
      }
      if ((last.flow === "next" || last.flow === "call" || last.flow === "icall" || last.flow === "branch") && b + 1 < n) {
        succ[b]?.push(b + 1);
        refine[b]?.push(test !== undefined ? { reg: test.cmpReg as number, value: test.cmpValue as number, equal: last.cond !== "e" } : undefined);
      }
    }
    const inState: (State | undefined)[] = new Array<State | undefined>(n);
    for (const k of external) {
      const b = blockOf.get(k) as number;
      inState[b] = entryState((ops[k] as ValueOp).addr, this.isa);
    }
    // Blocks no direct edge or fall-through enters, in a function with indirect jumps: the targets of a jump table
    // (a switch's cases), entered from a state this analysis does not pair with them. They start with nothing known
    // (an edge from every indirect jump would be sound too, but joins values of unrelated paths into false constants).
    const seeded: number[] = [];
    if (ops.some((o) => o.flow === "ijump")) {
      const entered = new Uint8Array(n);
      for (const e of succ) for (const t of e) entered[t] = 1;
      const nothing: State = { regs: Array.from({ length: this.isa.regs }, () => UNKNOWN), slots: new Map(), escaped: true, listSlots: [], listTouched: true };
      for (let b = 1; b < n; b++) {
        if (entered[b] === 0 && inState[b] === undefined) {
          inState[b] = copyState(nothing);
          seeded.push(b);
        }
      }
    }
    const work = [...[...external].map((k) => blockOf.get(k) as number), ...seeded].sort((a, b) => a - b);
    const queued = new Uint8Array(n);
    for (const b of work) queued[b] = 1;
    let budget = 64 * n + 1024;
    while (work.length > 0) {
      if (--budget < 0) return null;
      const b = work.shift() as number;
      queued[b] = 0;
      const s = copyState(inState[b] as State);
      const end = b + 1 < n ? (blockStart[b + 1] as number) : ops.length;
      for (let k = blockStart[b] as number; k < end; k++) step(s, ops[k] as ValueOp, this.ctx, this.isa, this.global);
      const edges = succ[b] as number[];
      for (let e = 0; e < edges.length; e++) {
        const t = edges[e] as number;
        const r = refine[b]?.[e];
        let out = s;
        if (r !== undefined) {
          const v = narrow(s.regs[r.reg] as Val, r.value, r.equal);
          if (v === undefined) continue; // the edge cannot be taken with the values known here
          out = { ...s, regs: [...s.regs] };
          out.regs[r.reg] = v;
        }
        const before = inState[t];
        const after = mergeState(before, out);
        if (before !== undefined && sameState(before, after)) continue;
        inState[t] = after;
        if (queued[t] === 0) {
          queued[t] = 1;
          work.push(t);
        }
      }
    }
    return { ops, addrs: ops.map((o) => o.addr), blockStart, inState };
  }
}

/**
 * The sites of argCallable syscalls whose deciding argument the sweep left unknown (outside the functions that only
 * pass it on, whose calls stand for them), each given its leaves. A site the sweep resolved keeps its value unless a
 * jump lands between where the sweep's reasoning started and the site (a join of paths the straight-line run does
 * not see, as where two branches set the argument and one jumps back into the other's tail): its leaves are then
 * taken from every path. `argReg` and `argFrom` are left only on the sites that still need them.
 */
export function followArguments(
  sites: { nr: number; addr: number; function: string; arg?: number; argReg?: number; argFrom?: number; argLeaves?: ArgLeaf[] }[],
  ctx: ValueContext,
): void {
  const byNr = new Map(Object.entries(ARG_SYSCALL_NR).map(([name, nrs]) => [nrs[ctx.arch ?? "x86_64"], name]));
  let values: ArgValues | undefined;
  let targets: Float64Array | undefined;
  for (const s of sites) {
    const reg = s.argReg;
    const from = s.argFrom;
    if (s.arg !== undefined) {
      delete s.argReg;
      delete s.argFrom;
    }
    if (reg === undefined) continue;
    const name = byNr.get(s.nr);
    if (name === undefined || passesArgumentOn(s.function, name)) continue;
    if (s.arg !== undefined) {
      if (from === undefined) continue;
      targets ??= Float64Array.from(ctx.edgeTo).sort();
      const t = lowerBound(targets, s.addr);
      if (t < 0 || (targets[t] as number) <= from) continue; // no jump lands in (from, addr]
      // A jump lands in the run: only one after the constant was put in the register joins another value.
      const def = constantSetAt(ctx, isaOf(ctx), from, s.addr, reg);
      if (def !== undefined && (targets[t] as number) <= def) continue;
    }
    values ??= new ArgValues(ctx);
    // Where the analysis does not see the site (a block reached only through a jump table), the sweep's value stands.
    if (s.arg !== undefined && !values.sees(s.addr)) continue;
    const leaves = values.leaves(reg, s.addr);
    delete s.arg;
    s.argReg = reg;
    s.argLeaves = leaves;
  }
}

const isaOf = (ctx: ValueContext): Isa => (ctx.arch === "aarch64" ? A64 : X86);

/**
 * The address of the instruction that last writes `reg` in the straight line [from, to), when it writes a constant;
 * undefined otherwise (a copy, a load: the value's reasoning then starts at `from`).
 */
function constantSetAt(ctx: ValueContext, isa: Isa, from: number, to: number, reg: number): number | undefined {
  const region = ctx.regions.find((r) => from >= r.vaddr && to <= r.vaddr + r.bytes.length);
  if (region === undefined || to - from > 4096) return undefined;
  let at: number | undefined;
  for (const op of isa.decode(region.bytes, region.vaddr, from - region.vaddr, to - region.vaddr)) {
    if (op.addr >= to) break;
    const writes = op.dst === reg || (op.writes & (1 << reg)) !== 0 || ((op.flow === "call" || op.flow === "icall") && isa.callerSaved.includes(reg));
    if (writes) at = op.op === "const" && op.dst === reg ? op.addr : undefined;
  }
  return at;
}
