// @fileoverview `unifit explain`: what every target does with one syscall (status, note, evidence), with the system
// calls a libc function makes (per libc map) and each target's status for them, or what one rule finds and how each
// target rates it. Pure: data in, text or JSON-ready objects out.

import { argEvidence, rowEvidence } from "../db/load.js";
import { ARG_SPECS, OTHER, argLabel, argRuleKey } from "../db/args.js";
import type { ArgRule, Database } from "../db/types.js";
import type { Rule } from "../rules/types.js";
import type { Level, Status } from "../types.js";
import { compareStrings, byName } from "../util/compare.js";
import { LEVEL_OF_STATUS, capLevel, statusOf, worseLevel } from "../verdict/levels.js";

export interface SyscallExplanation {
  kind: "syscall";
  name: string;
  numbers: { x86_64?: number; aarch64?: number };
  targets: {
    target: string;
    status: Status;
    modes?: Readonly<Record<string, Status>>;
    /** Argument rules (src/db/args.ts), in key order ("other" last). */
    args?: { value: string; status: Status; errno?: string; note?: string; evidence: string }[];
    note?: string;
    evidence: string;
  }[];
  /** The deciding argument's name, when the syscall has an argument vocabulary and some target has rules for it. */
  arg?: string;
}

export interface RuleExplanation {
  kind: "rule";
  id: string;
  title: string;
  category: string;
  file: string;
  hint: string;
  needs: string[];
  targets: { target: string; level: string; because: string }[];
}

/** A libc function as the curated maps (syscall-db/libc) give it: its system calls and how each target treats them. */
export interface LibcExplanation {
  kind: "libc";
  name: string;
  libcs: {
    libc: string;
    version: string;
    /** The x86_64 syscalls the map gives the function (with clone's mode), and whether each is made only on an
     * opt-in path. */
    syscalls: { name: string; mode?: string; conditional?: boolean }[];
    /** How the map established them. */
    how: string;
    /** Per target: the status of each syscall (in the order of `syscalls`), and the worst level over them. */
    targets: { target: string; level: Level; statuses: Status[] }[];
  }[];
}

export type Explanation = SyscallExplanation | LibcExplanation | RuleExplanation;

/** Every meaning of a name, syscall first, then libc function, then rule: `ptrace` is a syscall and a rule, `fork` a
 * syscall and a libc function that makes clone, `daemon` a libc function only. */
export function explainName(db: Database, rules: readonly Rule[], name: string): Explanation[] {
  const out: Explanation[] = [];
  const sc = explainSyscall(db, name);
  if (sc !== undefined) out.push(sc);
  // A libc wrapper that only makes the syscall of its name (socket, ptrace) says nothing the syscall's rows do not.
  const fn = explainLibcFunction(db, name);
  if (fn !== undefined && (sc === undefined || fn.libcs.some((l) => l.syscalls.length !== 1 || l.syscalls[0]?.name !== name))) out.push(fn);
  const rule = rules.find((r) => r.id === name);
  if (rule !== undefined) out.push(explainRule(db, rule));
  return out;
}

function explainLibcFunction(db: Database, name: string): LibcExplanation | undefined {
  const surfaces = [...db.surfaces.values()].sort(byName);
  const libcs = [...db.libcs.values()]
    .map((map) => ({ map, fn: map.functions.get(name) }))
    .filter((x) => x.fn !== undefined)
    .sort((a, b) => compareStrings(a.map.libc, b.map.libc))
    .map(({ map, fn }) => {
      const f = fn as NonNullable<typeof fn>;
      const syscalls = f.x86_64.map((r) => ({ ...r, ...(f.conditional.has(r.name) ? { conditional: true } : {}) }));
      const targets = surfaces.map((s) => {
        const statuses = syscalls.map((r) => statusOf(s.rows.get(r.name), r.mode));
        const level = s.noPosix !== undefined ? "blocker" : statuses.reduce<Level>((w, st) => worseLevel(w, LEVEL_OF_STATUS[st]), "ok");
        return { target: s.name, level, statuses };
      });
      return { libc: map.libc, version: map.version, syscalls, how: f.how, targets };
    });
  return libcs.length === 0 ? undefined : { kind: "libc", name, libcs };
}

function explainSyscall(db: Database, name: string): SyscallExplanation | undefined {
  const x = db.tables.x86_64.byName.get(name);
  const a = db.tables.aarch64.byName.get(name);
  if (x === undefined && a === undefined) return undefined;
  const numbers: SyscallExplanation["numbers"] = {};
  if (x !== undefined) numbers.x86_64 = x.nr;
  if (a !== undefined) numbers.aarch64 = a.nr;
  const targets = [...db.surfaces.values()]
    .sort(byName)
    .map((s) => {
      const row = s.rows.get(name);
      if (row === undefined) return { target: s.name, status: "absent" as const, note: `not in ${s.name}'s ${s.arch} table`, evidence: "-" };
      const t: SyscallExplanation["targets"][number] = { target: s.name, status: row.status, evidence: rowEvidence(s, row) };
      if (row.modes !== undefined) t.modes = row.modes;
      if (row.args !== undefined) {
        const keys = Object.keys(row.args).sort((p, q) => (p === OTHER ? 1 : q === OTHER ? -1 : compareStrings(p, q)));
        t.args = keys.map((value) => {
          const r = row.args?.[value] as ArgRule;
          const a: NonNullable<typeof t.args>[number] = { value, status: r.status, evidence: argEvidence(s, row, r) };
          if (r.errno !== undefined) a.errno = r.errno;
          if (r.note !== undefined) a.note = r.note;
          return a;
        });
      }
      if (row.note !== undefined) t.note = row.note;
      return t;
    });
  const out: SyscallExplanation = { kind: "syscall", name, numbers, targets };
  const spec = ARG_SPECS.get(name);
  if (spec !== undefined && targets.some((t) => t.args !== undefined)) out.arg = argLabel(spec);
  return out;
}

function explainRule(db: Database, rule: Rule): RuleExplanation {
  const needs = rule.syscalls.map((r) => (r.mode !== undefined ? `${r.name}:${r.mode}` : r.name));
  const targets = [...db.surfaces.values()]
    .sort(byName)
    .map((s) => {
      if (s.noPosix !== undefined) return { target: s.name, level: "blocker", because: s.noPosix };
      if (rule.syscalls.length === 0) return { target: s.name, level: rule.severity, because: "the pattern itself" };
      const parts = rule.syscalls.map((r) => {
        const st = statusOf(s.rows.get(r.name), r.mode);
        return { level: capLevel<Level>(LEVEL_OF_STATUS[st], rule.severity), text: `${r.name}${r.mode !== undefined ? ` (${r.mode})` : ""}: ${st}` };
      });
      const worst = parts.reduce<Level>((w, p) => worseLevel(w, p.level), "ok");
      return { target: s.name, level: worst, because: parts.map((p) => p.text).join(", ") };
    });
  return { kind: "rule", id: rule.id, title: rule.title, category: rule.category, file: rule.file, hint: rule.hint, needs, targets };
}

/**
 * The per-argument table: one line per value some target names, one column per target; a cell is the value's own
 * rule, else the target's "other" rule, else the row's status in parentheses (the row decides). Then each rule's
 * evidence.
 */
function argumentTable(e: SyscallExplanation): string[] {
  const values = [...new Set(e.targets.flatMap((t) => (t.args ?? []).map((a) => a.value)))].filter((v) => v !== OTHER).sort();
  values.push(OTHER);
  const cell = (t: SyscallExplanation["targets"][number], v: string): string => {
    // A value's own rule, else (two arguments) its level's "other", else the target's "other".
    const keys = Object.fromEntries((t.args ?? []).map((a) => [a.value, a]));
    const r = t.args !== undefined ? keys[v.endsWith("/other") ? v : argRuleKey(e.name, keys, v)] ?? keys[OTHER] : undefined;
    if (r === undefined) return `(${t.status})`;
    return r.errno !== undefined ? `${r.status} ${r.errno}` : r.status;
  };
  const head = [`by ${e.arg}`, ...e.targets.map((t) => t.target)];
  const rows = values.map((v) => [v, ...e.targets.map((t) => cell(t, v))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]): string => `  ${r.map((c, i) => c.padEnd(widths[i] as number)).join("  ")}`.trimEnd();
  const out = [line(head), ...rows.map(line), ""];
  for (const t of e.targets) {
    for (const a of t.args ?? []) out.push(`  ${t.target} ${e.arg}=${a.value}: ${a.status}${a.errno !== undefined ? ` (${a.errno})` : ""}${a.note !== undefined ? `: ${a.note}` : ""} [${a.evidence}]`);
  }
  return out;
}

/** One matrix per libc map: a row per syscall, a column per target, then the worst level per target. */
function libcTable(e: LibcExplanation): string[] {
  const out: string[] = [];
  for (const l of e.libcs) {
    out.push(`${e.name} (${l.libc} ${l.version} function): ${l.syscalls.length} syscall(s) on x86_64`, `how: ${l.how}`, "");
    const label = (r: LibcExplanation["libcs"][number]["syscalls"][number]): string =>
      `${r.name}${r.mode !== undefined ? ` (${r.mode})` : ""}${r.conditional === true ? " [opt-in]" : ""}`;
    const head = ["syscall", ...l.targets.map((t) => t.target)];
    const rows = l.syscalls.map((r, i) => [label(r), ...l.targets.map((t) => t.statuses[i] as string)]);
    rows.push(["worst", ...l.targets.map((t) => t.level)]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    const line = (r: string[]): string => `  ${r.map((c, i) => c.padEnd(widths[i] as number)).join("  ")}`.trimEnd();
    out.push(line(head), ...rows.map(line), "");
  }
  return out;
}

/** The text of every explanation of a name, separated by a blank line. */
export function formatExplanations(list: readonly Explanation[]): string {
  return list.map(formatExplanation).join("\n");
}

function formatExplanation(e: Explanation): string {
  const out: string[] = [];
  if (e.kind === "libc") {
    out.push(...libcTable(e));
    out.pop();
  } else if (e.kind === "syscall") {
    const nums = Object.entries(e.numbers).map(([arch, nr]) => `${arch} ${nr}`).join(", ");
    out.push(`${e.name} (${nums})`, "");
    const w = Math.max(...e.targets.map((t) => t.target.length));
    for (const t of e.targets) {
      const modes = t.modes !== undefined ? ` [${Object.entries(t.modes).map(([m, s]) => `${m}: ${s}`).join(", ")}]` : "";
      out.push(`  ${t.target.padEnd(w)}  ${t.status}${modes}${t.note !== undefined ? `: ${t.note}` : ""}`);
      out.push(`  ${"".padEnd(w)}  evidence: ${t.evidence}`);
    }
    if (e.arg !== undefined) out.push("", ...argumentTable(e));
  } else {
    out.push(`${e.id}: ${e.title} (${e.category}; ${e.file})`, `needs: ${e.needs.join(", ") || "nothing specific"}`, `hint: ${e.hint}`, "");
    const w = Math.max(...e.targets.map((t) => t.target.length));
    for (const t of e.targets) out.push(`  ${t.target.padEnd(w)}  ${t.level.padEnd(7)}  ${t.because}`);
  }
  return out.join("\n") + "\n";
}
