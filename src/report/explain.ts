// @fileoverview `unifit explain`: what every target does with one syscall (status, note, evidence), or what one rule
// finds and how each target rates it. Pure: data in, text or JSON-ready objects out.

import { rowEvidence } from "../db/load.js";
import type { Database } from "../db/types.js";
import type { Rule } from "../rules/types.js";
import type { Status } from "../types.js";

export interface SyscallExplanation {
  kind: "syscall";
  name: string;
  numbers: { x86_64?: number; aarch64?: number };
  targets: { target: string; status: Status; modes?: Readonly<Record<string, Status>>; note?: string; evidence: string }[];
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

export function explainSyscall(db: Database, name: string): SyscallExplanation | undefined {
  const x = db.tables.x86_64.byName.get(name);
  const a = db.tables.aarch64.byName.get(name);
  if (x === undefined && a === undefined) return undefined;
  const numbers: SyscallExplanation["numbers"] = {};
  if (x !== undefined) numbers.x86_64 = x.nr;
  if (a !== undefined) numbers.aarch64 = a.nr;
  const targets = [...db.surfaces.values()]
    .sort((p, q) => (p.name < q.name ? -1 : 1))
    .map((s) => {
      const row = s.rows.get(name);
      if (row === undefined) return { target: s.name, status: "absent" as Status, note: `not in ${s.name}'s ${s.arch} table`, evidence: "-" };
      const t: SyscallExplanation["targets"][number] = { target: s.name, status: row.status, evidence: rowEvidence(s, row) };
      if (row.modes !== undefined) t.modes = row.modes;
      if (row.note !== undefined) t.note = row.note;
      return t;
    });
  return { kind: "syscall", name, numbers, targets };
}

export function explainRule(db: Database, rule: Rule): RuleExplanation {
  const needs = rule.syscalls.map((r) => (r.mode !== undefined ? `${r.name}:${r.mode}` : r.name));
  const targets = [...db.surfaces.values()]
    .sort((p, q) => (p.name < q.name ? -1 : 1))
    .map((s) => {
      if (s.noPosix !== undefined) return { target: s.name, level: "blocker", because: s.noPosix };
      if (rule.syscalls.length === 0) return { target: s.name, level: rule.severity, because: "the pattern itself" };
      const parts = rule.syscalls.map((r) => {
        const row = s.rows.get(r.name);
        const st = row === undefined ? "absent" : ((r.mode !== undefined ? row.modes?.[r.mode] : undefined) ?? row.status);
        return { st, text: `${r.name}${r.mode !== undefined ? ` (${r.mode})` : ""}: ${st}` };
      });
      const worst = parts.some((p) => p.st === "enosys" || p.st === "absent")
        ? rule.severity
        : parts.some((p) => p.st === "partial" || p.st === "stub")
          ? "warning"
          : "ok";
      return { target: s.name, level: worst, because: parts.map((p) => p.text).join(", ") };
    });
  return { kind: "rule", id: rule.id, title: rule.title, category: rule.category, file: rule.file, hint: rule.hint, needs, targets };
}

export function formatExplanation(e: SyscallExplanation | RuleExplanation): string {
  const out: string[] = [];
  if (e.kind === "syscall") {
    const nums = Object.entries(e.numbers).map(([arch, nr]) => `${arch} ${nr}`).join(", ");
    out.push(`${e.name} (${nums})`, "");
    const w = Math.max(...e.targets.map((t) => t.target.length));
    for (const t of e.targets) {
      const modes = t.modes !== undefined ? ` [${Object.entries(t.modes).map(([m, s]) => `${m}: ${s}`).join(", ")}]` : "";
      out.push(`  ${t.target.padEnd(w)}  ${t.status}${modes}${t.note !== undefined ? `: ${t.note}` : ""}`);
      out.push(`  ${"".padEnd(w)}  evidence: ${t.evidence}`);
    }
  } else {
    out.push(`${e.id}: ${e.title} (${e.category}; ${e.file})`, `needs: ${e.needs.join(", ") || "nothing specific"}`, `hint: ${e.hint}`, "");
    const w = Math.max(...e.targets.map((t) => t.target.length));
    for (const t of e.targets) out.push(`  ${t.target.padEnd(w)}  ${t.level.padEnd(7)}  ${t.because}`);
  }
  return out.join("\n") + "\n";
}
