// @fileoverview Rates rule hits per target: the level of a pattern on a target is the worst status the target gives
// the syscalls the pattern needs, capped by the rule's own severity. Pure functions.

import { rowEvidence } from "../db/load.js";
import type { Surface } from "../db/types.js";
import type { Rule, RuleHit } from "../rules/types.js";
import type { RuleFinding, RuleTargetLevel, Severity, Status } from "../types.js";

const LEVEL: Record<Status, Severity | "ok"> = { full: "ok", partial: "warning", stub: "warning", enosys: "blocker", absent: "blocker" };
const RANK: Record<Severity | "ok", number> = { ok: 0, info: 1, warning: 2, blocker: 3 };

function cap(level: Severity | "ok", max: Severity): Severity | "ok" {
  return RANK[level] > RANK[max] ? max : level;
}

export function rateRuleHit(rule: Rule, hit: RuleHit, surfaces: readonly Surface[]): RuleFinding {
  const targets: RuleTargetLevel[] = surfaces.map((surface) => {
    if (surface.noPosix !== undefined) return { target: surface.name, level: "blocker", because: surface.noPosix, advice: surface.noPosix };
    if (rule.syscalls.length === 0) {
      return { target: surface.name, level: rule.severity, because: "the pattern itself (no single syscall decides it)" };
    }
    let worst: { level: Severity | "ok"; text: string; evidence?: string } = { level: "ok", text: "every syscall it needs is supported" };
    for (const ref of rule.syscalls) {
      const row = surface.rows.get(ref.name);
      const status: Status = row === undefined ? "absent" : ((ref.mode !== undefined ? row.modes?.[ref.mode] : undefined) ?? row.status);
      const level = cap(LEVEL[status], rule.severity);
      if (RANK[level] > RANK[worst.level]) {
        const name = ref.mode !== undefined ? `${ref.name} (${ref.mode})` : ref.name;
        worst = { level, text: `${name}: ${status}${row?.note !== undefined ? ` (${row.note})` : ""}` };
        if (row !== undefined) worst.evidence = rowEvidence(surface, row);
      }
    }
    const t: RuleTargetLevel = { target: surface.name, level: worst.level, because: worst.text };
    if (worst.evidence !== undefined) t.evidence = worst.evidence;
    if (worst.level !== "ok") {
      const advice = rule.advice[surface.processModel] ?? rule.hint;
      t.advice = advice.replaceAll("{{target}}", surface.title.split(" (")[0] ?? surface.title);
    }
    return t;
  });
  const f: RuleFinding = {
    ruleId: rule.id,
    title: rule.title,
    category: rule.category,
    message: hit.message,
    confidence: hit.confidence,
    hint: rule.hint,
    targets,
  };
  if (hit.location !== undefined) f.location = { line: hit.location.line, column: hit.location.column, endLine: hit.location.endLine, endColumn: hit.location.endColumn };
  if (hit.function !== undefined) f.function = hit.function;
  if (hit.address !== undefined) f.address = hit.address;
  if (hit.excerpt !== undefined) f.excerpt = hit.excerpt;
  if (hit.conditions !== undefined && hit.conditions.length > 0) f.conditions = hit.conditions;
  if (rule.fix !== null) f.fix = rule.fix;
  return f;
}
