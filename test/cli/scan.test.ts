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
    assert.ok(!r.stdout.includes("\x1b["), "no colour when NO_COLOR is set and stdout is not a terminal");
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
    assert.equal(report.schemaVersion, 3);
    // One entry per rule, rated once, with every place it matched.
    const ids = report.files[0].rules.map((r: { ruleId: string }) => r.ruleId);
    assert.ok(ids.length > 0);
    assert.deepEqual(ids, [...new Set(ids)]);
    for (const r of report.files[0].rules) assert.ok(r.hits.length > 0 && r.hits.every((h: { message: string }) => h.message !== ""));
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

  it("gives the same bytes with one worker thread or several", () => {
    const args = ["scan", fixture("sample"), fixture("rules", "process-model"), "--format", "json", "--target", "nanos,gvisor"];
    assert.equal(runCli([...args, "-j", "1"]).stdout, runCli([...args, "-j", "3"]).stdout);
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
    assert.match(table, /^target +kind +runs +upstream +commit +date +full +partial +stub +enosys +absent$/m);
  });
});

describe("custom targets", () => {
  it("--target-file adds an in-house target in the same format, validated the same way", async () => {
    const { mkdtempSync, readFileSync: read, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "unifit-target-"));
    const nanos = read(join(ROOT, "syscall-db", "targets", "nanos.yaml"), "utf8");
    const good = join(dir, "acme.yaml");
    writeFileSync(good, nanos.replace(/^target: nanos$/m, "target: acme-os").replace(/^title: .*$/m, "title: ACME OS (in-house)"));
    const r = runCli(["scan", sample, "--target-file", good, "--target", "acme-os", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).targets.map((t: { name: string }) => t.name), ["acme-os"]);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, nanos.replace(/^target: nanos$/m, "target: acme-os").replace(/^( {2}read: \{ status: full), at: "[^"]*"/m, "$1"));
    const b = runCli(["scan", sample, "--target-file", bad]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /bad\.yaml: read: missing or empty "at"/);
    const clash = runCli(["scan", sample, "--target-file", join(ROOT, "syscall-db", "targets", "nanos.yaml")]);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /already exists/);
  });
});

describe("unifit explain and compare", () => {
  it("explain names every target's status for a syscall, and a rule's level per target", () => {
    const r = runCli(["explain", "execve", "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout);
    assert.equal(e.numbers.x86_64, 59);
    const nanos = e.targets.find((t: { target: string }) => t.target === "nanos");
    assert.equal(nanos.status, "absent");
    assert.match(nanos.evidence, /^nanovms\/nanos@[0-9a-f]{12}:/);
    const rule = runCli(["explain", "fork-then-exec"]);
    assert.match(rule.stdout, /^ {2}nanos +blocker +clone \(process\): enosys, execve: absent$/m);
    assert.equal(runCli(["explain", "no-such-thing"]).code, 2);
  });

  it("compare prints one row per finding and one column per target", () => {
    const r = runCli(["compare", sample, "--target", "nanos,gvisor", "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.deepEqual(m.targets, ["gvisor", "nanos"]);
    const row = m.rows.find((x: { label: string }) => x.label === "syscall clone (process)");
    assert.deepEqual(row.cells, ["ok", "blocker"]);
    assert.ok(m.rows.some((x: { label: string }) => x.label === "pattern fork-then-exec"));
  });
});
