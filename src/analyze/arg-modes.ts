// @fileoverview Argument values as modes: each reached call of a syscall with an argument vocabulary (socket, mmap,
// ioctl, fcntl, prctl, madvise) is rated by the value of its deciding argument where the call is made (mode
// "AF_NETLINK"), or says that value is unknown (mode "unknown"). Sites inside the functions that only pass the
// argument on (libc's socket(), Go's syscall.Socket) stand for their callers and are not counted on their own.

import { ARG_SPECS, UNKNOWN, argValueName } from "../db/args.js";
import type { SyscallTable } from "../db/types.js";
import { passesArgumentOn as passesOn } from "./arg-calls.js";
import type { ArgLeaf } from "./arg-values.js";
import type { SiteFact } from "./code.js";
import type { SyscallCollector } from "./collector.js";

export interface ArgModes {
  /**
   * The modes of each site (by index in the code analysis' sites): the name of each value its deciding argument takes
   * where it is decided (several when the site's function passes on a parameter that its callers set differently),
   * "unknown" for a path where it is not a constant; null: a site inside a pass-on function, left out.
   */
  modesOf: (i: number) => readonly string[] | null | undefined;
  /** Per imported function that makes one such syscall: the values its calls in the program pass. */
  importValues: ReadonlyMap<string, { syscall: string; values: ReadonlySet<string> }>;
}

/** The names of the values a site's leaves give it, "unknown" included when a leaf is not a constant. */
export function leafModes(syscall: string, leaves: readonly ArgLeaf[]): string[] {
  const out = new Set<string>();
  const spec = ARG_SPECS.get(syscall);
  for (const l of leaves) {
    for (const v of l.values) out.add(argValueName(syscall, v) as string);
    if (l.unknown) out.add(UNKNOWN);
    // A value known only in part is named when every bit the rules read (the spec's mask) is known: mmap's mapping
    // type and MAP_ANONYMOUS, whatever huge-page bits are or-ed in beside them.
    const p = l.partial;
    if (p !== undefined) out.add(spec !== undefined && spec.second === undefined && (spec.mask & ~p.known) === 0 ? (argValueName(syscall, p.bits) as string) : UNKNOWN);
  }
  // No caller's value takes the paths to the site (each is excluded by a branch on the way): nothing is known of
  // the values that do, if any; rated by the row.
  if (out.size === 0) out.add(UNKNOWN);
  return [...out].sort();
}

export function argumentModes(sites: readonly SiteFact[], table: SyscallTable): ArgModes {
  const modes: (readonly string[] | null | undefined)[] = [];
  const calledAt = new Map<string, number>(); // syscall → calls made from outside the pass-on functions
  const importValues = new Map<string, { syscall: string; values: Set<string> }>();
  sites.forEach((s, i) => {
    const name = table.byNr.get(s.nr);
    if (name === undefined || !ARG_SPECS.has(name)) return;
    if (passesOn(s.function, name)) {
      modes[i] = null;
      return;
    }
    const m = s.arg !== undefined ? [argValueName(name, s.arg) as string] : s.argLeaves !== undefined ? leafModes(name, s.argLeaves) : [UNKNOWN];
    modes[i] = m;
    calledAt.set(name, (calledAt.get(name) ?? 0) + 1);
    if (s.callee !== undefined && passesOn(s.callee, name)) {
      const key = s.callee;
      let e = importValues.get(key);
      if (e === undefined) importValues.set(key, (e = { syscall: name, values: new Set() }));
      for (const mode of m) e.values.add(mode);
    }
  });
  // With no call made from outside (the function is reached only through a pointer), its own sites say "unknown".
  sites.forEach((s, i) => {
    if (modes[i] !== null) return;
    const name = table.byNr.get(s.nr) as string;
    if ((calledAt.get(name) ?? 0) === 0) modes[i] = [UNKNOWN];
  });
  return { modesOf: (i) => modes[i], importValues };
}

/** Splits the import and library ways into each imported function by the values the program's calls pass. */
export function applyImportValues(out: SyscallCollector, modes: ArgModes): void {
  for (const [fn, { syscall, values }] of modes.importValues) out.splitByArgument(syscall, fn, values);
}
