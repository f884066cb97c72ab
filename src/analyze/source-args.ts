// @fileoverview Argument values in C/C++ source: a call of socket/mmap/ioctl/fcntl/prctl/madvise/setsockopt/clock_*
// (or syscall(SYS_futex, ...) and the like) whose deciding argument is written as a constant expression (AF_NETLINK,
// PF_PACKET, MAP_SHARED | MAP_ANONYMOUS, TCGETS, 0x5401, SOL_SOCKET and SO_REUSEPORT, FUTEX_LOCK_PI_PRIVATE) is
// named like the binary analysis names it (src/db/args.ts); anything else (a variable, a call, an unknown macro) is
// unknown.

import { ARG_SPECS, UNKNOWN, argPair, argValueName } from "../db/args.js";
import type { CallFact } from "../source/types.js";

/** The C entry points, by name, of the syscalls with an argument vocabulary. */
const FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ["socket", "socket"],
  ["mmap", "mmap"],
  ["mmap64", "mmap"],
  ["ioctl", "ioctl"],
  ["fcntl", "fcntl"],
  ["fcntl64", "fcntl"],
  ["prctl", "prctl"],
  ["madvise", "madvise"],
  ["clock_gettime", "clock_gettime"],
  ["clock_settime", "clock_settime"],
  ["clock_getres", "clock_getres"],
  ["clock_nanosleep", "clock_nanosleep"],
  ["setsockopt", "setsockopt"],
  ["getsockopt", "getsockopt"],
]);

/** syscall(SYS_x, ...) / syscall(__NR_x, ...): the number's macro. */
const SYSCALL_CONSTANT = /^(?:SYS|__NR)_([a-z][a-z0-9_]*)$/;

/** Level macros that are other names of the vocabulary's (linux/socket.h: SOL_IP is IPPROTO_IP...). */
const LEVEL_ALIASES: Readonly<Record<string, string>> = { SOL_IP: "IPPROTO_IP", SOL_TCP: "IPPROTO_TCP", SOL_UDP: "IPPROTO_UDP", SOL_IPV6: "IPPROTO_IPV6" };
/** futex's flag bits (linux/futex.h), and the _PRIVATE names that carry one. */
const FUTEX_FLAGS: Readonly<Record<string, number>> = { FUTEX_PRIVATE_FLAG: 128, FUTEX_CLOCK_REALTIME: 256 };

/** mmap flag macros (asm-generic/mman-common.h, x86's mman.h): the bits an expression may OR together. */
const MAP_FLAGS: Readonly<Record<string, number>> = {
  MAP_SHARED: 0x01, MAP_PRIVATE: 0x02, MAP_SHARED_VALIDATE: 0x03, MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20, MAP_ANON: 0x20,
  MAP_32BIT: 0x40, MAP_GROWSDOWN: 0x100, MAP_DENYWRITE: 0x800, MAP_EXECUTABLE: 0x1000, MAP_LOCKED: 0x2000,
  MAP_NORESERVE: 0x4000, MAP_POPULATE: 0x8000, MAP_NONBLOCK: 0x10000, MAP_STACK: 0x20000, MAP_HUGETLB: 0x40000,
  MAP_SYNC: 0x80000, MAP_FIXED_NOREPLACE: 0x100000, MAP_UNINITIALIZED: 0x4000000, MAP_FILE: 0,
};

/**
 * A macro's value for one syscall's argument: the vocabulary's names (PF_ as AF_, SOL_TCP as IPPROTO_TCP), mmap's
 * flag bits, futex's flags (FUTEX_WAIT_PRIVATE: FUTEX_WAIT | FUTEX_PRIVATE_FLAG); `names` for a pair's second
 * argument.
 */
function macroValue(syscall: string, name: string, names?: ReadonlyMap<number, string>): number | undefined {
  if (syscall === "mmap") return MAP_FLAGS[name];
  const spec = ARG_SPECS.get(syscall);
  if (spec === undefined) return undefined;
  if (syscall === "futex") {
    if (FUTEX_FLAGS[name] !== undefined) return FUTEX_FLAGS[name];
    if (name.endsWith("_PRIVATE")) {
      const v = macroValue(syscall, name.slice(0, -"_PRIVATE".length));
      return v !== undefined ? v | 128 : undefined;
    }
  }
  const wanted = syscall === "socket" ? name.replace(/^PF_/, "AF_") : (LEVEL_ALIASES[name] ?? name);
  for (const [v, n] of names ?? spec.names) if (n === wanted) return v;
  return undefined;
}

/** The value of an expression of integer literals and known macros joined by `|` (parentheses allowed), if any. */
function constantValue(syscall: string, text: string, names?: ReadonlyMap<number, string>): number | undefined {
  const parts = text.replace(/[()]/g, " ").split("|").map((p) => p.trim());
  let v = 0;
  for (const p of parts) {
    let x: number | undefined;
    if (/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)[uUlL]*$/.test(p)) x = Number(p.replace(/[uUlL]+$/, "").replace(/^0([0-7]+)$/, "0o$1"));
    else if (/^[A-Za-z_]\w*$/.test(p)) x = macroValue(syscall, p, names);
    if (x === undefined || !Number.isFinite(x)) return undefined;
    v = (v | x) >>> 0;
  }
  return parts.length > 0 ? v : undefined;
}

/**
 * For a call of one of these functions, or of syscall() with one of these syscalls' numbers: the syscall and the
 * value's name (or "unknown"), and whether it is a syscall() call; undefined otherwise.
 */
export function sourceArgument(call: CallFact): { syscall: string; mode: string; raw: boolean } | undefined {
  // Member calls (obj->socket(...)) and qualified ones other than ::socket are not libc's.
  if (call.calleeText !== call.callee && call.calleeText !== `::${call.callee}`) return undefined;
  let syscall = FUNCTIONS.get(call.callee);
  // syscall(SYS_futex, addr, op, ...): the syscall's arguments follow the number.
  const raw = call.callee === "syscall" ? SYSCALL_CONSTANT.exec(call.args[0]?.text ?? "")?.[1] : undefined;
  if (raw !== undefined && ARG_SPECS.has(raw)) syscall = raw;
  const spec = syscall !== undefined ? ARG_SPECS.get(syscall) : undefined;
  if (syscall === undefined || spec === undefined) return undefined;
  const shift = raw !== undefined ? 1 : 0;
  const arg = call.args[spec.index + shift];
  if (arg === undefined) return undefined;
  const v = constantValue(syscall, arg.text);
  if (spec.second === undefined) return { syscall, mode: v !== undefined ? (argValueName(syscall, v) as string) : UNKNOWN, raw: raw !== undefined };
  const text2 = call.args[spec.second.index + shift]?.text;
  const w = v !== undefined && text2 !== undefined ? constantValue(syscall, text2, spec.second.names.get(v) ?? new Map()) : undefined;
  return { syscall, mode: v !== undefined && w !== undefined ? (argValueName(syscall, argPair(v, w)) as string) : UNKNOWN, raw: raw !== undefined };
}
