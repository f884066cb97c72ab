// @fileoverview What a rule's `match` means (docs/rules.md): every key must hold, in source and in binaries.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadDatabase } from "../../src/index.js";
import { scanFile, selectTargets } from "../../src/scan/scan.js";
import type { Rule } from "../../src/index.js";
import { evaluateSource } from "../../src/rules/evaluate.js";
import { parseSource } from "../../src/source/index.js";
import { compile } from "../helpers/compile.js";
import { runCli } from "../helpers/run-cli.js";
import { loadOne } from "./one-rule.js";

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

const load = (match: object, fields: object = {}): Rule[] => loadOne(db, tmp, match, fields);

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
