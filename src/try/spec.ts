// @fileoverview A target surface → the seccomp filter spec that `unifit try` runs a program under (pure): which
// syscalls trap, under which argument rule, and what the supervisor answers (an errno, or 0 for a stub).

import { ARG_SPECS, OTHER, PAIR, argFirstOther, argLabel, argValueNumber } from "../db/args.js";
import type { ArgSpec } from "../db/args.js";
import { ERRNO } from "../db/errno.js";
import type { Surface, SurfaceRow, SyscallTable } from "../db/types.js";
import type { Status } from "../types.js";
import { byKey } from "../util/compare.js";

/**
 * When a rule traps. clone/clone3 modes are told apart by CLONE_THREAD in the flags (clone: arg0, which the filter
 * reads; clone3: the flags word of struct clone_args in memory, which only the supervisor can read), kill/tgkill
 * modes by whether arg0 (pid, tgid) is the program's own pid.
 */
export type TrapWhen =
  | "always"
  | "clone-thread"
  | "clone-process"
  | "clone3-thread"
  | "clone3-process"
  | "pid-self"
  | "pid-other"
  // Argument rules (src/db/args.ts): the deciding argument, masked, equals `arg.values[0]` (arg-eq) or none of
  // `arg.values` (arg-other: every value the row does not list).
  | "arg-eq"
  | "arg-other"
  // Two deciding arguments (setsockopt's level and optname): the call traps whatever its arguments, and the supervisor
  // takes the first arg-pair rule of the syscall (in spec order: named pairs, then "LEVEL/other", then "other") whose
  // values match, `allow` ones included; a call no rule matches continues.
  | "arg-pair";

export interface TrapRule {
  /** Index in the spec; the helper reports counts by it. */
  id: number;
  syscall: string;
  nr: number;
  /** The surface mode the rule stands for (clone:process, kill:other), when the row has modes. */
  mode?: string;
  when: TrapWhen;
  /** errno: fail with `errno`; stub: return 0 without running; allow (arg-pair only): let it run. */
  action: "errno" | "stub" | "allow";
  errno: number;
  /** The errno's name (ENOSYS unless the row states another). */
  errnoName?: string;
  status: Status | "missing";
  /** For arg-eq / arg-other: which argument (0-based), under which mask, against which values. */
  arg?: { index: number; mask: number; values: number[] };
  /** For arg-pair: each argument's value, or undefined for any value. */
  pair?: { first: { index: number; mask: number; value?: number }; second: { index: number; mask: number; value?: number } };
}

export interface FilterSpec {
  target: string;
  rules: TrapRule[];
  /** Syscalls the emulation lets through whatever the row says, and why (see ALWAYS_ALLOWED). */
  forced: { syscall: string; status: Status; why: string }[];
  /** Trapped syscalls whose common calls never reach the kernel, so the filter cannot apply the target's rules to them. */
  unseen: { syscall: string; why: string }[];
}

/**
 * The x86-64 vDSO answers clock_gettime and clock_getres for these clocks in user space (arch/x86/entry/vdso,
 * lib/vdso: the high-resolution and coarse clock bases): no syscall, nothing for seccomp to see.
 */
const VDSO_CLOCKS = "CLOCK_REALTIME, CLOCK_MONOTONIC, their _COARSE forms, CLOCK_BOOTTIME and CLOCK_TAI";
const VDSO = new Set(["clock_gettime", "clock_getres"]);

/** How each mode is recognised, per syscall with modes (the vocabulary of src/db/load.ts MODES). */
const MODE_WHEN: Readonly<Record<string, Readonly<Record<string, TrapWhen>>>> = {
  clone: { thread: "clone-thread", process: "clone-process" },
  clone3: { thread: "clone3-thread", process: "clone3-process" },
  kill: { self: "pid-self", other: "pid-other" },
  tgkill: { self: "pid-self", other: "pid-other" },
};

/**
 * A program that cannot end does not tell anything: exit and exit_group always run (every shipped target with a
 * POSIX surface has them; a refused exit would leave the program running past its end).
 */
const ALWAYS_ALLOWED = new Set(["exit", "exit_group"]);

type Action = { action: "allow" } | { action: "stub" } | { action: "errno"; errno: number; errnoName: string };

function actionOf(status: Status, row: SurfaceRow | undefined): Action {
  if (status === "full" || status === "partial") return { action: "allow" };
  if (status === "stub") return { action: "stub" };
  const name = row?.errno ?? "ENOSYS";
  return { action: "errno", errno: ERRNO[name] ?? 38, errnoName: name };
}

const same = (a: Action, b: Action): boolean =>
  a.action === b.action && (a.action !== "errno" || (b.action === "errno" && a.errno === b.errno));

/** The filter for one target, over every syscall number of the table (x86_64), in number order. */
export function buildFilterSpec(surface: Surface, table: SyscallTable): FilterSpec {
  const rules: TrapRule[] = [];
  const forced: FilterSpec["forced"] = [];
  const add = (r: Omit<TrapRule, "id">): void => {
    rules.push({ id: rules.length, ...r });
  };
  for (const [nr, name] of [...table.byNr].sort(byKey)) {
    const row = surface.rows.get(name);
    if (row === undefined) {
      // Not in the table at all: what a dispatcher does with an unknown number.
      add({ syscall: name, nr, when: "always", action: "errno", errno: ERRNO.ENOSYS ?? 38, errnoName: "ENOSYS", status: "missing" });
      continue;
    }
    // The target never lets a program make this call (OSv's rt_sigreturn): nothing to emulate, and refusing it
    // here would break what the target does another way.
    if (row.notMade !== undefined) continue;
    if (ALWAYS_ALLOWED.has(name)) {
      if (row.status !== "full" && row.status !== "partial") forced.push({ syscall: name, status: row.status, why: "a program must be able to end" });
      continue;
    }
    const spec = ARG_SPECS.get(name);
    if (row.args !== undefined && spec?.second !== undefined) {
      addPairRules(name, nr, row, spec, add);
      continue;
    }
    if (row.args !== undefined && spec !== undefined) {
      addArgRules(name, nr, row, spec, add);
      continue;
    }
    const whens = MODE_WHEN[name];
    if (row.modes !== undefined && whens !== undefined) {
      const perMode = Object.entries(whens).map(([mode, when]) => {
        const status = row.modes?.[mode] ?? row.status;
        return { mode, when, status, act: actionOf(status, row) };
      });
      const first = perMode[0];
      if (first !== undefined && perMode.every((m) => same(m.act, first.act))) {
        if (first.act.action !== "allow") add({ syscall: name, nr, when: "always", ...ruleAction(first.act), status: row.status });
        continue;
      }
      for (const m of perMode) {
        if (m.act.action !== "allow") add({ syscall: name, nr, mode: m.mode, when: m.when, ...ruleAction(m.act), status: m.status });
      }
      continue;
    }
    const act = actionOf(row.status, row);
    if (act.action !== "allow") add({ syscall: name, nr, when: "always", ...ruleAction(act), status: row.status });
  }
  const names = [...new Set(rules.filter((r) => VDSO.has(r.syscall)).map((r) => r.syscall))];
  const unseen = names.length === 0 ? [] : [{
    syscall: names.join(", "),
    why: `${names.join(" and ")} of ${VDSO_CLOCKS} are answered by the vDSO without a syscall: the filter applies ${surface.name}'s clock rules only to the other clocks (the scan rates every call)`,
  }];
  return { target: surface.name, rules, forced, unseen };
}

/**
 * A row with argument rules: one arg-eq rule per listed value that is not allowed, then one arg-other rule for every
 * value not listed when the row's "other" (or, without one, the row itself) is not allowed. At run time every value is
 * known, so the row's own status stands only for values no rule names.
 */
function addArgRules(name: string, nr: number, row: SurfaceRow, spec: ArgSpec, add: (r: Omit<TrapRule, "id">) => void): void {
  const listed: number[] = [];
  for (const [value, rule] of Object.entries(row.args ?? {}).sort(byKey)) {
    if (value === OTHER) continue;
    const v = argValueNumber(name, value) as number;
    listed.push(v);
    const act = actionOf(rule.status, { ...row, ...(rule.errno !== undefined ? { errno: rule.errno } : {}) });
    if (act.action !== "allow") add({ syscall: name, nr, mode: `${spec.arg} ${value}`, when: "arg-eq", ...ruleAction(act), status: rule.status, arg: { index: spec.index, mask: spec.mask, values: [v] } });
  }
  const other = row.args?.[OTHER];
  const status = other?.status ?? row.status;
  const act = actionOf(status, { ...row, ...(other?.errno !== undefined ? { errno: other.errno } : {}) });
  if (act.action !== "allow") add({ syscall: name, nr, mode: `${spec.arg} ${OTHER}`, when: "arg-other", ...ruleAction(act), status, arg: { index: spec.index, mask: spec.mask, values: listed } });
}

/**
 * A row with rules on two arguments: every rule in the order the supervisor tries them (most specific first), allowed
 * ones too, so that a named pair that runs is not caught by its level's "other"; nothing when every rule, and the
 * row for pairs no rule names, lets the call run.
 */
function addPairRules(name: string, nr: number, row: SurfaceRow, spec: ArgSpec, add: (r: Omit<TrapRule, "id">) => void): void {
  const second = spec.second as NonNullable<ArgSpec["second"]>;
  const label = argLabel(spec);
  const rules: Omit<TrapRule, "id">[] = [];
  const ruleFor = (key: string, rule: NonNullable<SurfaceRow["args"]>[string], first?: number, value2?: number): void => {
    const act = actionOf(rule.status, { ...row, ...(rule.errno !== undefined ? { errno: rule.errno } : {}) });
    const pair: NonNullable<TrapRule["pair"]> = { first: { index: spec.index, mask: spec.mask }, second: { index: second.index, mask: second.mask } };
    if (first !== undefined) pair.first.value = first;
    if (value2 !== undefined) pair.second.value = value2;
    const a = act.action === "allow" ? { action: "allow" as const, errno: 0 } : ruleAction(act);
    rules.push({ syscall: name, nr, mode: `${label} ${key}`, when: "arg-pair", ...a, status: rule.status, pair });
  };
  const entries = Object.entries(row.args ?? {}).sort(byKey);
  for (const [key, rule] of entries) {
    const v = argValueNumber(name, key);
    if (v !== undefined) ruleFor(key, rule, Math.floor(v / PAIR), v % PAIR);
  }
  for (const [key, rule] of entries) {
    const first = argFirstOther(name, key);
    if (first !== undefined) ruleFor(key, rule, first);
  }
  ruleFor(OTHER, row.args?.[OTHER] ?? { status: row.status, at: row.at });
  if (rules.every((r) => r.action === "allow")) return;
  for (const r of rules) add(r);
}

function ruleAction(a: Action): Pick<TrapRule, "action" | "errno" | "errnoName"> {
  return a.action === "errno" ? { action: "errno", errno: a.errno, errnoName: a.errnoName } : { action: "stub", errno: 0 };
}

/**
 * The spec file the C helper reads (src/try/helper.c): one "rule ID NR WHEN ACTION ERRNO" line per rule, followed
 * for argument rules by "INDEX MASK COUNT VALUE...", for arg-pair rules by "INDEX MASK VALUE INDEX MASK VALUE" (a
 * value "*": any).
 */
export function formatSpec(spec: FilterSpec): string {
  const lines = [`# unifit try: ${spec.target}`];
  const part = (p: { index: number; mask: number; value?: number }): string => ` ${p.index} ${p.mask} ${p.value ?? "*"}`;
  for (const r of spec.rules) {
    const arg = r.arg !== undefined
      ? ` ${r.arg.index} ${r.arg.mask} ${r.arg.values.length}${r.arg.values.map((v) => ` ${v}`).join("")}`
      : r.pair !== undefined ? `${part(r.pair.first)}${part(r.pair.second)}` : "";
    lines.push(`rule ${r.id} ${r.nr} ${r.when} ${r.action} ${r.errno}${arg}`);
  }
  return lines.join("\n") + "\n";
}
