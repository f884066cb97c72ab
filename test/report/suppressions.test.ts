// @fileoverview Suppressions and the config file end to end: `// unifit-ignore` in a C source (with and without a
// reason), config-level ignores and rule settings on a gcc build, --config and flags over it, `unifit init`, and
// a config that does not validate. Suppressed findings leave the verdicts and are listed in JSON (schema-valid)
// and SARIF.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { CLI, ROOT } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const SOURCE = `#include <sys/shm.h>
#include <unistd.h>

int main(void) {
  // unifit-ignore sysv-shm: the segment is only made by the test harness build
  int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  // unifit-ignore fork-then-exec
  if (fork() == 0) execl("/bin/true", "true", (char *)0);
  return id;
}
`;

const reportSchema = JSON.parse(readFileSync(join(ROOT, "docs", "report.schema.json"), "utf8"));
const validateReport = new Ajv2020({ allErrors: true, strict: false }).compile(reportSchema);

describe("suppressions and config", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-suppress-"));
  const src = join(dir, "server.c");
  const bin = join(dir, "server");
  writeFileSync(src, SOURCE);
  execFileSync("gcc", ["-O1", "-o", bin, src], { stdio: ["ignore", "ignore", "inherit"] });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("an inline ignore with a reason takes the pattern (and the syscalls it stands for) out; one without a reason is reported and not applied", () => {
    const r = runCli(["scan", src, "-t", "nanos", "--no-config", "-f", "json"]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    const valid: boolean = validateReport(report);
    assert.ok(valid, JSON.stringify(validateReport.errors, null, 2));
    const f = report.files[0];
    assert.deepEqual(f.suppressions, [{ kind: "rule", name: "sysv-shm", level: "blocker", reason: "the segment is only made by the test harness build", by: "inline", line: 5 }]);
    assert.deepEqual(f.rules.map((x: { ruleId: string }) => x.ruleId), ["fork-then-exec"]);
    const names = f.targets[0].findings.map((x: { syscall: string }) => x.syscall);
    assert.ok(names.includes("execve"), names.join(" "));
    // The pattern is gone with everything it stood for; the shmget call itself is still a finding at its own line
    // (every call site is), reached through the call, not through the pattern.
    const shmget = f.syscalls.find((x: { name: string }) => x.name === "shmget");
    assert.ok(shmget === undefined || shmget.via.every((v: { source: string }) => v.source !== "rule:sysv-shm"), JSON.stringify(shmget?.via));
    assert.match(f.source.warnings.join("\n"), /line 7: unifit-ignore fork-then-exec has no reason/);
    const text = runCli(["scan", src, "-t", "nanos", "--no-config"]);
    assert.match(text.stdout, /^1 finding suppressed with a reason/m);
  });

  it("SARIF lists the suppressed finding with its justification", () => {
    const log = JSON.parse(runCli(["scan", src, "-t", "nanos", "--no-config", "-f", "sarif"]).stdout);
    const s = log.runs[0].results.filter((r: { suppressions?: unknown }) => r.suppressions !== undefined);
    assert.equal(s.length, 1);
    assert.equal(s[0].ruleId, "rule/sysv-shm");
    assert.deepEqual(s[0].suppressions, [{ kind: "inSource", justification: "the segment is only made by the test harness build" }]);
    assert.equal(log.runs[0].tool.driver.rules[s[0].ruleIndex].id, "rule/sysv-shm");
  });

  it("config ignores (per syscall, target and path) and rule settings change the verdicts of a binary; flags override the config", () => {
    const config = join(dir, "unifit.config.json");
    writeFileSync(
      config,
      JSON.stringify({
        targets: ["nanos"],
        rules: { "fork-then-exec": "off" },
        ignore: [
          { syscall: "clone:process", targets: ["nanos"], path: "**/server", reason: "the image runs the worker as a thread" },
          { syscall: "execve", reason: "the helper is not in the image" },
          { rule: "sysv-shm", reason: "the harness only" },
        ],
      }),
    );
    const before = JSON.parse(runCli(["scan", bin, "--no-libraries", "-t", "nanos", "--no-config", "-f", "json", "--fail-on", "none"]).stdout);
    assert.equal(before.files[0].targets[0].verdict, "blocked");
    const r = runCli(["scan", bin, "--no-libraries", "--config", config, "-f", "json"]);
    const report = JSON.parse(r.stdout);
    const valid: boolean = validateReport(report);
    assert.ok(valid, JSON.stringify(validateReport.errors, null, 2));
    assert.deepEqual(report.targets.map((t: { name: string }) => t.name), ["nanos"]);
    const f = report.files[0];
    const sup = f.suppressions.map((s: { kind: string; name: string; target?: string; by: string }) => `${s.kind} ${s.name} ${s.target ?? "*"} ${s.by}`);
    assert.ok(sup.includes("syscall clone (process) nanos config"), sup.join("\n"));
    assert.ok(sup.includes("syscall execve nanos config"), sup.join("\n"));
    assert.ok(!f.rules.some((x: { ruleId: string }) => x.ruleId === "fork-then-exec"), "rule turned off");
    const left = f.targets[0].findings.filter((x: { severity: string }) => x.severity === "blocker").map((x: { syscall: string }) => x.syscall);
    assert.ok(!left.includes("clone") && !left.includes("execve"), left.join(" "));
    assert.equal(f.targets[0].counts.blockers, left.length);
    // --target on the command line wins over the config's targets.
    const flagged = JSON.parse(runCli(["scan", bin, "--no-libraries", "--config", config, "-t", "osv", "-f", "json", "--fail-on", "none"]).stdout);
    assert.deepEqual(flagged.targets.map((t: { name: string }) => t.name), ["osv"]);
  });

  it("an ignore for one path does not reach an identical file under another path, with -j 1 and -j 2", () => {
    const twin = join(dir, "server-copy");
    copyFileSync(bin, twin);
    const config = join(dir, "one-path.json");
    writeFileSync(config, JSON.stringify({ ignore: [{ syscall: "clone", path: "**/server", reason: "this build runs workers as threads" }] }));
    for (const j of ["1", "2"]) {
      const report = JSON.parse(runCli(["scan", bin, twin, "--no-libraries", "-t", "nanos", "--config", config, "-j", j, "-f", "json", "--fail-on", "none"]).stdout);
      const got = report.files.map((f: { path: string; suppressions?: unknown[] }) => `${f.path.slice(dir.length + 1)} ${f.suppressions?.length ?? 0}`);
      assert.deepEqual(got, ["server 1", "server-copy 0"], `-j ${j}`);
    }
  });

  it("unifit init writes a commented starter that loads; a second init and a bad config are one error line, exit 2", () => {
    const cwd = mkdtempSync(join(dir, "init-"));
    const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    const init = run(["init"]);
    assert.equal(init.status, 0, init.stderr);
    const starter = readFileSync(join(cwd, "unifit.config.yaml"), "utf8");
    assert.match(starter, /^# unifit settings/);
    assert.match(starter, /^failOn: blocker$/m);
    // The starter is found from the working directory and applies (its failOn is the default's).
    const scan = run(["scan", bin, "--no-libraries", "-t", "linux"]);
    assert.equal(scan.status, 0, scan.stderr);
    const again = run(["init"]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /unifit\.config\.yaml exists already/);
    writeFileSync(join(cwd, "unifit.config.yaml"), "targets: nanos\n");
    const bad = run(["scan", bin, "--no-libraries"]);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr.trim().split("\n").length, 1);
    assert.match(bad.stderr, /^unifit: .*unifit\.config\.yaml: \/targets must be array/);
  });
});
