// @fileoverview The checks of one rule test case (docs/rules.md, "Test cases"), shared by the data-driven runner
// (rule-cases.test.ts) and by the test that proves the runner fails when a case is wrong (case-check.test.ts).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { scanFile } from "../../src/scan/scan.js";
import type { Database, Rule, Surface } from "../../src/index.js";
import { evaluateSource } from "../../src/rules/evaluate.js";
import { parseSource } from "../../src/source/index.js";
import { compile } from "../helpers/compile.js";

/** Lines a marker comment points at: the line after each `// <marker>: <id>` (a comma-separated id list allowed). */
export function marked(text: string, marker: string, id: string): number[] {
  const out: number[] = [];
  const re = new RegExp(`//\\s*${marker}:\\s*([\\w,\\s-]+)`);
  text.split("\n").forEach((line, i) => {
    const m = re.exec(line);
    if (m !== null && (m[1] ?? "").split(/[,\s]+/).includes(id)) out.push(i + 2);
  });
  return out;
}

/** `unifit-test: source-only` in the case's header comment: a near miss only source can tell apart. */
export function isSourceOnly(text: string): boolean {
  const header = /^\s*\/\*[\s\S]*?\*\//.exec(text)?.[0] ?? "";
  return /\bunifit-test:\s*source-only\b/.test(header);
}

/** Where a check reports known gaps (a test's `t.diagnostic`). */
export type Note = (message: string) => void;

/**
 * Source: the reported lines are exactly the `ruleid:` lines, and no `ok:` line is reported. `todoruleid:` lines
 * (wanted, not found yet) and `todook:` lines (found, not wanted) are known gaps: noted, never failures.
 */
export function checkSourceCase(rule: Rule, path: string, note: Note): void {
  const text = readFileSync(path, "utf8");
  const reported = [...new Set(evaluateSource([rule], parseSource(path)).map((h) => h.location?.line ?? 0))].sort((a, b) => a - b);
  const expected = marked(text, "ruleid", rule.id);
  const ok = marked(text, "ok", rule.id);
  const todo = marked(text, "todoruleid", rule.id);
  const todoOk = marked(text, "todook", rule.id);
  for (const line of todo) if (!reported.includes(line)) note(`known gap: line ${line} not reported (todoruleid)`);
  for (const line of todoOk) note(reported.includes(line) ? `known gap: line ${line} reported (todook)` : `line ${line} is marked todook but no longer reported: make it ok:`);
  const gaps = new Set([...todo, ...todoOk]);
  assert.deepEqual(reported.filter((l) => !gaps.has(l) || expected.includes(l)), expected, `${basename(path)}: reported lines vs // ruleid: lines`);
  for (const line of ok) assert.ok(!reported.includes(line), `${basename(path)}: ${rule.id} reported on an ok line ${line}`);
}

/**
 * Binary: the case compiled with gcc and scanned. An invalid case must yield the rule. A valid case must not,
 * unless it says why: `unifit-test: source-only` (then it must, or the marker is stale) or a `todook:` line.
 */
export function checkBinaryCase(rule: Rule, path: string, db: Database, targets: readonly Surface[], note: Note): void {
  const text = readFileSync(path, "utf8");
  const r = scanFile(compile(path, ["-w"]), db, targets, { rules: [rule] });
  assert.ok(!("code" in r), `${basename(path)}: the binary could not be scanned`);
  const found = r.rules.some((x) => x.ruleId === rule.id);
  const name = basename(path);
  if (name.startsWith("invalid-")) {
    assert.ok(found, `${name}: the binary scan does not report ${rule.id}`);
  } else if (isSourceOnly(text)) {
    assert.ok(found, `${name}: marked unifit-test: source-only, but the binary scan does not report ${rule.id}: remove the marker`);
  } else if (found && marked(text, "todook", rule.id).length > 0) {
    note(`known gap: the binary scan reports ${rule.id} (todook)`);
  } else {
    assert.ok(!found, `${name}: the binary scan reports ${rule.id} on a valid case`);
  }
}
