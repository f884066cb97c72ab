// @fileoverview aarch64 code → syscall sites, wrapper calls and call graph edges (the same CodeScan as the x86 sweep),
// with a small decoder of our own: A64 is fixed-width, and only the classes the analysis needs are decoded exactly
// (branches, svc, adr/adrp, add, ldr, the moves that put constants in registers). Every other word is taken to
// write the registers its class may write, so a value it might change is never trusted.

import { ScanBuilder } from "./scan-builder.js";
import type { CodeRegion, CodeScan, Resolution, ScanOptions, SyscallSite, ValueOp } from "./types.js";
import { CLONE_NR as CLONE_NRS } from "../util/clone.js";

/** aarch64 clone: its flags are the first argument (x0) of the syscall, the third (x2) of the clone() wrapper. */
const CLONE_NR = CLONE_NRS.aarch64;
/** Registers a call may change (the caller-saved x0-x18 and the link register x30). */
const CALLER_SAVED = 0x4007ffff;
/** A hoisted constant is looked for at most this far back in the function. */
const MAX_PREFIX_BYTES = 16384;

const TWO32 = 0x100000000;
const bit = (r: number): number => (r === 31 ? 0 : 1 << r);
const signed = (v: number, bits: number): number => (v >= 2 ** (bits - 1) ? v - 2 ** bits : v);

/** Bits of the general registers (x0-x30) that an instruction word may write (register 31 is sp or zr: not tracked). */
export function writtenRegisters(w: number): number {
  const op1 = (w >>> 25) & 0xf;
  if ((op1 & 0b1110) === 0b1010) {
    // Branches, exception generation, system instructions.
    if ((w & 0xfc000000) >>> 0 === 0x94000000) return 1 << 30; // BL
    if ((w & 0xfe000000) >>> 0 === 0xd6000000) return ((w >>> 21) & 7) === 1 ? 1 << 30 : 0; // BLR (and BLRAA…)
    if ((w & 0xffc00000) >>> 0 === 0xd5000000) return (w & 0x200000) !== 0 ? bit(w & 31) : 0; // MRS, SYSL
    return 0;
  }
  if ((op1 & 0b0101) === 0b0100) {
    // Loads and stores.
    const simd = (w >>> 26) & 1;
    const group = (w >>> 28) & 3;
    if (group === 2) {
      // Register pairs: L is bit 22; pre- and post-index write the base back.
      let m = simd === 0 && (w & 0x400000) !== 0 ? bit(w & 31) | bit((w >>> 10) & 31) : 0;
      if ((w & 0x800000) !== 0) m |= bit((w >>> 5) & 31);
      return m;
    }
    if (group === 3) {
      // Single registers: a store has opc 00 (atomics, bit 21 set with bits 11:10 clear, always write Rt).
      const atomic = (w & 0x01200c00) === 0x00200000;
      let m = simd === 0 && (((w >>> 22) & 3) !== 0 || atomic) ? bit(w & 31) : 0;
      if ((w & 0x01000400) === 0x00000400) m |= bit((w >>> 5) & 31); // pre/post-index, or a writeback PAC load
      return m;
    }
    // Exclusives, load-acquire/store-release, literal loads, SIMD structures, memory copies: any named register.
    return bit(w & 31) | bit((w >>> 5) & 31) | bit((w >>> 10) & 31) | bit((w >>> 16) & 31);
  }
  if ((op1 & 0b0111) === 0b0111) {
    // SIMD and floating point write vector registers, but for conversions to integers and element moves (SMOV/UMOV).
    if ((w & 0x5f20fc00) === 0x1e200000 || (w & 0x9fe08400) >>> 0 === 0x0e000400) return bit(w & 31);
    return 0;
  }
  if ((w & 0x3fe00000) === 0x3a400000) return 0; // conditional compare: its low bits are flags, not a register
  // Data processing (immediate or register), SVE, unallocated: the destination is bits 4:0.
  return bit(w & 31);
}

/** The value of a logical (bitmask) immediate, or undefined when the encoding is reserved. */
function bitmaskImmediate(n: number, immr: number, imms: number, wide: boolean): bigint | undefined {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return undefined;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return undefined;
  const size = 1 << len;
  const levels = size - 1;
  const s = imms & levels;
  const r = immr & levels;
  if (s === levels) return undefined;
  const mask = (1n << BigInt(size)) - 1n;
  let elem = (1n << BigInt(s + 1)) - 1n;
  if (r > 0) elem = ((elem >> BigInt(r)) | (elem << BigInt(size - r))) & mask;
  const width = wide ? 64 : 32;
  let out = 0n;
  for (let i = 0; i < width; i += size) out |= elem << BigInt(i);
  return out;
}

/**
 * What a constant-producing instruction puts in its destination: the new value of Rd given its old one, or
 * undefined when the word is not such a move (movz, movn, movk, orr rd, zr, #bitmask). NaN: a value out of range.
 */
function constantMove(w: number, old: number | undefined): number | undefined {
  const op = (w & 0x7f800000) >>> 0;
  const wide = (w & 0x80000000) !== 0;
  const hw = (w >>> 21) & 3;
  const imm16 = (w >>> 5) & 0xffff;
  if (op === 0x52800000) return hw > 1 && !wide ? NaN : imm16 * 2 ** (16 * hw); // MOVZ
  if (op === 0x12800000) return wide ? NaN : (~(imm16 << (16 * hw)) >>> 0); // MOVN (32-bit only: 64-bit is ≥ 2^32)
  if (op === 0x72800000) {
    // MOVK keeps the other halves.
    if (old === undefined || Number.isNaN(old)) return NaN;
    if (hw > 1) return imm16 === 0 ? old : NaN;
    const shift = 16 * hw;
    return ((old & ~(0xffff << shift)) | (imm16 << shift)) >>> 0;
  }
  if ((w & 0x7f8003e0) >>> 0 === 0x320003e0) {
    // ORR rd, zr, #bitmask (the mov alias for values movz cannot make)
    const v = bitmaskImmediate((w >>> 22) & 1, (w >>> 16) & 0x3f, (w >>> 10) & 0x3f, wide);
    return v === undefined || v >= BigInt(TWO32) ? NaN : Number(v);
  }
  return undefined;
}

/** Kinds of register state within a straight-line run. */
const ENTRY = 0; // the value the register had when the run began (val holds which register that was)
const CONST = 1;
const UNKNOWN = 2;
const HOW: readonly Resolution[] = ["immediate", "zeroed", "copied"];

export function scanA64(regions: readonly CodeRegion[], options: ScanOptions): CodeScan {
  const scan = new ScanBuilder(regions);
  const { out, edgeFrom, edgeTo, edgeCall } = scan;
  let codeLo = Infinity;
  let codeHi = -Infinity;
  for (const r of regions) {
    codeLo = Math.min(codeLo, r.vaddr);
    codeHi = Math.max(codeHi, r.vaddr + r.bytes.length);
  }
  const starts = options.functionStarts;
  // Register state: kind, value (a constant, or for ENTRY the register whose run-start value it holds), how a
  // constant was made; page: the address an adrp put there; slot: the address a register was loaded from.
  const kind = new Uint8Array(32);
  const val = new Float64Array(32);
  const how = new Uint8Array(32);
  const page = new Float64Array(32);
  const slot = new Float64Array(32);
  const newRun = (): void => {
    for (let r = 0; r < 32; r++) {
      kind[r] = ENTRY;
      val[r] = r;
    }
  };
  const forgetAddresses = (mask: number): void => {
    for (let r = 0; r < 31; r++) {
      if ((mask & (1 << r)) !== 0) {
        page[r] = NaN;
        slot[r] = NaN;
      }
    }
  };
  const setConst = (r: number, v: number, h: number): void => {
    if (r === 31) return;
    if (Number.isNaN(v) || v < 0 || v >= TWO32) kind[r] = UNKNOWN;
    else {
      kind[r] = CONST;
      val[r] = v;
      how[r] = h;
    }
  };

  for (const region of regions) {
    const { bytes, vaddr } = region;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Instructions are 4-byte aligned: skip to the first aligned address; a tail shorter than a word is not code.
    const first = (4 - (vaddr % 4)) % 4;
    const words = Math.max(0, Math.floor((bytes.length - first) / 4));
    out.invalid += bytes.length - words * 4;
    let fnStart = first;
    let runStart = first;
    let nextStart = 0;
    while (nextStart < starts.length && (starts[nextStart] as number) <= vaddr + first) nextStart++;
    newRun();
    forgetAddresses(0x7fffffff);

    /** The constant the last write to `reg` in [from, to) stores; undefined when it is not a constant move, or a call clobbers a caller-saved reg. */
    const lastConstant = (from: number, to: number, reg: number): number | undefined => {
      if (to - from > MAX_PREFIX_BYTES) return undefined;
      let value: number | undefined;
      for (let o = from; o + 4 <= to; o += 4) {
        const w = view.getUint32(o, true);
        if (isCall(w) && (CALLER_SAVED & (1 << reg)) !== 0) {
          value = undefined;
          continue;
        }
        if ((w & 31) === reg) {
          const c = (w & 0x7fffffe0) === 0x2a1f03e0 ? 0 : constantMove(w, value); // mov reg, zr: zero
          if (c !== undefined) {
            value = Number.isNaN(c) || c >= TWO32 ? undefined : c;
            continue;
          }
        }
        if ((writtenRegisters(w) & (1 << reg)) !== 0) value = undefined;
      }
      return value;
    };
    /** The value of `reg` here: a constant of this run, or the one hoisted earlier in the function. */
    const resolve = (reg: number): { nr: number | null; how: Resolution; from?: number } => {
      if (kind[reg] === CONST) return { nr: val[reg] as number, how: HOW[how[reg] as number] as Resolution, from: vaddr + runStart };
      if (kind[reg] === ENTRY && runStart > fnStart) {
        const v = lastConstant(fnStart, runStart, val[reg] as number);
        if (v !== undefined) return { nr: v, how: "hoisted", from: vaddr + fnStart };
      }
      return { nr: null, how: "unresolved" };
    };
    /** The deciding argument in `reg`: its value and where the reasoning starts, or the register to follow. */
    const decided = (site: SyscallSite, reg: number): void => {
      const a = resolve(reg);
      site.argReg = reg;
      if (a.nr === null) return;
      site.arg = a.nr;
      if (a.from !== undefined) site.argFrom = a.from;
    };
    const wrapperSite = (addr: number, reg: string, wrapper?: number): void => {
      if (reg === "clone-rdx") {
        const site: SyscallSite = { addr, kind: "wrapper", nr: CLONE_NR, how: "immediate" };
        if (wrapper !== undefined) site.wrapper = wrapper;
        const f = resolve(2);
        if (f.nr !== null) site.arg0 = f.nr;
        out.sites.push(site);
        return;
      }
      if (reg.startsWith("arg:")) {
        // A function with a fixed syscall whose deciding argument is in a named register (socket@plt: "arg:198:x0").
        const [, nr, name] = reg.split(":");
        const site: SyscallSite = { addr, kind: "wrapper", nr: Number(nr), how: "immediate" };
        if (wrapper !== undefined) site.wrapper = wrapper;
        decided(site, Number((name ?? "x0").slice(1)));
        out.sites.push(site);
        return;
      }
      // syscall(nr, …), musl's __syscall_cp and Go's Syscall6 under the register ABI: the number is in x0.
      const r = resolve(0);
      const site: SyscallSite = { addr, kind: "wrapper", nr: r.nr, how: r.how };
      if (wrapper !== undefined) site.wrapper = wrapper;
      // The syscall's first argument follows the number, in x1: it decides clone's mode.
      if (kind[1] === CONST) site.arg0 = val[1] as number;
      // The deciding argument i (ScanOptions.argIndex) follows the number too: x(i+1).
      const i = r.nr !== null ? options.argIndex?.(r.nr) : undefined;
      if (i !== undefined && i < 7) decided(site, i + 1);
      out.sites.push(site);
    };

    for (let i = 0; i < words; i++) {
      const off = first + i * 4;
      const addr = vaddr + off;
      if (nextStart < starts.length && (starts[nextStart] as number) <= addr) {
        // A function starts here: no value crosses into it.
        while (nextStart < starts.length && (starts[nextStart] as number) <= addr) nextStart++;
        fnStart = runStart = off;
        newRun();
        forgetAddresses(0x7fffffff);
      }
      const w = view.getUint32(off, true);
      const top = (w >>> 26) & 0x3f;
      if (top === 0x05 || top === 0x25) {
        // B / BL imm26
        const target = addr + signed(w & 0x3ffffff, 26) * 4;
        const call = top === 0x25;
        edgeFrom.push(addr);
        edgeTo.push(target);
        edgeCall.push(call ? 1 : 0);
        const reg = options.wrappers.get(target);
        if (reg !== undefined) wrapperSite(addr, reg, target); // a call, or a tail call that passes the same registers
        runStart = off + 4;
        newRun();
        if (call) forgetAddresses(CALLER_SAVED);
        continue;
      }
      if ((w & 0xff000000) >>> 0 === 0x54000000 || (w & 0x7e000000) === 0x34000000 || (w & 0x7e000000) === 0x36000000) {
        // B.cond / CBZ, CBNZ / TBZ, TBNZ: the run goes on along the fall-through
        const target = (w & 0x7e000000) === 0x36000000 ? addr + signed((w >>> 5) & 0x3fff, 14) * 4 : addr + signed((w >>> 5) & 0x7ffff, 19) * 4;
        edgeFrom.push(addr);
        edgeTo.push(target);
        edgeCall.push(0);
        continue;
      }
      if ((w & 0xfe000000) >>> 0 === 0xd6000000) {
        // BR, BLR, RET (and their pointer-authenticated forms)
        const opc = (w >>> 21) & 7;
        if (opc === 0 || opc === 1) {
          const rn = (w >>> 5) & 31;
          const s = rn === 31 ? NaN : (slot[rn] as number);
          if (!Number.isNaN(s)) {
            out.slotFrom.push(addr);
            out.slotAddr.push(s);
            out.slotCall.push(opc === 1);
            const reg = options.wrapperSlots?.get(s);
            // A PLT stub's own `br x17` is the import itself, not a call of it: argument functions count calls only.
            if (reg !== undefined && (opc === 1 || !reg.startsWith("arg:"))) wrapperSite(addr, reg);
          } else out.indirect.push(addr);
        }
        runStart = off + 4;
        newRun();
        if (opc === 1) forgetAddresses(CALLER_SAVED);
        continue;
      }
      if ((w & 0xffe0001f) >>> 0 === 0xd4000001) {
        // SVC #imm: the number is in x8, the first argument in x0
        const r = resolve(8);
        const site: SyscallSite = { addr, kind: "svc", nr: r.nr, how: r.how };
        if (kind[0] === CONST) site.arg0 = val[0] as number;
        const i = r.nr !== null ? options.argIndex?.(r.nr) : undefined;
        if (i !== undefined) decided(site, i);
        out.sites.push(site);
        continue;
      }
      if (w >>> 16 === 0) {
        // UDF: permanently undefined. A zero word is alignment padding between functions (the linker fills with
        // zeros); any other is data in code, or damage.
        if (w !== 0) out.invalid += 4;
        runStart = off + 4;
        newRun();
        continue;
      }
      const rd = w & 31;
      if ((w & 0x1f000000) === 0x10000000) {
        // ADR / ADRP
        const imm = signed((((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3), 21);
        const value = (w & 0x80000000) !== 0 ? Math.floor(addr / 4096) * 4096 + imm * 4096 : addr + imm;
        if ((w & 0x80000000) === 0 && value >= codeLo && value < codeHi) {
          scan.taken(value, addr);
        }
        if (rd !== 31) {
          kind[rd] = UNKNOWN;
          page[rd] = (w & 0x80000000) !== 0 ? value : NaN;
          slot[rd] = NaN;
        }
        continue;
      }
      if ((w & 0xff800000) >>> 0 === 0x91000000) {
        // ADD xd, xn, #imm: an adrp page plus its low bits is a full address
        const rn = (w >>> 5) & 31;
        const p = rn === 31 ? NaN : (page[rn] as number);
        if (!Number.isNaN(p)) {
          const value = p + ((w >>> 10) & 0xfff) * ((w & 0x400000) !== 0 ? 4096 : 1);
          if (value >= codeLo && value < codeHi) {
            scan.taken(value, addr);
          } else scan.data(value, addr);
        }
        if (rd !== 31) {
          kind[rd] = UNKNOWN;
          page[rd] = NaN;
          slot[rd] = NaN;
        }
        continue;
      }
      if ((w & 0xffc00000) >>> 0 === 0xf9400000) {
        // LDR xt, [xn, #imm]: from an adrp page, a GOT slot (a call through it is a call to what it holds)
        const rn = (w >>> 5) & 31;
        const p = rn === 31 ? NaN : (page[rn] as number);
        if (!Number.isNaN(p)) scan.data(p + ((w >>> 10) & 0xfff) * 8, addr);
        if (rd !== 31) {
          kind[rd] = UNKNOWN;
          page[rd] = NaN;
          slot[rd] = Number.isNaN(p) ? NaN : p + ((w >>> 10) & 0xfff) * 8;
        }
        continue;
      }
      if (rd !== 31) {
        const c = constantMove(w, kind[rd] === CONST ? val[rd] : undefined);
        if (c !== undefined) {
          setConst(rd, c, 0);
          page[rd] = NaN;
          slot[rd] = NaN;
          continue;
        }
        if ((w & 0x7fe0ffe0) === 0x2a0003e0) {
          // MOV rd, rm (ORR rd, zr, rm): a copy; from zr, a zero
          const rm = (w >>> 16) & 31;
          if (rm === 31) setConst(rd, 0, 1);
          else {
            kind[rd] = kind[rm] as number;
            val[rd] = val[rm] as number;
            how[rd] = kind[rm] === CONST ? 2 : 0;
          }
          page[rd] = rm === 31 ? NaN : (page[rm] as number);
          slot[rd] = NaN;
          continue;
        }
      }
      const m = writtenRegisters(w);
      if (m !== 0) {
        for (let r = 0; r < 31; r++) {
          if ((m & (1 << r)) !== 0) {
            kind[r] = UNKNOWN;
            page[r] = NaN;
            slot[r] = NaN;
          }
        }
      }
    }
    out.instructions += words;
  }
  return scan.finish();
}

/** BL or BLR (a call: caller-saved registers do not survive it). */
function isCall(w: number): boolean {
  return (w & 0xfc000000) >>> 0 === 0x94000000 || ((w & 0xfe000000) >>> 0 === 0xd6000000 && ((w >>> 21) & 7) === 1);
}

/** Register numbers of the value analysis: x29 (the frame pointer) and sp. */
const FP = 29;
const SP = 31;

/**
 * The ops of A64 code for the value analysis (src/analyze/arg-values.ts), from `start` to `end` (offsets in `bytes`,
 * whose first byte is at `vaddr`): branches and calls with their targets, the constant moves, register copies,
 * immediate or/and/add/sub, loads and stores of 32 and 64 bits at the stack pointer or the frame pointer (with
 * writeback), cmp #imm and cbz/cbnz for the branches on equality. Everything else writes the registers
 * writtenRegisters() gives (and memory, for a store), so a value it might change is never trusted.
 */
export function decodeValueOpsA64(bytes: Uint8Array, vaddr: number, start: number, end: number): ValueOp[] {
  const out: ValueOp[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = start + ((4 - ((vaddr + start) % 4)) % 4);
  for (let off = first; off + 4 <= end; off += 4) {
    const w = view.getUint32(off, true);
    const addr = vaddr + off;
    const next = addr + 4;
    const ops = decodeWord(w, addr, next);
    for (const o of ops) out.push(o);
  }
  return out;
}

function decodeWord(w: number, addr: number, next: number): ValueOp[] {
  const op = (o: Omit<ValueOp, "addr" | "next" | "flow" | "writes"> & Partial<ValueOp>): ValueOp => ({ addr, next, flow: "next", writes: 0, ...o });
  const clobber = (writesMemory = false): ValueOp[] => {
    const o = op({ op: "clobber", writes: writtenRegisters(w) & 0x7fffffff });
    if (writesMemory) {
      o.writesMemory = true;
      // Only stores are clobbers that write memory: each addresses it from its base register, Rn (bits 5-9; 31: sp).
      o.base = (w >>> 5) & 31;
    }
    return [o];
  };
  const top = (w >>> 26) & 0x3f;
  if (top === 0x05 || top === 0x25) return [op({ op: "clobber", flow: top === 0x25 ? "call" : "jump", target: addr + signed(w & 0x3ffffff, 26) * 4, writes: top === 0x25 ? 1 << 30 : 0 })];
  if ((w & 0xff000010) >>> 0 === 0x54000000) {
    // B.cond: on equality (eq 0, ne 1) after a cmp, the branch narrows the compared register
    const o = op({ op: "clobber", flow: "branch", target: addr + signed((w >>> 5) & 0x7ffff, 19) * 4 });
    if ((w & 0xf) === 0) o.cond = "e";
    else if ((w & 0xf) === 1) o.cond = "ne";
    return [o];
  }
  if ((w & 0x7e000000) === 0x34000000) {
    // CBZ / CBNZ: a test of the register against zero, on the branch itself
    const rt = w & 31;
    const o = op({ op: "clobber", flow: "branch", target: addr + signed((w >>> 5) & 0x7ffff, 19) * 4 });
    if (rt !== 31) Object.assign(o, { cmpReg: rt, cmpValue: 0, cond: (w & 0x01000000) === 0 ? "e" : "ne" });
    return [o];
  }
  if ((w & 0x7e000000) === 0x36000000) return [op({ op: "clobber", flow: "branch", target: addr + signed((w >>> 5) & 0x3fff, 14) * 4 })];
  if ((w & 0xfe000000) >>> 0 === 0xd6000000) {
    const opc = (w >>> 21) & 7;
    return [op({ op: "clobber", flow: opc === 0 ? "ijump" : opc === 1 ? "icall" : opc === 2 ? "return" : "stop", writes: opc === 1 ? 1 << 30 : 0 })];
  }
  if ((w & 0xffe0001f) >>> 0 === 0xd4000001) return [op({ op: "clobber", writes: 1 })]; // SVC: x0 is the result
  if (w >>> 16 === 0 || (w & 0xffe0001f) >>> 0 === 0xd4200000) return [op({ op: "clobber", flow: "stop", writes: 0x7fffffff })]; // UDF, BRK
  const rd = w & 31;
  const rn = (w >>> 5) & 31;
  const wide = (w & 0x80000000) !== 0;
  // ADD/SUB/ADDS/SUBS (immediate)
  if ((w & 0x1f800000) === 0x11000000) {
    const imm = ((w >>> 10) & 0xfff) * ((w & 0x400000) !== 0 ? 4096 : 1);
    const sub = (w & 0x40000000) !== 0;
    const setsFlags = (w & 0x20000000) !== 0;
    if (setsFlags) {
      // cmp rn, #imm is subs zr, rn, #imm
      if (sub && rd === 31 && rn !== 31) return [op({ op: "clobber", cmpReg: rn, cmpValue: imm })];
      return clobber();
    }
    const value = sub ? -imm : imm;
    if (rd === SP && rn === SP) return [op({ op: "sp-add", value })];
    if (rd === SP) return [op({ op: "add", dst: SP, src: rn, value: value >>> 0 })]; // mov sp, x29: still a stack address
    // The frame pointer set from sp stays a stack address; any other register given a stack address lets it escape.
    // Which slot, for a 64-bit one (read where a library function is handed it: a list's head, a buffer it fills).
    if (rn === SP && rd !== FP) return [op(wide ? { op: "lea-stack", dst: rd, base: SP, disp: value, writes: 1 << rd } : { op: "lea-stack", dst: rd, writes: 1 << rd })];
    if (!wide && rn === SP) return clobber();
    return [op({ op: "add", dst: rd, src: rn, value: value >>> 0, writes: 1 << rd })];
  }
  // MOVZ, MOVN, ORR rd, zr, #bitmask: a constant; MOVK: the low halves replaced
  if (rd !== 31) {
    if ((w & 0x7f800000) >>> 0 === 0x72800000) {
      const hw = (w >>> 21) & 3;
      const imm16 = (w >>> 5) & 0xffff;
      if (hw > 1) return imm16 === 0 ? [op({ op: "or", dst: rd, value: 0, writes: 1 << rd })] : clobber();
      const shift = 16 * hw;
      return [op({ op: "and", dst: rd, value: ~(0xffff << shift) >>> 0, writes: 1 << rd }), op({ op: "or", dst: rd, value: (imm16 << shift) >>> 0, writes: 1 << rd })];
    }
    const c = constantMove(w, undefined);
    if (c !== undefined) return Number.isNaN(c) || c >= TWO32 ? clobber() : [op({ op: "const", dst: rd, value: c, writes: 1 << rd })];
    if ((w & 0x7fe0ffe0) === 0x2a0003e0) {
      const rm = (w >>> 16) & 31;
      return [rm === 31 ? op({ op: "const", dst: rd, value: 0, writes: 1 << rd }) : op({ op: "copy", dst: rd, src: rm, writes: 1 << rd })];
    }
    // ORR / AND (immediate) of another register: a flag or-ed in, a mask
    if ((w & 0x7f800000) === 0x32000000 || (w & 0x7f800000) === 0x12000000) {
      const v = bitmaskImmediate((w >>> 22) & 1, (w >>> 16) & 0x3f, (w >>> 10) & 0x3f, wide);
      const orr = (w & 0x7f800000) === 0x32000000;
      if (v !== undefined && rn !== 31 && (!orr || v < BigInt(TWO32))) return [op({ op: orr ? "or" : "and", dst: rd, src: rn, value: Number(v & 0xffffffffn), writes: 1 << rd })];
      return clobber();
    }
  }
  // Loads and stores of one register, unsigned offset (LDR/STR 32/64, LDRB/LDRH) or unscaled (LDUR/STUR)
  const ls = loadStore(w);
  if (ls !== undefined) {
    const { load, size, disp, rt, wb } = ls;
    const mem: ValueOp[] = [];
    if (load) {
      if (rt === 31) mem.push(op({ op: "clobber" }));
      else mem.push(op({ op: "load", dst: rt, base: rn, disp: wb === "post" ? 0 : disp, size, writes: 1 << rt }));
    } else mem.push(rt === 31 ? op({ op: "store", base: rn, disp: wb === "post" ? 0 : disp, size, value: 0 }) : op({ op: "store", base: rn, disp: wb === "post" ? 0 : disp, size, src: rt }));
    if (wb === undefined) return mem;
    if (rn !== SP) return clobber(!load);
    return wb === "pre" ? [op({ op: "sp-add", value: disp }), ...mem.map((m) => ({ ...m, disp: 0 }))] : [...mem, op({ op: "sp-add", value: disp })];
  }
  // STP / LDP of 32- or 64-bit registers: offset, pre- or post-index
  if ((w & 0x3e000000) === 0x28000000 && ((w >>> 30) === 0 || (w >>> 30) === 2) && (w & 0x04000000) === 0) {
    const mode = (w >>> 23) & 3; // 1 post, 2 offset, 3 pre
    if (mode === 0) return clobber(true);
    const load = (w & 0x400000) !== 0;
    const size = (w >>> 30) === 2 ? 8 : 4;
    const disp = signed((w >>> 15) & 0x7f, 7) * size;
    const rt = w & 31;
    const rt2 = (w >>> 10) & 31;
    const at = mode === 2 ? disp : 0;
    const one = (r: number, d: number): ValueOp =>
      load ? (r === 31 ? op({ op: "clobber" }) : op({ op: "load", dst: r, base: rn, disp: d, size, writes: 1 << r })) : r === 31 ? op({ op: "store", base: rn, disp: d, size, value: 0 }) : op({ op: "store", base: rn, disp: d, size, src: r });
    const pair = [one(rt, at), one(rt2, at + size)];
    if (load && rt === rt2) return clobber();
    if (mode === 2) return pair;
    if (rn !== SP) return clobber(!load);
    return mode === 3 ? [op({ op: "sp-add", value: disp }), ...pair] : [...pair, op({ op: "sp-add", value: disp })];
  }
  const op1 = (w >>> 25) & 0xf;
  // Any other load or store: a store may write any memory.
  if ((op1 & 0b0101) === 0b0100) return clobber(true);
  return clobber();
}

/** LDR/STR (32/64), LDRB/LDRH: unsigned offset, unscaled, pre- or post-index. */
function loadStore(w: number): { load: boolean; size: number; disp: number; rt: number; wb?: "pre" | "post" } | undefined {
  const size = 1 << (w >>> 30);
  const opc = (w >>> 22) & 3;
  if ((w & 0x3f000000) !== 0x39000000 && (w & 0x3f200000) !== 0x38000000) return undefined;
  if ((w & 0x04000000) !== 0) return undefined; // SIMD registers
  // opc 00 store, 01 load (zero-extending); the signed loads are not described.
  if (opc > 1) return undefined;
  const load = opc === 1;
  if (!load && size < 4) return undefined;
  if (load && size < 4 && size !== 1 && size !== 2) return undefined;
  const rt = w & 31;
  if ((w & 0x3f000000) === 0x39000000) return { load, size, disp: ((w >>> 10) & 0xfff) * size, rt };
  const kind = (w >>> 10) & 3; // 0 unscaled, 1 post, 3 pre (2: unprivileged)
  if (kind === 2) return undefined;
  const disp = signed((w >>> 12) & 0x1ff, 9);
  return kind === 0 ? { load, size, disp, rt } : { load, size, disp, rt, wb: kind === 1 ? "post" : "pre" };
}
