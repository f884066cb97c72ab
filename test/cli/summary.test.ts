// @fileoverview The summary of a multi-file scan: per target, files per verdict and the syscalls that block the most
// files, in the JSON report (schema-valid, the same bytes streamed with one worker or several) and at the end of the
// text report, checked against the per-file verdicts of the same scan. Programs compiled here; one object file
// (an error) and one file cut before its section headers (unknown) in the mix.

import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { compile } from "../helpers/compile.js";
import { ROOT } from "../helpers/paths.js";
import { PORTABLE_PROGRAMS } from "../helpers/programs.js";
import { runCli } from "../helpers/run-cli.js";

interface Totals {
  target: string;
  verdict: string;
  files: Record<string, number>;
  topBlockers: { syscall: string; mode?: string; files: number }[];
}
interface Report {
  files: { path: string; targets: { target: string; verdict: string; findings: { syscall: string; mode?: string; severity: string }[] }[] }[];
  errors: { path: string }[];
  summary: { files: number; errors: number; verdicts: Totals[] };
}

const program = (name: string): string => join(ROOT, "test", "oracle", "programs", `${name}.c`);
const TARGETS = "nanos,linux,osv";

describe("summary of a multi-file scan", () => {
  let dir = "";
  let report: Report;
  let json = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "unifit-summary-"));
    for (const name of PORTABLE_PROGRAMS) copyFileSync(compile(program(name), name === "pthreads" || name === "prefork" ? ["-pthread"] : []), join(dir, name));
    copyFileSync(compile(program("file-io")), join(dir, "file-io"));
    copyFileSync(compile(program("fork-exec"), ["-c"]), join(dir, "fork-exec.o"));
    const whole = readFileSync(compile(program("file-io")));
    writeFileSync(join(dir, "file-io-cut"), whole.subarray(0, whole.length - 100)); // cut inside the section headers
    const r = runCli(["scan", dir, "--target", TARGETS, "--format", "json", "-j", "1"]);
    assert.equal(r.code, 2, r.stderr); // the object file
    json = r.stdout;
    report = JSON.parse(json);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("counts files per verdict per target, and the errors, as the files' own verdicts say", () => {
    assert.equal(report.summary.files, PORTABLE_PROGRAMS.length + 2);
    assert.equal(report.summary.errors, 1);
    assert.deepEqual(report.errors.map((e) => e.path), [join(dir, "fork-exec.o")]);
    assert.deepEqual(report.summary.verdicts.map((v) => v.target), ["linux", "nanos", "osv"]);
    for (const v of report.summary.verdicts) {
      const expected = { compatible: 0, warnings: 0, blocked: 0, unknown: 0 } as Record<string, number>;
      for (const f of report.files) {
        const t = f.targets.find((x) => x.target === v.target);
        assert.ok(t !== undefined);
        expected[t.verdict] = (expected[t.verdict] ?? 0) + 1;
      }
      assert.deepEqual(v.files, expected, v.target);
    }
    const nanos = report.summary.verdicts.find((v) => v.target === "nanos");
    assert.ok((nanos?.files.blocked ?? 0) >= 5, JSON.stringify(nanos));
    assert.equal(report.summary.verdicts.find((v) => v.target === "linux")?.files.unknown, 1, "the cut file is unknown, not compatible");
  });

  it("names the top blocking syscalls by files blocked, ties by name, at most 10", () => {
    for (const v of report.summary.verdicts) {
      const count = new Map<string, number>();
      for (const f of report.files) {
        const keys = new Set(f.targets.find((t) => t.target === v.target)?.findings.filter((x) => x.severity === "blocker").map((x) => (x.mode !== undefined ? `${x.syscall} (${x.mode})` : x.syscall)));
        for (const k of keys) count.set(k, (count.get(k) ?? 0) + 1);
      }
      const expected = [...count].sort(([a, n], [b, m]) => m - n || (a < b ? -1 : a > b ? 1 : 0)).slice(0, 10);
      const got = v.topBlockers.map((b) => [b.mode !== undefined ? `${b.syscall} (${b.mode})` : b.syscall, b.files]);
      assert.deepEqual(got, expected, v.target);
    }
    const nanos = report.summary.verdicts.find((v) => v.target === "nanos");
    const clone = nanos?.topBlockers.find((b) => b.syscall === "clone" && b.mode === "process");
    // fork-exec, posix-spawn, system, popen, daemon and prefork each make a new process.
    assert.ok((clone?.files ?? 0) >= 5, JSON.stringify(nanos?.topBlockers));
    assert.deepEqual(report.summary.verdicts.find((v) => v.target === "linux")?.topBlockers, []);
  });

  it("is valid against the schema, and the same bytes with several workers", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, "docs", "report.schema.json"), "utf8"));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(report), JSON.stringify(validate.errors, null, 2));
    assert.equal(runCli(["scan", dir, "--target", TARGETS, "--format", "json", "-j", "3"]).stdout, json);
  });

  it("ends the text report with the same figures", () => {
    const r = runCli(["scan", dir, "--target", TARGETS]);
    assert.equal(r.code, 2);
    const at = r.stdout.lastIndexOf("Summary: ");
    assert.ok(at >= 0, r.stdout.slice(-2000));
    const tail = r.stdout.slice(at).split("\n");
    assert.equal(tail[0], `Summary: ${report.summary.files} files scanned, 1 error`);
    assert.match(tail[1] ?? "", /^ {2}target +compatible +warnings +blocked +unknown$/);
    for (const v of report.summary.verdicts) {
      const row = tail.find((l) => l.startsWith(`  ${v.target} `) && /\d$/.test(l));
      assert.equal(row?.trim().split(/\s+/).slice(1).join(" "), [v.files.compatible, v.files.warnings, v.files.blocked, v.files.unknown].join(" "), v.target);
    }
    assert.ok(tail.includes("Top blocking syscalls (files blocked by each):"));
    const nanos = report.summary.verdicts.find((v) => v.target === "nanos");
    const line = tail.find((l) => l.startsWith("  nanos ") && l.includes(","));
    assert.equal(line?.replace(/^ {2}nanos +/, ""), nanos?.topBlockers.map((b) => `${b.syscall}${b.mode !== undefined ? ` (${b.mode})` : ""} ${b.files}`).join(", "));
    assert.match(r.stdout, /\n\d+ files scanned, 1 error: linux unknown, nanos blocked, osv blocked\n$/);
  });

  it("a single file gets no summary block", () => {
    const r = runCli(["scan", join(dir, "fork-exec"), "--target", "nanos"]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, /^Summary: /m);
    assert.match(r.stdout, /\n1 file scanned: nanos blocked\n$/);
  });
});
