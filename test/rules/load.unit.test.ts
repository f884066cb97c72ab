// @fileoverview The rule loader refuses, naming the file and the key, a rule that cannot mean anything, and loads
// every shipped rule.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DbError } from "../../src/db/errors.js";
import { loadDatabase } from "../../src/index.js";
import { defaultRulesDir, loadRules } from "../../src/rules/load.js";
import { loadOne } from "./one-rule.js";

const db = loadDatabase();
const tmp = mkdtempSync(join(tmpdir(), "unifit-rule-load-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const load = (match: object, fields: object = {}) => loadOne(db, tmp, match, fields);

describe("the rule loader refuses a rule that cannot mean anything", () => {
  const refused: [string, object, object, RegExp][] = [
    ["a key that needs calls", { "then-calls": ["execl"], syscalls: ["fork"] }, {}, /\/match must have property calls when property then-calls is present/],
    ["string alone on binaries", { string: "^/proc/" }, { messages: { default: "{{function}}" } }, /match\.string: applies-to has elf, where string cannot be checked/],
    ["imports alone in source", { imports: ["fork"] }, {}, /match\.imports: applies-to has c, where imports cannot be checked/],
    ["arg on binaries without elf-without-arg", { calls: ["kill"], arg: { index: 0, matches: "0" } }, {}, /match\.arg: cannot be checked on binaries; set elf-without-arg/],
    ["elf-without-arg with no arg", { calls: ["kill"] }, { "elf-without-arg": true }, /elf-without-arg: true means nothing without match\.arg/],
    ["an unknown fixer", { calls: ["daemon"] }, { fix: "shell-mkdir" }, /fix: no fixer named "shell-mkdir" in src\/rules\/fixers\.ts \(there are: daemon-foreground, shell-builtin\)/],
    ["a fixer on a binary-only rule", { calls: ["daemon"] }, { fix: "daemon-foreground", "applies-to": ["elf"] }, /fix: "daemon-foreground" rewrites source/],
    ["an unknown placeholder", { calls: ["fork"] }, { messages: { default: "{{calee}} forks" } }, /messages\.default: unknown placeholder \{\{calee\}\}/],
    ["a placeholder no key fills", { calls: ["fork"] }, { messages: { default: "{{callee}} then {{then}}" } }, /messages\.default: \{\{then\}\} needs one of match\.then-calls, match\.also-calls, match\.child-calls/],
  ];
  for (const [what, match, fields, error] of refused) {
    it(what, () => {
      assert.throws(
        () => load(match, fields),
        (e: unknown) => e instanceof DbError && /process-model\/test-rule\.yaml: /.test(e.message) && error.test(e.message),
      );
    });
  }

  it("loads the shipped rules", () => {
    const rules = loadRules(db);
    assert.equal(rules.length, readFileSync(join(defaultRulesDir(), "README.md"), "utf8").split("\n").filter((l) => l.startsWith("| [")).length);
  });
});
