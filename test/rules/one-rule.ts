// @fileoverview One rule, written at test time into a rules directory of its own (with the real schema) and loaded
// as the CLI loads rules: for tests of what a rule's keys mean and of what the loader refuses.

import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Database, Rule } from "../../src/index.js";
import { defaultRulesDir, loadRules } from "../../src/rules/load.js";

let dirs = 0;
/** Loads rule `test-rule` (category process-model) with `match` and `fields` over a complete rule, under `tmp`. */
export function loadOne(db: Database, tmp: string, match: object, fields: object = {}): Rule[] {
  const dir = join(tmp, `rules-${dirs++}`);
  mkdirSync(join(dir, "process-model"), { recursive: true });
  copyFileSync(join(defaultRulesDir(), "schema.json"), join(dir, "schema.json"));
  const doc = {
    id: "test-rule",
    title: "A rule under test",
    category: "process-model",
    "applies-to": ["c", "elf"],
    match,
    syscalls: [],
    messages: { default: "{{callee}} in {{function}}" },
    severity: "blocker",
    confidence: "high",
    hint: "None.",
    fix: null,
    references: [],
    status: "stable",
    ...fields,
  };
  writeFileSync(join(dir, "process-model", "test-rule.yaml"), JSON.stringify(doc, null, 2));
  return loadRules(db, dir);
}

