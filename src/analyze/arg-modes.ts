// @fileoverview Argument values as modes: each reached call of a syscall with an argument vocabulary (socket, mmap,
// ioctl, fcntl, prctl, madvise) is rated by the value of its deciding argument where the call is made (mode
// "AF_NETLINK"), or says that value is unknown (mode "unknown"). Sites inside the functions that only pass the
// argument on (libc's socket(), Go's syscall.Socket) stand for their callers and are not counted on their own.

import { ARG_SPECS, UNKNOWN, argValueName } from "../db/args.js";
import type { SyscallTable } from "../db/types.js";
import { argCallSyscall } from "./arg-calls.js";
import type { SiteFact } from "./code.js";
import type { SyscallCollector } from "./collector.js";

/** The name of a function without glibc's internal prefixes, as the argument-call table lists it. */
const passesOn = (fn: string, syscall: string): boolean =>
  argCallSyscall(fn) === syscall || argCallSyscall(fn.replace(/^__(libc_)?/, "")) === syscall;

export interface ArgModes {
  /** The mode of each site (by index in the code analysis' sites); null: a site inside a pass-on function, left out. */
  modeOf: (i: number) => string | null | undefined;
  /** Per imported function that makes one such syscall: the values its calls in the program pass. */
  importValues: ReadonlyMap<string, { syscall: string; values: ReadonlySet<string> }>;
}

export function argumentModes(sites: readonly SiteFact[], table: SyscallTable): ArgModes {
  const modes: (string | null | undefined)[] = [];
  const calledAt = new Map<string, number>(); // syscall → calls made from outside the pass-on functions
  const importValues = new Map<string, { syscall: string; values: Set<string> }>();
  sites.forEach((s, i) => {
    const name = table.byNr.get(s.nr);
    if (name === undefined || !ARG_SPECS.has(name)) return;
    if (passesOn(s.function, name)) {
      modes[i] = null;
      return;
    }
    const mode = s.arg !== undefined ? (argValueName(name, s.arg) as string) : UNKNOWN;
    modes[i] = mode;
    calledAt.set(name, (calledAt.get(name) ?? 0) + 1);
    if (s.callee !== undefined && passesOn(s.callee, name)) {
      const key = s.callee;
      let e = importValues.get(key);
      if (e === undefined) importValues.set(key, (e = { syscall: name, values: new Set() }));
      e.values.add(mode);
    }
  });
  // With no call made from outside (the function is reached only through a pointer), its own sites say "unknown".
  sites.forEach((s, i) => {
    if (modes[i] !== null) return;
    const name = table.byNr.get(s.nr) as string;
    if ((calledAt.get(name) ?? 0) === 0) modes[i] = UNKNOWN;
  });
  return { modeOf: (i) => modes[i], importValues };
}

/** Splits the import and library ways into each imported function by the values the program's calls pass. */
export function applyImportValues(out: SyscallCollector, modes: ArgModes): void {
  for (const [fn, { syscall, values }] of modes.importValues) out.splitByArgument(syscall, fn, values);
}
