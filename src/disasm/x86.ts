// @fileoverview x86-64 code → syscall sites, wrapper calls and call graph edges, with iced-x86 (the only importer).
// One linear sweep per region; numbers are resolved by re-decoding the straight-line run that ends at the site.
/* eslint-disable @typescript-eslint/no-unsafe-enum-comparison -- the hot loops compare iced-x86's enum fields with
   the same codes read as plain numbers from the decoder's wasm memory or cached in number constants, on purpose */

import { createRequire } from "node:module";
import type { CodeRegion, CodeScan, Resolution, ScanOptions, SyscallSite, ValueOp } from "./types.js";
import { lowerBound } from "../util/sorted.js";
import { BYTES_PER_EDGE, ByteList, NumList } from "./scan-builder.js";

// iced-x86 is CommonJS with a wasm-bindgen glue; load it once, lazily, so that reading ELF headers stays cheap.
type Iced = typeof import("iced-x86");
let iced: Iced | undefined;
function load(): Iced {
  iced ??= createRequire(import.meta.url)("iced-x86") as Iced;
  return iced;
}

/**
 * Flow control of each iced Code, filled on first sight from iced's own getter: a Code always has the same flow
 * control, and reading it from this table costs no call into wasm (the getter is most of the sweep's cost).
 */
let flowOf: Int8Array | undefined;
/** Codes whose operand may be a code address (lea reg, [rip+X]; mov reg, imm32/imm64): 1, else 0. */
let loadsAddress: Uint8Array | undefined;

/**
 * Direct reads of a decoded instruction. iced-x86 1.21's wasm build keeps an Instruction in wasm memory with its
 * Code (u16) at +40, its length (u8) at +46 and its near-branch target (u64) at +16 from the object's pointer.
 * Reading them there, and calling the decoder's wasm export directly, makes a plain instruction one call into wasm
 * instead of three: the sweep is a third faster. The layout is checked once against iced's own getters on sample
 * code (every kind of instruction the sweep looks at, a truncated one and an invalid one); on any difference the
 * getters are used, so a different iced build costs speed, never correctness.
 */
interface Raw {
  decodeOut: (decoder: number, instruction: number) => void;
  memory: WebAssembly.Memory;
}
const CODE_AT = 40;
const LENGTH_AT = 46;
const TARGET_AT = 16;
/** Also read there: the memory displacement (u64, the absolute address when RIP-relative; the high half of an imm64)
 * at +16 like the branch target, the immediate (u32) at +32, op0's kind (u8) at +24 and the memory base register (u8) at +43. */
const DISPL_AT = 16;
const IMM_AT = 32;
const OP0_KIND_AT = 24;
const MEM_BASE_AT = 43;
let raw: Raw | null | undefined;

type WasmBacked = { __wbg_ptr: number };
const ptr = (o: unknown): number => (o as WasmBacked).__wbg_ptr;

function rawAccess(I: Iced): Raw | null {
  if (raw !== undefined) return raw;
  raw = null;
  const wasm = (I as unknown as { __wasm?: { decoder_decodeOut?: unknown; memory?: unknown } }).__wasm;
  if (typeof wasm?.decoder_decodeOut !== "function" || !(wasm.memory instanceof WebAssembly.Memory)) return raw;
  const candidate: Raw = { decodeOut: wasm.decoder_decodeOut as Raw["decodeOut"], memory: wasm.memory };
  // call rel32, jmp rel8, jcc rel32, syscall, ret, lea rax,[rip+16], call [rip], mov eax,60, mov rax,imm64, nop,
  // vzeroupper (VEX), vmovups zmm0,[rax] (EVEX), lea rax,[rbx+rcx*4+16], mov qword [rax],-2, mov rax,-2, an invalid
  // opcode (0x06 in 64-bit mode), a truncated call.
  const sample = Uint8Array.from([
    0xe8, 0x10, 0x00, 0x00, 0x00, 0xeb, 0xfe, 0x0f, 0x85, 0x00, 0x01, 0x00, 0x00, 0x0f, 0x05, 0xc3, 0x48, 0x8d, 0x05,
    0x10, 0x00, 0x00, 0x00, 0xff, 0x15, 0x00, 0x00, 0x00, 0x00, 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x48, 0xb8, 0x88, 0x77,
    0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00, 0xc5, 0xf8, 0x77, 0x62, 0xf1, 0x7c, 0x48,
    0x10, 0x00, 0x48, 0x8d, 0x44, 0x8b, 0x10, 0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff, 0x48, 0xc7, 0xc0, 0xfe, 0xff,
    0xff, 0xff, 0x06, 0xe8, 0x01,
  ]);
  const d = new I.Decoder(64, sample, I.DecoderOptions.None);
  d.ip = 0x401000n;
  const x = new I.Instruction();
  try {
    let position = 0;
    let n = 0;
    while (d.canDecode) {
      candidate.decodeOut(ptr(d), ptr(x));
      const view = new DataView(candidate.memory.buffer, ptr(x), 48);
      const length = view.getUint8(LENGTH_AT);
      position += length;
      n++;
      if (view.getUint16(CODE_AT, true) !== x.code || length !== x.length || length === 0 || position !== d.position) return raw;
      const fc = x.flowControl;
      if (fc === I.FlowControl.Call || fc === I.FlowControl.UnconditionalBranch || fc === I.FlowControl.ConditionalBranch) {
        const target = view.getUint32(TARGET_AT, true) + view.getUint32(TARGET_AT + 4, true) * 0x100000000;
        if (target !== Number(x.nearBranchTarget)) return raw;
      }
      if (view.getUint8(OP0_KIND_AT) !== x.op0Kind) return raw;
      const memory = x.op0Kind === I.OpKind.Memory || (x.opCount > 1 && x.op1Kind === I.OpKind.Memory);
      if (memory) {
        if (view.getUint8(MEM_BASE_AT) !== x.memoryBase) return raw;
        const displ = view.getUint32(DISPL_AT, true) + view.getUint32(DISPL_AT + 4, true) * 0x100000000;
        if (displ !== Number(x.memoryDisplacementU64)) return raw;
      }
      if (x.code === I.Code.Mov_r32_imm32 || x.code === I.Code.Mov_rm64_imm32 || x.code === I.Code.Mov_rm32_imm32) {
        if (view.getUint32(IMM_AT, true) !== x.immediate32 >>> 0) return raw;
      }
      if (x.code === I.Code.Mov_r64_imm64) {
        if (view.getUint32(IMM_AT, true) + view.getUint32(DISPL_AT, true) * 0x100000000 !== Number(x.immediate64)) return raw;
      }
    }
    if (n !== 17 || position !== sample.length) return raw;
    raw = candidate;
  } catch {
    raw = null;
  } finally {
    d.free();
    x.free();
  }
  return raw;
}

/** How the sweep reads decoded instructions here: "direct" (the checked layout) or "getters". */
export function decoderMode(): "direct" | "getters" {
  return rawAccess(load()) === null ? "getters" : "direct";
}

/** Bytes of a region given to the sweep's decoder at once (see scanX86). */
const SWEEP_WINDOW = 1 << 20;
/** The longest x86 instruction, in bytes. */
const MAX_INSTRUCTION = 15;

/** A straight-line run longer than this is not re-decoded: the site stays unresolved. */
const MAX_RUN_BYTES = 4096;

/** Register numbers (as simulate() indexes them) by name, for "arg:NR:REG" wrappers. */
const REG_BY_NAME: Readonly<Record<string, number>> = {
  rax: 0, rcx: 1, rdx: 2, rbx: 3, rsi: 6, rdi: 7, r8: 8, r9: 9, r10: 10, r11: 11,
};


export function scanX86(regions: readonly CodeRegion[], options: ScanOptions): CodeScan {
  const I = load();
  const { Code, FlowControl, Register, OpKind, RegisterExt } = I;
  let codeBytes = 0;
  for (const r of regions) codeBytes += r.bytes.length;
  const edgeCapacity = Math.max(1024, Math.ceil(codeBytes / BYTES_PER_EDGE));
  const edgeFrom = new NumList(edgeCapacity);
  const edgeTo = new NumList(edgeCapacity);
  const edgeCall = new ByteList(edgeCapacity);
  const addressTaken = new NumList();
  const addressFrom = new NumList();
  const dataRef = new NumList();
  const dataFrom = new NumList();
  // Its own literal, not emptyScan(): made here, the object's field accesses in the loop below measured 3-8% faster.
  const out: CodeScan = {
    sites: [],
    edgeFrom: new Float64Array(0),
    edgeTo: new Float64Array(0),
    edgeCall: new Uint8Array(0),
    addressTaken: new Float64Array(0),
    addressFrom: new Float64Array(0),
    dataRef: new Float64Array(0),
    dataFrom: new Float64Array(0),
    indirect: [],
    slotFrom: [],
    slotAddr: [],
    slotCall: [],
    invalid: 0,
    instructions: 0,
    resolveDecodes: 0,
  };
  let decodes = 0;
  const ins = new I.Instruction();
  const infoFactory = new I.InstructionInfoFactory();
  const fullIndex = new Map<number, number>(); // full 64-bit GPR → 0..15
  [Register.RAX, Register.RCX, Register.RDX, Register.RBX, Register.RSP, Register.RBP, Register.RSI, Register.RDI,
    Register.R8, Register.R9, Register.R10, Register.R11, Register.R12, Register.R13, Register.R14, Register.R15].forEach((r, i) => fullIndex.set(r, i));
  const RAX = 0;
  const RDX = 2;
  const CLONE = 56;
  const RSP = 4;
  const RBX = 3;
  const RSI = 6;
  const RDI = 7;
  const STACK0 = 16;
  const gpr = (r: number): number | undefined => (r === Register.None ? undefined : fullIndex.get(RegisterExt.fullRegister(r)));

  /**
   * Forward propagation over [start, end) of one region. Each register holds a constant, "the value it had at
   * `start`" (symbolic), or unknown. Returns what each register holds at `end`.
   */
  type Val = { k: "const"; v: number; how: Resolution } | { k: "entry"; reg: number } | { k: "unknown" };
  /** The last run simulated, and its registers at `end` (updated in place as the run's later sites ask). */
  let runMemo: { bytes: Uint8Array; start: number; end: number; regs: Val[] } | undefined;
  /** Registers 0-15, then index STACK0: the qword at [rsp] (Go ABI0 passes the syscall number there). */
  const simulate = (bytes: Uint8Array, base: number, start: number, end: number): Val[] | undefined => {
    if (end - start > MAX_RUN_BYTES || start > end) return undefined;
    // Every site of one run starts from the same point: the state at the run's previous site is carried on from
    // there, so that a run dense with sites is decoded once, not once per site (quadratic: minutes for a
    // .text full of syscall instructions).
    const m = runMemo;
    if (m !== undefined && m.bytes === bytes && m.start === start && m.end <= end) {
      if (m.end < end && !step(m.regs, bytes, base, m.end, end)) {
        runMemo = undefined;
        return undefined;
      }
      m.end = end;
      return m.regs;
    }
    const regs: Val[] = Array.from({ length: 16 }, (_, i) => ({ k: "entry", reg: i }));
    regs.push({ k: "unknown" });
    if (!step(regs, bytes, base, start, end)) return undefined;
    runMemo = { bytes, start, end, regs };
    return regs;
  };
  /** Advances `regs` over the instructions in [start, end); false on an instruction that does not decode. */
  const step = (regs: Val[], bytes: Uint8Array, base: number, start: number, end: number): boolean => {
    if (start === end) return true;
    const d = new I.Decoder(64, bytes.subarray(start, end), I.DecoderOptions.None);
    d.ip = BigInt(base + start);
    const x = new I.Instruction();
    const konst = (v: number, how: Resolution): Val => ({ k: "const", v, how });
    try {
      while (d.canDecode) {
        d.decodeOut(x);
        decodes++;
        const code = x.code;
        if (code === Code.INVALID) return false;
        const dst = x.op0Kind === OpKind.Register ? gpr(x.op0Register) : undefined;
        if (x.op0Kind === OpKind.Memory && x.memoryBase === Register.RSP && x.memoryIndex === Register.None && x.memoryDisplacementU64 === 0n) {
          regs[STACK0] =
            code === Code.Mov_rm64_imm32 || code === Code.Mov_rm32_imm32 ? konst(x.immediate32 >>> 0, "immediate") : { k: "unknown" };
          continue;
        }
        if ((code === Code.Mov_r32_imm32 || code === Code.Mov_rm32_imm32) && dst !== undefined) {
          regs[dst] = konst(x.immediate32 >>> 0, "immediate");
        } else if ((code === Code.Mov_r64_imm64 || code === Code.Mov_rm64_imm32) && dst !== undefined) {
          const v = Number(code === Code.Mov_r64_imm64 ? x.immediate64 : x.immediate32to64);
          regs[dst] = v >= 0 && v < 0x100000000 ? konst(v, "immediate") : { k: "unknown" };
        } else if ((code === Code.Mov_r8_imm8 || code === Code.Mov_rm8_imm8) && dst !== undefined && x.op0Register !== Register.AH &&
          x.op0Register !== Register.CH && x.op0Register !== Register.DH && x.op0Register !== Register.BH) {
          // mov al, imm8 after xor eax, eax: the low byte of a known value (musl's clone does this).
          const old = regs[dst] as Val;
          regs[dst] = old.k === "const" ? konst((old.v & ~0xff) | (x.immediate8 & 0xff), "immediate") : { k: "unknown" };
        } else if (
          (code === Code.Xor_r32_rm32 || code === Code.Xor_rm32_r32 || code === Code.Xor_r64_rm64 || code === Code.Xor_rm64_r64) &&
          dst !== undefined && x.op1Kind === OpKind.Register && gpr(x.op1Register) === dst
        ) {
          regs[dst] = konst(0, "zeroed");
        } else if (
          (code === Code.Mov_r32_rm32 || code === Code.Mov_rm32_r32 || code === Code.Mov_r64_rm64 || code === Code.Mov_rm64_r64) &&
          dst !== undefined && x.op1Kind === OpKind.Register
        ) {
          const src = gpr(x.op1Register);
          const v = src === undefined ? ({ k: "unknown" } as Val) : (regs[src] as Val);
          regs[dst] = v.k === "const" ? konst(v.v, "copied") : v;
        } else {
          // Anything else that writes a register makes it unknown.
          const info = infoFactory.info(x);
          for (const u of info.usedRegisters() as { register: number; access: number; free(): void }[]) {
            const a = u.access;
            if (a !== I.OpAccess.Read && a !== I.OpAccess.CondRead && a !== I.OpAccess.NoMemAccess) {
              const g = gpr(u.register);
              if (g !== undefined) regs[g] = { k: "unknown" };
              if (g === RSP) regs[STACK0] = { k: "unknown" };
            }
            u.free();
          }
          info.free();
        }
      }
    } finally {
      d.free();
      x.free();
    }
    return true;
  };

  /**
   * The value of `want` at `end`, from the straight-line run [runStart, end). When it comes unchanged from before
   * the run, and the function writes that register exactly once before the site, with a constant (a value kept in
   * a callee-saved register across a loop, as compilers hoist it), that constant is taken ("hoisted").
   */
  const resolve = (
    bytes: Uint8Array,
    base: number,
    fnStart: number,
    runStart: number,
    end: number,
    want: number,
    argReg: number,
    decide?: (nr: number) => number | undefined,
  ): { nr: number | null; how: Resolution; from?: number; arg0?: number; arg?: number; argReg?: number; argFrom?: number } => {
    const regs = simulate(bytes, base, runStart, end);
    if (regs === undefined) return { nr: null, how: "unresolved" };
    const valueOf = (r: number): { v: number; how: Resolution } | undefined => {
      const val = regs[r] as Val;
      if (val.k === "const") return { v: val.v, how: val.how };
      if (val.k !== "entry" || runStart <= fnStart) return undefined;
      const prefix = simulateWrites(bytes, base, fnStart, runStart, val.reg);
      return prefix === undefined ? undefined : { v: prefix, how: "hoisted" };
    };
    const w = valueOf(want);
    if (w === undefined) return { nr: null, how: "unresolved" };
    // Where the reasoning behind a value starts: the run, or the function's start for a hoisted one.
    const from = (how: Resolution): number => base + (how === "hoisted" ? fnStart : runStart);
    const a0 = regs[argReg] as Val;
    const out: { nr: number | null; how: Resolution; from?: number; arg0?: number; arg?: number; argReg?: number; argFrom?: number } =
      a0.k === "const" ? { nr: w.v, how: w.how, from: from(w.how), arg0: a0.v } : { nr: w.v, how: w.how, from: from(w.how) };
    const reg = decide?.(w.v);
    if (reg !== undefined) {
      const a = valueOf(reg);
      out.argReg = reg;
      if (a !== undefined) {
        out.arg = a.v;
        out.argFrom = from(a.how);
      }
    }
    return out;
  };

  /**
   * The constant that the last write to `reg` in [start, end) stores, in address order; undefined when that write is
   * not a constant move, or a call in between clobbers a caller-saved `reg`.
   *
   * The sites of one function ask about prefixes [fnStart, runStart) that only grow as the sweep goes on: one decode
   * of the function from its start is carried forward for all sixteen registers at once, so each byte is decoded once
   * per function, not once per site. Answers are those of decoding [start, end) alone: an instruction that would
   * straddle `end`, or one that does not decode before it, makes the answer undefined.
   */
  let prefix: {
    bytes: Uint8Array;
    start: number;
    decoder: InstanceType<Iced["Decoder"]>;
    /** Offset (from the region's start) up to which `values` hold. */
    at: number;
    values: (number | undefined)[];
    /** A decoded instruction that ends past the last `end` asked about, not yet applied. */
    pending: boolean;
    pendingEnd: number;
    /** An instruction that did not decode was met at this offset: every later answer is undefined. */
    invalidAt: number;
  } | undefined;
  const prefixIns = new I.Instruction();
  const CALLEE_SAVED = [3, 5, 12, 13, 14, 15];
  const applyWrites = (x: InstanceType<Iced["Instruction"]>, values: (number | undefined)[]): void => {
    const code = x.code;
    const fc = x.flowControl;
    if (fc === FlowControl.Call || fc === FlowControl.IndirectCall) {
      for (let r = 0; r < 16; r++) if (!CALLEE_SAVED.includes(r)) values[r] = undefined;
      return;
    }
    const dst = x.op0Kind === OpKind.Register ? gpr(x.op0Register) : undefined;
    if (dst !== undefined && (code === Code.Mov_r32_imm32 || code === Code.Mov_rm32_imm32)) {
      values[dst] = x.immediate32 >>> 0;
      return;
    }
    if (code === Code.Push_r64) return;
    const info = infoFactory.info(x);
    for (const u of info.usedRegisters() as { register: number; access: number; free(): void }[]) {
      const a = u.access;
      if (a !== I.OpAccess.Read && a !== I.OpAccess.CondRead && a !== I.OpAccess.NoMemAccess) {
        const g = gpr(u.register);
        if (g !== undefined) values[g] = undefined;
      }
      u.free();
    }
    info.free();
  };
  const dropPrefix = (): void => {
    prefix?.decoder.free();
    prefix = undefined;
  };
  const simulateWrites = (bytes: Uint8Array, base: number, start: number, end: number, reg: number): number | undefined => {
    const limit = MAX_RUN_BYTES * 4;
    if (end - start > limit) return undefined;
    let p = prefix;
    if (p === undefined || p.bytes !== bytes || p.start !== start || p.at > end) {
      dropPrefix();
      const decoder = new I.Decoder(64, bytes.subarray(start, Math.min(bytes.length, start + limit)), I.DecoderOptions.None);
      decoder.ip = BigInt(base + start);
      p = prefix = { bytes, start, decoder, at: start, values: new Array<number | undefined>(16).fill(undefined), pending: false, pendingEnd: 0, invalidAt: Infinity };
    }
    while (p.at < end && p.invalidAt > end) {
      if (!p.pending) {
        if (!p.decoder.canDecode) break;
        p.decoder.decodeOut(prefixIns);
        decodes++;
        p.pending = true;
        p.pendingEnd = start + p.decoder.position;
      }
      if (prefixIns.code === Code.INVALID) {
        p.invalidAt = p.at;
        p.pending = false;
        break;
      }
      if (p.pendingEnd > end) break; // straddles `end`: decoded alone, [start, end) ends in a truncated instruction
      applyWrites(prefixIns, p.values);
      p.pending = false;
      p.at = p.pendingEnd;
    }
    if (p.at !== end || p.invalidAt < end) return undefined;
    return p.values[reg];
  };

  // The deciding argument's register: at a syscall instruction (rdi, rsi, rdx, r10, r8, r9), at a call of
  // syscall(nr, ...) (rsi, rdx, rcx, r8, r9: the number comes first), and at Go's Syscall6(trap, a1...) under the
  // register ABI (rbx, rcx, rdi, rsi, r8, r9).
  const argIndex = options.argIndex;
  const inRegs = (regs: readonly number[]) => (nr: number): number | undefined => {
    const i = argIndex?.(nr);
    return i === undefined ? undefined : regs[i];
  };
  const decideSyscall = argIndex === undefined ? undefined : inRegs([RDI, RSI, RDX, 10, 8, 9]);
  const decideCall = argIndex === undefined ? undefined : inRegs([RSI, RDX, 1, 8, 9]);
  const decideGo = argIndex === undefined ? undefined : inRegs([RBX, 1, RDI, RSI, 8, 9]);
  const starts = options.functionStarts;
  const LEA = Code.Lea_r64_m;
  const MOV32 = Code.Mov_r32_imm32;
  const MOV64_32 = Code.Mov_rm64_imm32;
  const MOV64 = Code.Mov_r64_imm64;
  const RIP_REG = Register.RIP;
  const NEXT = FlowControl.Next;
  // iced's enums are large objects: their members are read once here, not per instruction.
  const INVALID = Code.INVALID;
  const SYSCALL = Code.Syscall;
  const SYSENTER = Code.Sysenter;
  const INT_IMM8 = Code.Int_imm8;
  const CALL = FlowControl.Call;
  const JUMP = FlowControl.UnconditionalBranch;
  const JCC = FlowControl.ConditionalBranch;
  const INDIRECT_CALL = FlowControl.IndirectCall;
  const INDIRECT_JUMP = FlowControl.IndirectBranch;
  const MEMORY = OpKind.Memory;
  if (flowOf === undefined || loadsAddress === undefined) {
    const codes = Math.max(...Object.values(Code).filter((v): v is number => typeof v === "number")) + 1;
    flowOf = new Int8Array(codes).fill(-1);
    loadsAddress = new Uint8Array(codes);
    for (const c of [LEA, MOV32, MOV64_32, MOV64]) loadsAddress[c] = 1;
  }
  const fcTable = flowOf;
  const loads = loadsAddress;
  // Code addresses loaded as immediates (mov edi, offset main in non-PIE code) are address-taken too.
  let codeLo = Infinity;
  let codeHi = -Infinity;
  for (const r of regions) {
    codeLo = Math.min(codeLo, r.vaddr);
    codeHi = Math.max(codeHi, r.vaddr + r.bytes.length);
  }
  const fast = rawAccess(I);
  const insPtr = ptr(ins);
  let m8 = new Uint8Array(0);
  let m16 = new Uint16Array(0);
  let m32 = new Uint32Array(0);
  const views = (): void => {
    if (fast === null || m8.buffer === fast.memory.buffer) return;
    m8 = new Uint8Array(fast.memory.buffer);
    m16 = new Uint16Array(fast.memory.buffer);
    m32 = new Uint32Array(fast.memory.buffer);
  };
  for (const region of regions) {
    const { bytes, vaddr } = region;
    // The decoder copies what it decodes into wasm memory, which grows to the largest copy and never shrinks: it is
    // given one window of the region at a time (a new decoder per window), so that memory stays at SWEEP_WINDOW
    // whatever the size of the code. A window is left while MAX_INSTRUCTION bytes remain in it (unless it ends the
    // region), so that no instruction is cut at its edge: each decodes as it would from the whole region.
    let dec: InstanceType<Iced["Decoder"]> | undefined;
    let decPtr = 0;
    /** Where the current window ends; decoding goes on in it while `position` is below `windowStop`. */
    let windowStop = 0;
    const openWindow = (at: number): void => {
      dec?.free();
      const windowEnd = Math.min(bytes.length, at + SWEEP_WINDOW);
      const d = new I.Decoder(64, bytes.subarray(at, windowEnd), I.DecoderOptions.None);
      d.ip = BigInt(vaddr + at);
      dec = d;
      decPtr = ptr(d);
      windowStop = windowEnd === bytes.length ? windowEnd : windowEnd - MAX_INSTRUCTION;
      views(); // the decoder copied the bytes into wasm memory, which may have grown
    };
    // Start of the current straight-line run: after the last call, unconditional transfer or return. Conditional
    // branches fall through, so they do not end a run.
    let runStart = 0;
    let count = 0;
    let position = 0;
    const end = bytes.length;
    /** The value of register `want` at the instruction at `pos`, from its straight-line run and function start. */
    /** The value of register `want` at `pos`, and the syscall's first argument when `argReg` holds a constant. */
    const resolveAt = (
      want: number,
      pos: number,
      argReg = RDI,
      decide?: (nr: number) => number | undefined,
    ): { nr: number | null; how: Resolution; from?: number; arg0?: number; arg?: number; argReg?: number; argFrom?: number } => {
      const f = lowerBound(starts, vaddr + pos);
      let fs = f >= 0 ? (starts[f] as number) - vaddr : 0;
      if (fs < 0 || fs > pos) fs = 0;
      const r = resolve(bytes, vaddr, fs, Math.max(runStart, fs), pos, want, argReg, decide);
      views(); // re-decoding allocates in wasm memory, which may have grown
      return r;
    };
    /** A call of a function with a fixed syscall whose deciding argument is in a named register ("arg:41:rdi"). */
    const argWrapperSite = (kind: string, pos: number, addr: number, target?: number): SyscallSite => {
      const [, nr, name] = kind.split(":");
      const site: SyscallSite = { addr, kind: "wrapper", nr: Number(nr), how: "immediate" };
      if (target !== undefined) site.wrapper = target;
      const reg = REG_BY_NAME[name as string] ?? RDI;
      const r = resolveAt(reg, pos);
      site.argReg = reg;
      if (r.nr !== null) {
        site.arg = r.nr;
        if (r.from !== undefined) site.argFrom = r.from;
      }
      return site;
    };
    // A plain instruction costs one decode and a table lookup; everything else only where it matters.
    openWindow(0);
    while (position < end) {
      if (position >= windowStop) openWindow(position);
      let c: number;
      let length: number;
      if (fast !== null) {
        fast.decodeOut(decPtr, insPtr);
        c = m16[(insPtr + CODE_AT) >>> 1] as number;
        length = m8[insPtr + LENGTH_AT] as number;
      } else {
        (dec as InstanceType<Iced["Decoder"]>).decodeOut(ins);
        c = ins.code;
        length = ins.length;
      }
      if (length === 0) break; // cannot happen with iced; never loop forever on it
      position += length;
      count++;
      let fc = fcTable[c] as number;
      if (fc < 0) fc = fcTable[c] = ins.flowControl;
      if (fc === NEXT) {
        // A RIP-relative operand outside the code: data this function refers to (its tables of pointers).
        if (fast !== null ? m8[insPtr + MEM_BASE_AT] === RIP_REG : ins.memoryBase === RIP_REG) {
          const d = fast !== null
            ? (m32[(insPtr + DISPL_AT) >>> 2] as number) + (m32[(insPtr + DISPL_AT + 4) >>> 2] as number) * 0x100000000
            : Number(ins.memoryDisplacementU64);
          if (d < codeLo || d >= codeHi) {
            dataRef.push(d);
            dataFrom.push(vaddr + position - length);
          }
        }
        if (loads[c] === 0) continue;
        let v = -1;
        if (fast !== null) {
          if (c === LEA) {
            if (m8[insPtr + MEM_BASE_AT] === RIP_REG) v = (m32[(insPtr + DISPL_AT) >>> 2] as number) + (m32[(insPtr + DISPL_AT + 4) >>> 2] as number) * 0x100000000;
          } else if (c === MOV64) v = (m32[(insPtr + IMM_AT) >>> 2] as number) + (m32[(insPtr + DISPL_AT) >>> 2] as number) * 0x100000000;
          else v = m32[(insPtr + IMM_AT) >>> 2] as number;
        } else if (c === LEA) {
          if (ins.memoryBase === RIP_REG) v = Number(ins.memoryDisplacementU64);
        } else if (c === MOV64) v = Number(ins.immediate64);
        else v = ins.immediate32 >>> 0;
        if (v >= codeLo && v < codeHi) {
          addressTaken.push(v);
          addressFrom.push(vaddr + position - length);
        }
        continue;
      }
      const next = position;
      const pos = next - length;
      const code = c;
      const addr = vaddr + pos;
      if (code === INVALID) {
        out.invalid += next - pos;
        runStart = next;
      } else if (code === SYSCALL || code === SYSENTER || (code === INT_IMM8 && ins.immediate8 === 0x80)) {
        const r = resolveAt(RAX, pos, RDI, code === SYSCALL ? decideSyscall : undefined);
        const kind: SyscallSite["kind"] = code === SYSCALL ? "syscall" : code === SYSENTER ? "sysenter" : "int80";
        const site: SyscallSite = { addr, kind, nr: r.nr, how: r.how };
        if (r.arg0 !== undefined) site.arg0 = r.arg0;
        if (r.arg !== undefined) site.arg = r.arg;
        if (r.argReg !== undefined) site.argReg = r.argReg;
        if (r.argFrom !== undefined) site.argFrom = r.argFrom;
        out.sites.push(site);
        // The kernel clobbers rcx and r11 only; the run goes on.
      } else if (fc === CALL || fc === JUMP || fc === JCC) {
        const t = (insPtr + TARGET_AT) >>> 2;
        const target = fast !== null ? (m32[t] as number) + (m32[t + 1] as number) * 0x100000000 : Number(ins.nearBranchTarget);
        edgeFrom.push(addr);
        edgeTo.push(target);
        edgeCall.push(fc === CALL ? 1 : 0);
        const reg = options.wrappers.get(target);
        if (reg === "clone-rdx") {
          // A clone() entry (musl and glibc __clone(fn, stack, flags, …)): the number is fixed, the flags in rdx
          // decide what it creates.
          const f = resolveAt(RDX, pos);
          const site: SyscallSite = { addr, kind: "wrapper", nr: CLONE, how: "immediate", wrapper: target };
          if (f.nr !== null) site.arg0 = f.nr;
          out.sites.push(site);
        } else if (reg !== undefined && reg.startsWith("arg:")) {
          out.sites.push(argWrapperSite(reg, pos, addr, target));
        } else if (reg !== undefined) {
          // syscall(nr, a0, …) passes the syscall's first argument in rsi; Go's register ABI passes trap in rax
          // and a1 in rbx. The first argument decides clone's mode, as it does at a syscall instruction.
          let r = reg === "rdi" ? resolveAt(RDI, pos, RSI, decideCall) : resolveAt(RAX, pos, RBX, decideGo);
          if (r.nr === null && reg === "go") r = resolveAt(STACK0, pos);
          const site: SyscallSite = { addr, kind: "wrapper", nr: r.nr, how: r.how, wrapper: target };
          if (r.arg0 !== undefined) site.arg0 = r.arg0;
          if (r.arg !== undefined) site.arg = r.arg;
          if (r.argReg !== undefined) site.argReg = r.argReg;
        if (r.argFrom !== undefined) site.argFrom = r.argFrom;
          out.sites.push(site);
        }
        if (fc !== JCC) runStart = next;
      } else {
        if (fc === INDIRECT_CALL || fc === INDIRECT_JUMP) {
          const ripSlot = fast !== null
            ? m8[insPtr + MEM_BASE_AT] === RIP_REG && m8[insPtr + OP0_KIND_AT] === MEMORY
            : ins.memoryBase === RIP_REG && ins.op0Kind === MEMORY;
          if (ripSlot) {
            const slot = fast !== null
              ? (m32[(insPtr + DISPL_AT) >>> 2] as number) + (m32[(insPtr + DISPL_AT + 4) >>> 2] as number) * 0x100000000
              : Number(ins.memoryDisplacementU64);
            out.slotFrom.push(addr);
            out.slotAddr.push(slot);
            out.slotCall.push(fc === INDIRECT_CALL);
            const reg = options.wrapperSlots?.get(slot);
            if (reg !== undefined && reg.startsWith("arg:")) {
              // A PLT stub's own `jmp [rip+slot]` is the import itself, not a call of it: argument functions count
              // calls only.
              if (fc === INDIRECT_CALL) out.sites.push(argWrapperSite(reg, pos, addr));
            } else if (reg !== undefined) {
              let r = reg === "rdi" ? resolveAt(RDI, pos, RSI, decideCall) : resolveAt(RAX, pos, RBX, decideGo);
              if (r.nr === null && reg === "go") r = resolveAt(STACK0, pos);
              const site: SyscallSite = { addr, kind: "wrapper", nr: r.nr, how: r.how };
              if (r.arg0 !== undefined) site.arg0 = r.arg0;
              if (r.arg !== undefined) site.arg = r.arg;
              if (r.argReg !== undefined) site.argReg = r.argReg;
        if (r.argFrom !== undefined) site.argFrom = r.argFrom;
              out.sites.push(site);
            }
          } else out.indirect.push(addr);
        }
        runStart = next;
      }
    }
    out.instructions += count;
    dec?.free();
  }
  out.resolveDecodes = decodes;
  dropPrefix();
  prefixIns.free();
  ins.free();
  infoFactory.free();
  out.edgeFrom = edgeFrom.done();
  out.edgeTo = edgeTo.done();
  out.edgeCall = edgeCall.done();
  out.addressTaken = addressTaken.done();
  out.addressFrom = addressFrom.done();
  out.dataRef = dataRef.done();
  out.dataFrom = dataFrom.done();
  return out;
}

/** A register's index in ValueOp numbering (its full 64-bit register: 0 rax ... 15 r15), or undefined. */
function gprOf(I: Iced): (r: number) => number | undefined {
  const { Register, RegisterExt } = I;
  const full = [Register.RAX, Register.RCX, Register.RDX, Register.RBX, Register.RSP, Register.RBP, Register.RSI, Register.RDI,
    Register.R8, Register.R9, Register.R10, Register.R11, Register.R12, Register.R13, Register.R14, Register.R15];
  return (r) => {
    if (r === Register.None) return undefined;
    const i = full.indexOf(RegisterExt.fullRegister(r));
    return i < 0 ? undefined : i;
  };
}

/**
 * The instructions of [start, end) of one region as ValueOps (src/disasm/types.ts), for the value analysis of a whole
 * function (src/analyze/arg-values.ts). Slower than the sweep (iced's getters), and used only on the few functions
 * whose argument sites the sweep's straight-line runs left unknown.
 */
export function decodeValueOps(bytes: Uint8Array, vaddr: number, start: number, end: number): ValueOp[] {
  const I = load();
  const { Code, FlowControl, Register, OpKind, RegisterExt, Mnemonic } = I;
  const gpr = gprOf(I);
  const size = (r: number): number => RegisterExt.size(r);
  const out: ValueOp[] = [];
  const d = new I.Decoder(64, bytes.subarray(start, end), I.DecoderOptions.None);
  d.ip = BigInt(vaddr + start);
  const x = new I.Instruction();
  const info = new I.InstructionInfoFactory();
  try {
    while (d.canDecode) {
      d.decodeOut(x);
      const addr = Number(x.ip);
      const next = addr + x.length;
      const code = x.code;
      if (code === Code.INVALID) {
        out.push({ addr, next, flow: "stop", op: "clobber", writes: 0xffff });
        continue;
      }
      const fc = x.flowControl;
      let flow: ValueOp["flow"] = "next";
      if (code === Code.Syscall) {
        // The kernel returns to the next instruction and changes rax, rcx and r11 only.
        out.push({ addr, next, flow, op: "clobber", writes: (1 << 0) | (1 << 1) | (1 << 11) });
        continue;
      }
      if (fc === FlowControl.Call) flow = "call";
      else if (fc === FlowControl.IndirectCall) flow = "icall";
      else if (fc === FlowControl.UnconditionalBranch) flow = "jump";
      else if (fc === FlowControl.IndirectBranch) flow = "ijump";
      else if (fc === FlowControl.ConditionalBranch) flow = "branch";
      else if (fc === FlowControl.Return) flow = "return";
      else if (fc === FlowControl.Interrupt || fc === FlowControl.Exception || x.mnemonic === Mnemonic.Hlt || x.mnemonic === Mnemonic.Ud2) flow = "stop";
      const op: ValueOp = { addr, next, flow, op: "clobber", writes: 0 };
      if (flow === "call" || flow === "jump" || flow === "branch") op.target = Number(x.nearBranchTarget);
      const r0 = x.op0Kind === OpKind.Register ? x.op0Register : Register.None;
      const dst = gpr(r0);
      const mem = (): { base: number; disp: number } | undefined => {
        if (x.memoryIndex !== Register.None) return undefined;
        if (x.memoryBase === Register.RIP || x.memoryBase === Register.None) return { base: -1, disp: Number(x.memoryDisplacementU64) };
        const b = gpr(x.memoryBase);
        if (b === undefined || size(x.memoryBase) !== 8) return undefined;
        const disp = Number(BigInt.asIntN(64, x.memoryDisplacementU64));
        return { base: b, disp };
      };
      const wide = dst !== undefined && (size(r0) === 4 || size(r0) === 8);
      let described = false;
      if (flow === "next") {
        if (wide && (code === Code.Mov_r32_imm32 || code === Code.Mov_rm32_imm32)) {
          Object.assign(op, { op: "const", dst, value: x.immediate32 >>> 0 });
          described = true;
        } else if (wide && (code === Code.Mov_r64_imm64 || code === Code.Mov_rm64_imm32)) {
          const v = Number(BigInt.asIntN(64, code === Code.Mov_r64_imm64 ? x.immediate64 : x.immediate32to64));
          if (v >= 0 && v < 0x100000000) Object.assign(op, { op: "const", dst, value: v });
          described = v >= 0 && v < 0x100000000;
        } else if (wide && (x.mnemonic === Mnemonic.Xor || x.mnemonic === Mnemonic.Sub) && x.op1Kind === OpKind.Register && gpr(x.op1Register) === dst) {
          Object.assign(op, { op: "const", dst, value: 0 });
          described = true;
        } else if (wide && size(r0) === 4 && x.mnemonic === Mnemonic.Sbb && x.op1Kind === OpKind.Register && gpr(x.op1Register) === dst) {
          // dst - dst - CF: 0 or -1, whatever the flags were (compilers' branch-free select: V8's OS::Allocate picks
          // its mmap flags with `cmp; sbb ecx, ecx; and ecx, MAP_NORESERVE; add ecx, MAP_PRIVATE|MAP_ANONYMOUS`).
          Object.assign(op, { op: "either", dst, values: [0, 0xffffffff] });
          described = true;
        } else if (wide && (x.mnemonic === Mnemonic.Mov || x.mnemonic === Mnemonic.Movsxd) && x.op1Kind === OpKind.Register && size(x.op1Register) >= 4) {
          const src = gpr(x.op1Register);
          if (src !== undefined) {
            Object.assign(op, { op: "copy", dst, src });
            described = true;
          }
        } else if (wide && (x.mnemonic === Mnemonic.Mov || x.mnemonic === Mnemonic.Movsxd || x.mnemonic === Mnemonic.Movzx) && x.op1Kind === OpKind.Memory) {
          const m = mem();
          const bytesRead = x.mnemonic === Mnemonic.Movzx ? (x.memorySize === I.MemorySize.UInt8 ? 1 : 2) : x.mnemonic === Mnemonic.Movsxd ? 4 : size(r0);
          if (m !== undefined && (x.mnemonic !== Mnemonic.Movzx || bytesRead === 2 || bytesRead === 1)) {
            Object.assign(op, { op: "load", dst, base: m.base, disp: m.disp, size: bytesRead });
            described = true;
          }
        } else if (x.mnemonic === Mnemonic.Mov && x.op0Kind === OpKind.Memory) {
          const m = mem();
          const bytesWritten = x.op1Kind === OpKind.Register ? size(x.op1Register) : code === Code.Mov_rm64_imm32 ? 8 : code === Code.Mov_rm32_imm32 ? 4 : 0;
          if (m !== undefined && (bytesWritten === 4 || bytesWritten === 8)) {
            if (x.op1Kind === OpKind.Register) {
              const src = gpr(x.op1Register);
              if (src !== undefined) Object.assign(op, { op: "store", base: m.base, disp: m.disp, size: bytesWritten, src });
              described = src !== undefined;
            } else {
              const v = Number(BigInt.asIntN(64, code === Code.Mov_rm64_imm32 ? x.immediate32to64 : BigInt(x.immediate32 >>> 0)));
              if (v >= 0 && v < 0x100000000) {
                Object.assign(op, { op: "store", base: m.base, disp: m.disp, size: bytesWritten, value: v });
                described = true;
              }
            }
          }
          if (!described) {
            // A store the analysis cannot place: it may write any memory.
            Object.assign(op, { op: "clobber", writesMemory: true });
            described = true;
          }
        } else if (code === Code.Push_r64 && dst !== undefined) {
          Object.assign(op, { op: "push", src: dst });
          described = true;
        } else if (code === Code.Pop_r64 && dst !== undefined) {
          Object.assign(op, { op: "pop", dst });
          described = true;
        } else if (dst === 4 && size(r0) === 8 && (x.mnemonic === Mnemonic.Sub || x.mnemonic === Mnemonic.Add) && x.op1Kind !== OpKind.Register && x.op1Kind !== OpKind.Memory) {
          const imm = Number(BigInt.asIntN(64, x.immediate(1)));
          Object.assign(op, { op: "sp-add", value: x.mnemonic === Mnemonic.Sub ? -imm : imm });
          described = Number.isFinite(imm);
        } else if (wide && dst !== 4 && (x.mnemonic === Mnemonic.Or || x.mnemonic === Mnemonic.And || x.mnemonic === Mnemonic.Add) &&
          x.op1Kind !== OpKind.Register && x.op1Kind !== OpKind.Memory) {
          const imm = Number(BigInt.asUintN(32, x.immediate(1)));
          Object.assign(op, { op: x.mnemonic === Mnemonic.Or ? "or" : x.mnemonic === Mnemonic.And ? "and" : "add", dst, value: imm });
          described = true;
        } else if (x.mnemonic === Mnemonic.Lea && (x.memoryBase === Register.RIP || x.memoryBase === Register.None)) {
          // The address of a global is taken: it may be written through (src/analyze/arg-values.ts reads this).
          Object.assign(op, { takesAddress: true, disp: Number(x.memoryDisplacementU64) });
        } else if (x.mnemonic === Mnemonic.Lea && dst !== undefined && size(r0) === 8 && (x.memoryBase === Register.RSP || x.memoryBase === Register.RBP)) {
          // The address of a stack slot escapes: calls and stores through pointers may change the slots from now on.
          Object.assign(op, { op: "lea-stack", dst });
          // Which slot, when the address is base + displacement (read where a library function is handed it).
          if (x.memoryIndex === Register.None) Object.assign(op, { base: gpr(x.memoryBase), disp: Number(BigInt.asIntN(64, x.memoryDisplacementU64)) });
          described = true;
        }
      }
      if (flow === "branch") {
        if (x.conditionCode === I.ConditionCode.e) op.cond = "e";
        else if (x.conditionCode === I.ConditionCode.ne) op.cond = "ne";
      } else if (flow === "next" && op.op === "clobber" && x.op0Kind === OpKind.Register && dst !== undefined && wide) {
        if (x.mnemonic === Mnemonic.Cmp && x.op1Kind !== OpKind.Register && x.op1Kind !== OpKind.Memory) {
          op.cmpReg = dst;
          op.cmpValue = Number(BigInt.asUintN(32, x.immediate(1)));
        } else if (x.mnemonic === Mnemonic.Test && x.op1Kind === OpKind.Register && gpr(x.op1Register) === dst) {
          op.cmpReg = dst;
          op.cmpValue = 0;
        }
      }
      if (op.op === "clobber") {
        const inf = info.info(x);
        for (const u of inf.usedRegisters() as { register: number; access: number; free(): void }[]) {
          const a = u.access;
          if (a !== I.OpAccess.Read && a !== I.OpAccess.CondRead && a !== I.OpAccess.NoMemAccess) {
            const g = gpr(u.register);
            if (g !== undefined) op.writes |= 1 << g;
          }
          if (a !== I.OpAccess.None && a !== I.OpAccess.Write && a !== I.OpAccess.CondWrite) {
            const g = gpr(u.register);
            if (g !== undefined) op.reads = (op.reads ?? 0) | (1 << g);
          }
          u.free();
        }
        // Where it writes memory: the base register of each write, and the one write's place when there is one.
        let writes = 0;
        let bases = 0;
        let placed: { base: number; disp: number; size: number } | undefined;
        for (const m of inf.usedMemory() as { access: number; base: number; index: number; displacement: bigint; memorySize: number; free(): void }[]) {
          const a = m.access;
          if (a !== I.OpAccess.Read && a !== I.OpAccess.CondRead && a !== I.OpAccess.NoMemAccess) {
            writes++;
            const b = m.base !== Register.RIP && m.base !== Register.None && size(m.base) === 8 ? gpr(m.base) : undefined;
            if (b !== undefined) {
              bases |= 1 << b;
              const n = I.MemorySizeExt.size(m.memorySize);
              placed = m.index === Register.None && n > 0 ? { base: b, disp: Number(BigInt.asIntN(64, m.displacement)), size: n } : undefined;
            }
          }
          m.free();
        }
        if (writes > 0) op.writesMemory = true;
        if (writes === 1 && x.memoryIndex === Register.None && (x.memoryBase === Register.RIP || x.memoryBase === Register.None) && bases === 0) {
          // A write to a RIP-relative or absolute operand (lock dec, a byte store): how many bytes from `disp` it writes.
          const n = I.MemorySizeExt.size(x.memorySize);
          if (n > 0) Object.assign(op, { disp: Number(x.memoryDisplacementU64), size: n });
        } else if (writes === 1 && placed !== undefined) {
          // Through a register (`add dword [rsp+0x28], 1`, `movups [rsp+0x90], xmm0`): the bytes written from it.
          Object.assign(op, placed);
        } else if (bases !== 0 && (bases & (bases - 1)) === 0) {
          // Somewhere from one register (an indexed operand, `rep stos` through rdi): which register.
          op.base = 31 - Math.clz32(bases);
        }
        inf.free();
      } else if (op.dst !== undefined) op.writes = 1 << op.dst;
      out.push(op);
    }
  } finally {
    d.free();
    x.free();
    info.free();
  }
  return out;
}

/** Where the address a `lea reg, [rip+X]` takes goes: the registers holding it (offset from X) at the call that follows. */
export interface AddressFlow {
  /** The direct call's or tail jump's target. */
  target: number;
  call: boolean;
  /** Register (ValueOp numbering) → offset from the lea's address, for each register that may hold it there. */
  regs: Map<number, number>;
}

/**
 * Follows the address a RIP-relative `lea` at `start` puts in a register through the straight line after it, up to
 * the first direct call or jump (a tail call): registers derived from it with `lea d(reg), reg2` hold it too; any
 * other read of such a register (a store of it, a copy, arithmetic, a memory operand based on it), a conditional or
 * indirect branch, a partial write of such a register or more than 16 instructions, and nothing is known
 * (undefined). At the call, the address can be nowhere else: the caller of src/analyze/arg-values.ts's globalReader
 * then asks what the callee does with the registers that hold it.
 */
export function addressFlow(bytes: Uint8Array, vaddr: number, start: number, end: number): AddressFlow | undefined {
  const I = load();
  const { FlowControl, Register, RegisterExt, Mnemonic, OpAccess } = I;
  const gpr = gprOf(I);
  const d = new I.Decoder(64, bytes.subarray(start, Math.min(end, start + 16 * 15)), I.DecoderOptions.None);
  d.ip = BigInt(vaddr + start);
  const x = new I.Instruction();
  const info = new I.InstructionInfoFactory();
  const regs = new Map<number, number>();
  try {
    for (let n = 0; n < 17 && d.canDecode; n++) {
      d.decodeOut(x);
      if (x.code === I.Code.INVALID) return undefined;
      const isLea = x.mnemonic === Mnemonic.Lea && x.op0Kind === I.OpKind.Register && RegisterExt.size(x.op0Register) === 8 && x.memoryIndex === Register.None;
      if (n === 0) {
        const dst = gpr(x.op0Register);
        if (!isLea || (x.memoryBase !== Register.RIP && x.memoryBase !== Register.None) || dst === undefined) return undefined;
        regs.set(dst, 0);
        continue;
      }
      const fc = x.flowControl;
      if (fc === FlowControl.Call || fc === FlowControl.UnconditionalBranch) return { target: Number(x.nearBranchTarget), call: fc === FlowControl.Call, regs };
      if (fc !== FlowControl.Next) return undefined;
      const base = gpr(x.memoryBase);
      const dst = gpr(x.op0Register);
      if (isLea && base !== undefined && regs.has(base) && dst !== undefined) {
        regs.set(dst, (regs.get(base) as number) + Number(BigInt.asIntN(64, x.memoryDisplacementU64)));
        continue;
      }
      const inf = info.info(x);
      let escapes = false;
      const written: number[] = [];
      for (const u of inf.usedRegisters() as { register: number; access: number; free(): void }[]) {
        const g = gpr(u.register);
        const a = u.access;
        if (g !== undefined && regs.has(g)) {
          if (a === OpAccess.Read || a === OpAccess.CondRead || a === OpAccess.ReadWrite || a === OpAccess.ReadCondWrite) escapes = true;
          // Only a write of the whole register (a 32-bit one zero-extends) removes the address from it.
          else if (a === OpAccess.Write) {
            if (RegisterExt.size(u.register) >= 4) written.push(g);
            else escapes = true;
          }
        }
        u.free();
      }
      inf.free();
      if (escapes) return undefined;
      for (const g of written) regs.delete(g);
    }
    return undefined;
  } finally {
    d.free();
    x.free();
    info.free();
  }
}
