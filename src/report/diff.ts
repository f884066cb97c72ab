// @fileoverview `unifit diff old.json new.json`: what changed between two JSON reports: new, fixed and changed
// findings (matched by fingerprint, see issues.ts), and the verdicts that changed per file and target.

import type { Report, Verdict } from "../types.js";
import { reportIssues } from "./issues.js";
import type { Issue } from "./issues.js";

export interface ReportDiff {
  added: Issue[];
  fixed: Issue[];
  /** Same finding, other level or other targets. */
  changed: { before: Issue; after: Issue }[];
  verdicts: { path: string; target: string; before: Verdict | "absent"; after: Verdict | "absent" }[];
}

const targetsText = (i: Issue): string => i.targets.map((t) => `${t.target}:${t.level}`).join(",");

export function diffReports(before: Report, after: Report): ReportDiff {
  const a = new Map(reportIssues(before).map((i) => [i.fingerprint, i]));
  const b = reportIssues(after);
  const bKeys = new Set(b.map((i) => i.fingerprint));
  const added = b.filter((i) => !a.has(i.fingerprint));
  const fixed = [...a.values()].filter((i) => !bKeys.has(i.fingerprint));
  const changed: ReportDiff["changed"] = [];
  for (const i of b) {
    const was = a.get(i.fingerprint);
    if (was !== undefined && (was.level !== i.level || targetsText(was) !== targetsText(i))) changed.push({ before: was, after: i });
  }
  const verdict = (r: Report): Map<string, Verdict> => new Map(r.files.flatMap((f) => f.targets.map((t) => [`${f.path}\u0000${t.target}`, t.verdict] as const)));
  const va = verdict(before);
  const vb = verdict(after);
  const keys = [...new Set([...va.keys(), ...vb.keys()])].sort();
  const verdicts: ReportDiff["verdicts"] = [];
  for (const k of keys) {
    const x = va.get(k) ?? "absent";
    const y = vb.get(k) ?? "absent";
    if (x === y) continue;
    const [path = "", target = ""] = k.split("\u0000");
    verdicts.push({ path, target, before: x, after: y });
  }
  return { added, fixed, changed, verdicts };
}

export function formatReportDiff(d: ReportDiff): string {
  const where = (i: Issue): string => `${i.path}${i.location !== undefined ? `:${i.location.line}` : ""}`;
  const out = [`${d.added.length} new, ${d.fixed.length} fixed, ${d.changed.length} changed findings; ${d.verdicts.length} verdicts changed`];
  if (d.verdicts.length > 0) out.push("Verdicts:", ...d.verdicts.map((v) => `  ${v.path}  ${v.target}: ${v.before} -> ${v.after}`));
  if (d.added.length > 0) out.push("New:", ...d.added.map((i) => `  + ${i.level.padEnd(7)}  ${i.name}  ${where(i)}  (${targetsText(i)})`));
  if (d.fixed.length > 0) out.push("Fixed:", ...d.fixed.map((i) => `  - ${i.level.padEnd(7)}  ${i.name}  ${where(i)}  (${targetsText(i)})`));
  if (d.changed.length > 0) out.push("Changed:", ...d.changed.map((c) => `  ~ ${c.after.name}  ${where(c.after)}  ${targetsText(c.before)} -> ${targetsText(c.after)}`));
  return out.join("\n") + "\n";
}
