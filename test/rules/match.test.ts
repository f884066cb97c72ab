// @fileoverview What a rule's `match` means (docs/rules.md): every key must hold, in source and in binaries, and
// the loader refuses, naming the file and the key, a rule that cannot mean anything.

import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadDatabase, scanFile, selectTargets } from "../../src/index.js";
import type { Rule } from "../../src/index.js";
import { DbError } from "../../src/db/errors.js";
import { evaluateSource } from "../../src/rules/evaluate.js";
import { defaultRulesDir, loadRules } from "../../src/rules/load.js";
import { parseSource } from "../../src/source/index.js";
import { compile } from "../helpers/compile.js";
import { runCli } from "../helpers/run-cli.js";

const db = loadDatabase();
const nanos = selectTargets(db, ["nanos"]);
const tmp = mkdtempSync(join(tmpdir(), "unifit-match-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A C program whose main() makes the given calls, in this order. */
function program(name: string, calls: readonly string[]): string {
  const path = join(tmp, `${name}.c`);
  const body = calls.map((c) => `  ${c};`).join("\n");
  writeFileSync(path, `#include <stdio.h>\n#include <unistd.h>\n#include <sys/syscall.h>\nint main(void) {\n${body}\n  return 0;\n}\n`);
  return path;
}

const FORK = "if (fork() == 0) return 1";
const EXEC = 'execl("/bin/true", "true", (char *)0)';
const SETSID = "setsid()";

let dirs = 0;
/** Loads one rule written as JSON (which YAML reads) into a rules directory of its own, with the real schema. */
function load(match: object, fields: object = {}): Rule[] {
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

const sourceHits = (rules: readonly Rule[], path: string): number[] => evaluateSource(rules, parseSource(path)).map((h) => h.location?.line ?? 0);
const binaryHit = (rules: readonly Rule[], path: string): boolean => {
  const r = scanFile(compile(path, ["-w"]), db, nanos, { rules });
  assert.ok(!("code" in r));
  return r.rules.some((x) => x.ruleId === "test-rule");
};

describe("rule match keys", () => {
  it("a rule with two match keys (daemonize-by-hand: calls + also-calls) requires both, on the CLI, in source and binaries", () => {
    const only = { fork: program("fork-only", [FORK]), setsid: program("setsid-only", [SETSID]), both: program("fork-setsid", [FORK, SETSID]) };
    const inputs = Object.values(only).flatMap((p) => [p, compile(p, ["-w"])]);
    const r = runCli(["scan", ...inputs, "--target", "nanos", "--no-cache", "--format", "json", "--fail-on", "none"]);
    assert.equal(r.code, 0, r.stderr);
    const reported = new Map<string, boolean>();
    for (const line of r.stdout.split("\n").filter((l) => l.startsWith('{"path"'))) {
      const f = JSON.parse(line.replace(/,$/, "")) as { path: string; rules: { ruleId: string }[] };
      reported.set(f.path, f.rules.some((x) => x.ruleId === "daemonize-by-hand"));
    }
    assert.equal(reported.size, 6, r.stdout.slice(0, 500));
    for (const [name, path] of Object.entries(only)) {
      const want = name === "both";
      assert.equal(reported.get(path), want, `source ${name}`);
      assert.equal(reported.get(compile(path, ["-w"])), want, `binary ${name}`);
    }
  });

  it("then-calls and also-calls both hold on binaries (then-calls no longer wins)", () => {
    const rules = load({ calls: ["fork"], "then-calls": ["execl"], "also-calls": ["setsid"] });
    const forkExec = program("fork-exec", [FORK, EXEC]);
    const all = program("fork-exec-setsid", [FORK, EXEC, SETSID]);
    const noExec = program("fork-setsid-2", [SETSID, FORK]);
    assert.deepEqual(sourceHits(rules, forkExec), []);
    assert.deepEqual(sourceHits(rules, noExec), []);
    assert.deepEqual(sourceHits(rules, all), [5]);
    assert.equal(binaryHit(rules, forkExec), false);
    assert.equal(binaryHit(rules, noExec), false);
    assert.equal(binaryHit(rules, all), true);
  });

  it("keys beyond calls hold in the whole input: calls + string, calls + syscalls", () => {
    const withString = load({ calls: ["fork"], string: "^/proc/" }, { "applies-to": ["c"] });
    assert.deepEqual(sourceHits(withString, program("fork-no-proc", [FORK, 'puts("/tmp/x")'])), []);
    assert.deepEqual(sourceHits(withString, program("fork-proc", [FORK, 'puts("/proc/self/status")'])), [5]);
    assert.deepEqual(sourceHits(withString, program("proc-only", ['puts("/proc/self/status")'])), []);
    const withSyscall = load({ calls: ["fork"], syscalls: ["gettid"] });
    assert.deepEqual(sourceHits(withSyscall, program("fork-no-gettid", [FORK, "syscall(SYS_getpid)"])), []);
    assert.deepEqual(sourceHits(withSyscall, program("fork-gettid", [FORK, "syscall(SYS_gettid)"])), [5]);
  });
});

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
