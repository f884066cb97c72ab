// @fileoverview After the decoders and the value analysis: futex ops kept only at the program's syscall() calls, and
// syscalls decided by two arguments (setsockopt/getsockopt: level and option name, src/db/args.ts): the
// decoders resolve one register per call, so the pair is read here, at each such site, with the whole-function value
// analysis of src/analyze/arg-values.ts applied to both registers, and the two values are paired by where each is
// decided (the site itself, or the same call of a function passing its parameters on). x86-64 and aarch64; wherever a
// value has no partner, the pair is unknown (the finding keeps the row's rating and says so).

import { ARG_SPECS, argPair } from "../db/args.js";
import type { Arch } from "../types.js";
import { ARG_SYSCALL_NR, passesArgumentOn } from "./arg-calls.js";
import { ArgValues } from "./arg-values.js";
import type { ArgLeaf, ValueContext } from "./arg-values.js";

/** A site as the code analysis holds it (src/analyze/code.ts SiteFact), the fields read and written here. */
interface PairSite {
  nr: number;
  addr: number;
  function: string;
  kind: string;
  callee?: string;
  arg?: number;
  argReg?: number;
  argLeaves?: ArgLeaf[];
}

const RCX = 1;
const RDX = 2;
const RBX = 3;
const RSI = 6;
const RDI = 7;
/** The register after the first argument's, in each calling convention that carries these calls. */
const NEXT: Readonly<Record<number, number>> = { [RSI]: RDX, [RDX]: RCX, [RCX]: RDI, [RBX]: RCX };
const REG: Readonly<Record<string, number>> = { rsi: RSI, rdx: RDX, rcx: RCX, rbx: RBX };

/**
 * The registers of both arguments at a site, x86-64: at a syscall instruction rsi and rdx; at a call of
 * syscall(nr, ...) ("rdi" wrappers) rdx and rcx; at Go's Syscall6(trap, a1, ...) rcx and rdi; at a call of an entry
 * point listed in arg-calls.ts ("arg:NR:REG") REG and the next. A call through a GOT slot names no callee: the
 * decoder's register for the first argument, when it left one, says which convention. aarch64 (x0..x30 are 0..30):
 * svc x1 and x2; syscall(nr, fd, level, name) and Go's Syscall6 (trap in x0) x2 and x3; an entry point's xN and the
 * next.
 */
function registers(s: PairSite, arch: Arch, kindOf: (callee: string) => string | undefined): [number, number] | undefined {
  const kind = s.callee !== undefined ? kindOf(s.callee) : undefined;
  const m = kind !== undefined ? /^arg:\d+:(\w+)$/.exec(kind) : null;
  if (arch === "aarch64") {
    if (s.kind === "syscall") return [1, 2];
    if (kind === "rdi" || kind === "go") return [2, 3];
    const x = m !== null ? /^x(\d)$/.exec(m[1] as string) : null;
    const first = x !== null ? Number(x[1]) : s.argReg;
    return first !== undefined && first < 7 ? [first, first + 1] : undefined;
  }
  if (s.kind === "syscall") return [RSI, RDX];
  if (kind === "rdi") return [RDX, RCX];
  if (kind === "go") return [RCX, RDI];
  const first = m !== null ? REG[m[1] as string] : s.argReg;
  const second = first !== undefined ? NEXT[first] : undefined;
  return first !== undefined && second !== undefined ? [first, second] : undefined;
}

/**
 * futex ops are read where a program asks for one with syscall() (or Go's Syscall), not at the futex instructions
 * inside a libc: those are how static glibc's mutexes and musl's locks implement what the program asked for
 * (glibc's PI-mutex unlock is FUTEX_UNLOCK_PI, reached only for PTHREAD_PRIO_INHERIT mutexes), so they keep the
 * row's rating as they did before futex had rules.
 */
function forgetLibcFutexOps(sites: PairSite[], arch: Arch): void {
  const futex = ARG_SYSCALL_NR.futex?.[arch];
  for (const s of sites) {
    if (s.nr !== futex || s.kind === "wrapper") continue;
    delete s.arg;
    delete s.argLeaves;
  }
}

/** Pairs two arguments' leaves: by the address that decides them, a value decided at the site itself going with every other. */
export function pairLeaves(site: number, a: readonly ArgLeaf[], b: readonly ArgLeaf[]): ArgLeaf[] {
  const local = (ls: readonly ArgLeaf[]): ArgLeaf | undefined => ls.find((l) => l.at === site);
  const la = local(a);
  const lb = local(b);
  const ats = [...new Set([...a, ...b].map((l) => l.at).filter((at) => at !== site))].sort((x, y) => x - y);
  if (ats.length === 0) ats.push(site);
  const out: ArgLeaf[] = [];
  for (const at of ats) {
    const x = at === site ? la : (a.find((l) => l.at === at) ?? la);
    const y = at === site ? lb : (b.find((l) => l.at === at) ?? lb);
    const leaf: ArgLeaf = { at, values: [], unknown: x === undefined || y === undefined || x.unknown || y.unknown || x.partial !== undefined || y.partial !== undefined };
    for (const v of x?.values ?? []) for (const w of y?.values ?? []) leaf.values.push(argPair(v, w));
    leaf.values.sort((p, q) => p - q);
    out.push(leaf);
  }
  return out;
}

/**
 * Gives every site of a pair syscall its packed pair (`arg`) or paired leaves (`argLeaves`), or neither (unknown);
 * what the decoders put there for the first argument alone is dropped. `ctx` is absent where the value analysis does
 * not run (aarch64).
 */
export function followArgumentPairs(sites: PairSite[], arch: Arch, ctx: ValueContext | undefined, kindOf: (callee: string) => string | undefined): void {
  forgetLibcFutexOps(sites, arch);
  const pairs = new Map<number, string>();
  for (const [name, spec] of ARG_SPECS) {
    const nr = ARG_SYSCALL_NR[name]?.[arch];
    if (spec.second !== undefined && nr !== undefined) pairs.set(nr, name);
  }
  let values: ArgValues | undefined;
  for (const s of sites) {
    const name = pairs.get(s.nr);
    if (name === undefined) continue;
    delete s.arg;
    delete s.argLeaves;
    // Sites inside libc's setsockopt() stand for its calls (src/analyze/arg-modes.ts): nothing to read there.
    if (passesArgumentOn(s.function, name)) continue;
    const regs = ctx !== undefined ? registers(s, arch, kindOf) : undefined;
    if (regs === undefined || ctx === undefined) continue;
    values ??= new ArgValues(ctx);
    const leaves = pairLeaves(s.addr, values.leaves(regs[0], s.addr), values.leaves(regs[1], s.addr));
    const only = leaves.length === 1 ? leaves[0] : undefined;
    if (only !== undefined && !only.unknown && only.values.length === 1) s.arg = only.values[0] as number;
    else s.argLeaves = leaves;
  }
}
