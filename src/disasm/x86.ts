// @fileoverview x86-64 code → syscall sites, wrapper calls and call graph edges, with iced-x86 (the only importer).
// One linear sweep per region; numbers are resolved by re-decoding the straight-line run that ends at the site.

import { createRequire } from "node:module";
import type { CodeRegion, CodeScan, Resolution, ScanOptions, SyscallSite } from "./types.js";

// iced-x86 is CommonJS with a wasm-bindgen glue; load it once, lazily, so that reading ELF headers stays cheap.
type Iced = typeof import("iced-x86");
let iced: Iced | undefined;
function load(): Iced {
  iced ??= createRequire(import.meta.url)("iced-x86") as Iced;
  return iced;
}

/** A straight-line run longer than this is not re-decoded: the site stays unresolved. */
const MAX_RUN_BYTES = 4096;

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export function scanX86(regions: readonly CodeRegion[], options: ScanOptions): CodeScan {
  const I = load();
  const { Code, FlowControl, Register, OpKind, RegisterExt } = I;
  const out: CodeScan = { sites: [], edgeFrom: [], edgeTo: [], edgeCall: [], addressTaken: [], indirect: [], invalid: 0, instructions: 0 };
  const ins = new I.Instruction();
  const infoFactory = new I.InstructionInfoFactory();
  const fullIndex = new Map<number, number>(); // full 64-bit GPR → 0..15
  [Register.RAX, Register.RCX, Register.RDX, Register.RBX, Register.RSP, Register.RBP, Register.RSI, Register.RDI,
    Register.R8, Register.R9, Register.R10, Register.R11, Register.R12, Register.R13, Register.R14, Register.R15].forEach((r, i) => fullIndex.set(r, i));
  const RAX = 0;
  const RDI = 7;
  const gpr = (r: number): number | undefined => (r === Register.None ? undefined : fullIndex.get(RegisterExt.fullRegister(r)));

  /** Forward constant propagation over [start, end) of one region: value of register `want` at `end`. */
  const resolve = (bytes: Uint8Array, base: number, start: number, end: number, want: number): { nr: number | null; how: Resolution } => {
    if (end - start > MAX_RUN_BYTES || start >= end) return { nr: null, how: "unresolved" };
    const vals: (number | null)[] = new Array(16).fill(null);
    const how: Resolution[] = new Array(16).fill("unresolved");
    const d = new I.Decoder(64, bytes.subarray(start, end), I.DecoderOptions.None);
    d.ip = BigInt(base + start);
    const x = new I.Instruction();
    try {
      while (d.canDecode) {
        d.decodeOut(x);
        const code = x.code;
        if (code === Code.INVALID) return { nr: null, how: "unresolved" };
        const dst = x.op0Kind === OpKind.Register ? gpr(x.op0Register) : undefined;
        if ((code === Code.Mov_r32_imm32 || code === Code.Mov_rm32_imm32) && dst !== undefined) {
          vals[dst] = x.immediate32 >>> 0;
          how[dst] = "immediate";
        } else if ((code === Code.Mov_r64_imm64 || code === Code.Mov_rm64_imm32) && dst !== undefined) {
          const v = Number(code === Code.Mov_r64_imm64 ? x.immediate64 : x.immediate32to64);
          vals[dst] = v >= 0 && v < 0x100000 ? v : null;
          how[dst] = "immediate";
        } else if (
          (code === Code.Xor_r32_rm32 || code === Code.Xor_rm32_r32 || code === Code.Xor_r64_rm64 || code === Code.Xor_rm64_r64) &&
          dst !== undefined && x.op1Kind === OpKind.Register && gpr(x.op1Register) === dst
        ) {
          vals[dst] = 0;
          how[dst] = "zeroed";
        } else if (
          (code === Code.Mov_r32_rm32 || code === Code.Mov_rm32_r32 || code === Code.Mov_r64_rm64 || code === Code.Mov_rm64_r64) &&
          dst !== undefined && x.op1Kind === OpKind.Register
        ) {
          const src = gpr(x.op1Register);
          vals[dst] = src === undefined ? null : (vals[src] as number | null);
          how[dst] = src !== undefined && vals[src] !== null ? "copied" : "unresolved";
        } else {
          // Anything else that writes a register makes it unknown.
          const info = infoFactory.info(x);
          for (const u of info.usedRegisters() as { register: number; access: number; free(): void }[]) {
            const a = u.access;
            if (a !== I.OpAccess.Read && a !== I.OpAccess.CondRead && a !== I.OpAccess.NoMemAccess) {
              const g = gpr(u.register);
              if (g !== undefined) {
                vals[g] = null;
                how[g] = "unresolved";
              }
            }
            u.free();
          }
        }
      }
    } finally {
      d.free();
      x.free();
    }
    const v = vals[want] ?? null;
    return v === null ? { nr: null, how: "unresolved" } : { nr: v, how: how[want] ?? "immediate" };
  };

  const starts = options.functionStarts;
  for (const region of regions) {
    const { bytes, vaddr } = region;
    const dec = new I.Decoder(64, bytes, I.DecoderOptions.None);
    dec.ip = BigInt(vaddr);
    // Start of the current straight-line run: after the last call, unconditional transfer or return. Conditional
    // branches fall through, so they do not end a run.
    let runStart = 0;
    let pos = 0;
    while (dec.canDecode) {
      dec.decodeOut(ins);
      out.instructions++;
      const next = dec.position;
      const fc = ins.flowControl;
      if (fc === FlowControl.Next) {
        if (ins.code === Code.Lea_r64_m && ins.memoryBase === Register.RIP) out.addressTaken.push(Number(ins.memoryDisplacementU64));
        pos = next;
        continue;
      }
      const code = ins.code;
      const addr = vaddr + pos;
      const runFrom = (): number => {
        const f = lowerBound(starts, addr);
        const fnStart = f >= 0 ? (starts[f] as number) - vaddr : 0;
        return Math.max(runStart, fnStart);
      };
      if (code === Code.INVALID) {
        out.invalid += next - pos;
        runStart = next;
      } else if (code === Code.Syscall || code === Code.Sysenter || (code === Code.Int_imm8 && ins.immediate8 === 0x80)) {
        const r = resolve(bytes, vaddr, runFrom(), pos, RAX);
        const kind: SyscallSite["kind"] = code === Code.Syscall ? "syscall" : code === Code.Sysenter ? "sysenter" : "int80";
        out.sites.push({ addr, kind, nr: r.nr, how: r.how });
        // The kernel clobbers rcx and r11 only; the run goes on.
      } else if (fc === FlowControl.Call || fc === FlowControl.UnconditionalBranch || fc === FlowControl.ConditionalBranch) {
        const target = Number(ins.nearBranchTarget);
        out.edgeFrom.push(addr);
        out.edgeTo.push(target);
        out.edgeCall.push(fc === FlowControl.Call);
        const reg = options.wrappers.get(target);
        if (reg !== undefined) {
          const r = resolve(bytes, vaddr, runFrom(), pos, reg === "rax" ? RAX : RDI);
          out.sites.push({ addr, kind: "wrapper", nr: r.nr, how: r.how, wrapper: target });
        }
        if (fc !== FlowControl.ConditionalBranch) runStart = next;
      } else {
        if (fc === FlowControl.IndirectCall || fc === FlowControl.IndirectBranch) out.indirect.push(addr);
        runStart = next;
      }
      pos = next;
    }
    dec.free();
  }
  ins.free();
  infoFactory.free();
  return out;
}
