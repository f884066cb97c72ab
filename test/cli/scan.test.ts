// @fileoverview `unifit scan` and `unifit targets` end to end on the bundled sample: text and JSON reports,
// --fail-on exit codes, byte-identical output across runs.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { ROOT, fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const sample = fixture("sample", "prefork-server");

describe("unifit scan", () => {
  it("prints one verdict line per target with blockers, their notes, the imports behind them and a hint", () => {
    const r = runCli(["scan", sample, "--target", "nanos,linux"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^ {2}linux +compatible +score 100/m);
    assert.match(r.stdout, /^ {2}nanos +blocked +score +\d+ +\d+ blockers?/m);
    assert.match(r.stdout, /✖ blocker {2}clone \(process\) {2}\w+: .+/);
    assert.match(r.stdout, /from .*fork@GLIBC_2\.2\.5/);
    assert.match(r.stdout, /✖ blocker {2}execve/);
    assert.match(r.stdout, /hint: Nanos runs one process/);
    assert.doesNotMatch(r.stdout, /\x1b\[/, "no colour when NO_COLOR is set and stdout is not a terminal");
  });

  it("--fail-on sets the exit code; linux alone is compatible", () => {
    assert.equal(runCli(["scan", sample, "--target", "nanos", "--fail-on", "none"]).code, 0);
    assert.equal(runCli(["scan", sample, "--target", "linux"]).code, 0);
    assert.equal(runCli(["scan", sample, "--target", "linux", "--fail-on", "warning"]).code, 0);
  });

  it("--format json: versioned, with the target-independent inventory next to the findings", () => {
    const r = runCli(["scan", sample, "--target", "all", "--format", "json"]);
    const report = JSON.parse(r.stdout);
    const schema = JSON.parse(readFileSync(join(ROOT, "docs", "report.schema.json"), "utf8"));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    const valid: boolean = validate(report);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    assert.equal(report.schemaVersion, 2);
    assert.equal(report.files.length, 1);
    const f = report.files[0];
    assert.equal(f.binary.linkage, "dynamic");
    assert.equal(f.binary.libc, "glibc");
    const clone = f.syscalls.find((s: { name: string }) => s.name === "clone");
    assert.equal(clone.nr, 56);
    assert.ok(clone.modes.includes("process"));
    assert.ok(clone.via.some((v: { function?: string; version?: string }) => v.function === "fork" && v.version === "GLIBC_2.2.5"));
    const names = report.targets.map((t: { name: string }) => t.name);
    assert.deepEqual(names, [...names].sort());
    for (const t of f.targets) assert.ok(t.score >= 0 && t.score <= 100);
  });

  it("is deterministic: the same inputs give the same bytes", () => {
    const a = runCli(["scan", sample, fixture("sample"), "--format", "json"]);
    const b = runCli(["scan", fixture("sample"), sample, "--format", "json"]);
    assert.equal(a.stdout, b.stdout);
    assert.equal(runCli(["scan", sample]).stdout, runCli(["scan", sample]).stdout);
  });

  it("--help names the commands and options", () => {
    const r = runCli(["scan", "--help"]);
    assert.equal(r.code, 0);
    for (const opt of ["--target", "--format", "--fail-on", "--output"]) assert.ok(r.stdout.includes(opt), opt);
  });
});

describe("unifit targets", () => {
  it("lists every target with its upstream pin and counts per status", () => {
    const r = runCli(["targets", "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout);
    const names = rows.map((t: { name: string }) => t.name);
    for (const t of ["firecracker", "gvisor", "linux", "mirageos", "nanos", "osv", "unikraft"]) assert.ok(names.includes(t), t);
    for (const t of rows) {
      assert.ok(t.upstream.commit !== undefined || t.upstream.version !== undefined, t.name);
      if (t.name !== "linux" && t.name !== "firecracker") assert.match(t.upstream.commit, /^[0-9a-f]{40}$/, t.name);
      const total = Object.values(t.counts as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.equal(total, 362, t.name);
    }
    const table = runCli(["targets"]).stdout;
    assert.match(table, /^target +kind +upstream +commit +date +full +partial +stub +enosys +absent$/m);
  });
});
