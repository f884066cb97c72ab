// @fileoverview Argument values in C/C++ source: a call of socket/mmap/ioctl/fcntl/prctl/madvise whose deciding argument
// is written as a constant expression (AF_NETLINK, PF_PACKET, MAP_SHARED | MAP_ANONYMOUS, TCGETS, 0x5401) is named
// like the binary analysis names it (src/db/args.ts); anything else (a variable, a call, an unknown macro) is unknown.

import { ARG_SPECS, UNKNOWN, argValueName } from "../db/args.js";
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
]);

/** mmap flag macros (asm-generic/mman-common.h, x86's mman.h): the bits an expression may OR together. */
const MAP_FLAGS: Readonly<Record<string, number>> = {
  MAP_SHARED: 0x01, MAP_PRIVATE: 0x02, MAP_SHARED_VALIDATE: 0x03, MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20, MAP_ANON: 0x20,
  MAP_32BIT: 0x40, MAP_GROWSDOWN: 0x100, MAP_DENYWRITE: 0x800, MAP_EXECUTABLE: 0x1000, MAP_LOCKED: 0x2000,
  MAP_NORESERVE: 0x4000, MAP_POPULATE: 0x8000, MAP_NONBLOCK: 0x10000, MAP_STACK: 0x20000, MAP_HUGETLB: 0x40000,
  MAP_SYNC: 0x80000, MAP_FIXED_NOREPLACE: 0x100000, MAP_UNINITIALIZED: 0x4000000, MAP_FILE: 0,
};

/** A macro's value for one syscall's argument: the vocabulary's names (PF_ as AF_), or mmap's flag bits. */
function macroValue(syscall: string, name: string): number | undefined {
  if (syscall === "mmap") return MAP_FLAGS[name];
  const spec = ARG_SPECS.get(syscall);
  if (spec === undefined) return undefined;
  const wanted = syscall === "socket" ? name.replace(/^PF_/, "AF_") : name;
  for (const [v, n] of spec.names) if (n === wanted) return v;
  return undefined;
}

/** The value of an expression of integer literals and known macros joined by `|` (parentheses allowed), if any. */
function constantValue(syscall: string, text: string): number | undefined {
  const parts = text.replace(/[()]/g, " ").split("|").map((p) => p.trim());
  let v = 0;
  for (const p of parts) {
    let x: number | undefined;
    if (/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)[uUlL]*$/.test(p)) x = Number(p.replace(/[uUlL]+$/, "").replace(/^0([0-7]+)$/, "0o$1"));
    else if (/^[A-Za-z_]\w*$/.test(p)) x = macroValue(syscall, p);
    if (x === undefined || !Number.isFinite(x)) return undefined;
    v = (v | x) >>> 0;
  }
  return parts.length > 0 ? v : undefined;
}

/** For a call of one of these functions: the syscall and the value's name (or "unknown"); undefined otherwise. */
export function sourceArgument(call: CallFact): { syscall: string; mode: string } | undefined {
  const syscall = FUNCTIONS.get(call.callee);
  const spec = syscall !== undefined ? ARG_SPECS.get(syscall) : undefined;
  if (syscall === undefined || spec === undefined) return undefined;
  // Member calls (obj->socket(...)) and qualified ones other than ::socket are not libc's.
  if (call.calleeText !== call.callee && call.calleeText !== `::${call.callee}`) return undefined;
  const arg = call.args[spec.index];
  if (arg === undefined) return undefined;
  const v = constantValue(syscall, arg.text);
  return { syscall, mode: v !== undefined ? (argValueName(syscall, v) as string) : UNKNOWN };
}
