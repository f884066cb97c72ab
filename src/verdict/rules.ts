// @fileoverview Rates rule hits per target: the level of a pattern on a target is the worst status the target gives
// the syscalls the pattern needs, capped by the rule's own severity. Pure functions.

import { rowEvidence } from "../db/load.js";
import type { Surface } from "../db/types.js";
import type { Rule, RuleHit } from "../rules/types.js";
import type { Level, RuleFinding, RuleSite, RuleTargetLevel } from "../types.js";
import { LEVEL_OF_STATUS, LEVEL_RANK, capLevel, statusOf } from "./levels.js";


function rateRule(rule: Rule, hits: readonly RuleHit[], surfaces: readonly Surface[]): RuleFinding {
  const targets: RuleTargetLevel[] = surfaces.map((surface) => {
    if (surface.noPosix !== undefined) return { target: surface.name, level: "blocker", because: surface.noPosix, advice: surface.noPosix };
    if (rule.syscalls.length === 0) {
      return { target: surface.name, level: rule.severity, because: "the pattern itself (no single syscall decides it)" };
    }
    let worst: { level: Level; text: string; evidence?: string } = { level: "ok", text: "every syscall it needs is supported" };
    for (const ref of rule.syscalls) {
      const row = surface.rows.get(ref.name);
      const status = statusOf(row, ref.mode);
      const level = capLevel<Level>(LEVEL_OF_STATUS[status], rule.severity);
      if (LEVEL_RANK[level] > LEVEL_RANK[worst.level]) {
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
  const head = { ruleId: rule.id, title: rule.title, category: rule.category, hint: rule.hint };
  return rule.fix !== null ? { ...head, fix: rule.fix, targets, hits: hits.map(site) } : { ...head, targets, hits: hits.map(site) };
}

function site(hit: RuleHit): RuleSite {
  const s: RuleSite = { message: hit.message, confidence: hit.confidence };
  if (hit.location !== undefined) s.location = { line: hit.location.line, column: hit.location.column, endLine: hit.location.endLine, endColumn: hit.location.endColumn };
  if (hit.function !== undefined) s.function = hit.function;
  if (hit.address !== undefined) s.address = hit.address;
  if (hit.excerpt !== undefined) s.excerpt = hit.excerpt;
  if (hit.conditions !== undefined && hit.conditions.length > 0) s.conditions = hit.conditions;
  return s;
}

/** Hits grouped by rule, in the order each rule first matched, each rated once. */
export function rateRules(rules: ReadonlyMap<string, Rule>, hits: readonly RuleHit[], surfaces: readonly Surface[]): RuleFinding[] {
  const byRule = new Map<string, RuleHit[]>();
  for (const h of hits) {
    const l = byRule.get(h.ruleId);
    if (l === undefined) byRule.set(h.ruleId, [h]);
    else l.push(h);
  }
  return [...byRule].map(([id, list]) => rateRule(rules.get(id) as Rule, list, surfaces));
}
