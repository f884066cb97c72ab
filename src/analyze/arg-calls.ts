// @fileoverview Where a program's calls carry the argument that decides a syscall's support (src/db/args.ts): the libc
// and Go functions that make one such syscall, the register of the deciding argument at their call, and the syscall
// numbers per arch, so that the decoders resolve the argument where the call is made.

import { ARG_SPECS } from "../db/args.js";
import type { Arch } from "../types.js";

/** x86_64 / aarch64 numbers of the syscalls with an argument vocabulary (asm/unistd_64.h, asm-generic/unistd.h). */
export const ARG_SYSCALL_NR: Readonly<Record<string, Readonly<Record<Arch, number>>>> = {
  socket: { x86_64: 41, aarch64: 198 },
  mmap: { x86_64: 9, aarch64: 222 },
  ioctl: { x86_64: 16, aarch64: 29 },
  fcntl: { x86_64: 72, aarch64: 25 },
  prctl: { x86_64: 157, aarch64: 167 },
  madvise: { x86_64: 28, aarch64: 233 },
  futex: { x86_64: 202, aarch64: 98 },
  clock_settime: { x86_64: 227, aarch64: 112 },
  clock_gettime: { x86_64: 228, aarch64: 113 },
  clock_getres: { x86_64: 229, aarch64: 114 },
  clock_nanosleep: { x86_64: 230, aarch64: 115 },
  setsockopt: { x86_64: 54, aarch64: 208 },
  getsockopt: { x86_64: 55, aarch64: 209 },
};

/**
 * Functions whose call passes the deciding argument of one syscall: the argument's position among the function's own
 * parameters. C: the libc entry points and their internal aliases (glibc __socket, __mmap64...; musl __mmap), with
 * the SysV / AAPCS64 integer argument registers. Go: the syscall and x/sys/unix functions under the register ABI
 * (amd64: rax, rbx, rcx, rdi, rsi, r8, r9...; arm64: x0...); each passes its parameter on unchanged to the raw
 * Syscall, where it is no longer a constant.
 */
const C_FUNCTIONS: Readonly<Record<string, string[]>> = {
  socket: ["socket", "__socket"],
  mmap: ["mmap", "mmap64", "__mmap", "__mmap64"],
  ioctl: ["ioctl", "__ioctl"],
  fcntl: ["fcntl", "fcntl64", "__fcntl", "__libc_fcntl", "__libc_fcntl64", "__fcntl64_nocancel", "__fcntl64_nocancel_adjusted"],
  prctl: ["prctl", "__prctl"],
  madvise: ["madvise", "__madvise"],
  // glibc's 64-bit-time entry points (__clock_gettime64...) are the same functions on x86_64 and aarch64. futex has
  // no libc entry point: programs make it with syscall(), whose argument the decoders read at the call.
  clock_gettime: ["clock_gettime", "__clock_gettime", "__clock_gettime64"],
  clock_settime: ["clock_settime", "__clock_settime", "__clock_settime64"],
  clock_getres: ["clock_getres", "__clock_getres", "__clock_getres64"],
  clock_nanosleep: ["clock_nanosleep", "__clock_nanosleep", "__clock_nanosleep_time64"],
  // The level is the decoders' register; the option name, in the next one, is read by src/analyze/arg-pairs.ts.
  setsockopt: ["setsockopt", "__setsockopt"],
  getsockopt: ["getsockopt", "__getsockopt"],
};
/** A function that only passes the argument on, with no register to read it from at its calls. */
const PASS_ON = -1;
const GO_FUNCTIONS: Readonly<Record<string, [string, number][]>> = {
  socket: [
    ["syscall.Socket", 0], ["syscall.socket", 0], ["syscall.cloexecSocket", 0], ["net.sysSocket", 0],
    ["golang.org/x/sys/unix.Socket", 0], ["golang.org/x/sys/unix.socket", 0],
  ],
  mmap: [
    ["syscall.mmap", 3], ["syscall.Mmap", 4], ["golang.org/x/sys/unix.mmap", 3], ["golang.org/x/sys/unix.Mmap", 4],
    // The runtime's own mappings: runtime.mmap (register ABI) hands its flags to the assembly sysMmap (ABI0: on the
    // stack, where no register shows them), which only passes them on.
    ["runtime.mmap", 3], ["runtime.sysMmap", PASS_ON], ["runtime.sysMmap.abi0", PASS_ON],
  ],
  ioctl: [["golang.org/x/sys/unix.ioctl", 1], ["golang.org/x/sys/unix.ioctlPtr", 1]],
  fcntl: [["syscall.fcntl", 1], ["golang.org/x/sys/unix.fcntl", 1]],
  prctl: [["golang.org/x/sys/unix.Prctl", 0]],
  madvise: [["syscall.Madvise", 3], ["golang.org/x/sys/unix.Madvise", 3], ["golang.org/x/sys/unix.madvise", 3]],
  setsockopt: [["syscall.setsockopt", 1], ["golang.org/x/sys/unix.setsockopt", 1]],
  getsockopt: [["syscall.getsockopt", 1], ["golang.org/x/sys/unix.getsockopt", 1]],
};
const SYSV = ["rdi", "rsi", "rdx", "rcx", "r8", "r9"];
const GO_AMD64 = ["rax", "rbx", "rcx", "rdi", "rsi", "r8", "r9", "r10", "r11"];
const A64 = ["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"];

/** The decoder's wrapper kind ("arg:NR:REG") of each such function for `arch`, by name. */
export function argCallKinds(arch: Arch): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const [sc, names] of Object.entries(C_FUNCTIONS)) {
    const spec = ARG_SPECS.get(sc);
    const nr = ARG_SYSCALL_NR[sc]?.[arch];
    if (spec === undefined || nr === undefined) continue;
    // Every C entry point takes the syscall's arguments in the syscall's order (madvise's advice is the third).
    const reg = (arch === "aarch64" ? A64 : SYSV)[spec.index];
    for (const n of names) out.set(n, `arg:${nr}:${reg}`);
  }
  for (const [sc, list] of Object.entries(GO_FUNCTIONS)) {
    const nr = ARG_SYSCALL_NR[sc]?.[arch];
    if (nr === undefined) continue;
    for (const [n, i] of list) if (i !== PASS_ON) out.set(n, `arg:${nr}:${(arch === "aarch64" ? A64 : GO_AMD64)[i]}`);
  }
  return out;
}

/** The deciding argument's index by syscall number, for the decoders (ScanOptions.argIndex). */
export function argIndexFor(arch: Arch): (nr: number) => number | undefined {
  const byNr = new Map<number, number>();
  for (const [sc, nrs] of Object.entries(ARG_SYSCALL_NR)) {
    const spec = ARG_SPECS.get(sc);
    if (spec !== undefined) byNr.set(nrs[arch], spec.index);
  }
  return (nr) => byNr.get(nr);
}

/** The syscall a function of the table above makes, when `name` is one. */
export function argCallSyscall(name: string): string | undefined {
  for (const [sc, names] of Object.entries(C_FUNCTIONS)) if (names.includes(name)) return sc;
  for (const [sc, list] of Object.entries(GO_FUNCTIONS)) if (list.some(([n]) => n === name)) return sc;
  return undefined;
}

/** Whether `fn` (a libc or Go function, glibc's internal prefixes allowed) only passes `syscall`'s argument on. */
export const passesArgumentOn = (fn: string, syscall: string): boolean =>
  argCallSyscall(fn) === syscall || argCallSyscall(fn.replace(/^__(libc_)?/, "")) === syscall;
