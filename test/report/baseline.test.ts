// @fileoverview Baselines end to end: a program (its C source and its gcc build) is scanned and a baseline created;
// moving lines and rebuilding adds nothing new; a shmget call added makes the gate fail with only that finding
// listed; removed again, the gate passes and the finding is listed as fixed. Also `unifit diff` over the same
// states, and a bad baseline file as one error line.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "../helpers/run-cli.js";

const PLAIN = `#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid == 0) {
    puts("child");
    return 0;
  }
  waitpid(pid, NULL, 0);
  puts("parent");
  return 0;
}
`;

/** The same program with blank lines and a comment above main: every line moves. */
const MOVED = PLAIN.replace("int main(void) {", "/* moved */\n\n\n\nint main(void) {");

/** The same program with a SysV shared-memory segment. */
const SHM = MOVED.replace("#include <unistd.h>", "#include <unistd.h>\n#include <sys/shm.h>").replace(
  '  puts("parent");',
  '  int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);\n  printf("%d\\n", id);\n  puts("parent");',
);

describe("baselines", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-baseline-"));
  const src = join(dir, "app.c");
  const bin = join(dir, "app");
  /** Writes the source and builds it at the same paths, as a project's rebuild does. */
  const build = (text: string): void => {
    writeFileSync(src, text);
    execFileSync("gcc", ["-O1", "-o", bin, src], { stdio: ["ignore", "ignore", "inherit"] });
  };
  const scan = (baseline: string, ...more: string[]) => runCli(["scan", src, bin, "--no-libraries", "-t", "nanos,osv,gvisor", "--baseline", baseline, ...more]);
  const create = (file: string) => runCli(["baseline", "create", src, bin, "--no-libraries", "-t", "nanos,osv,gvisor", "-o", file]);
  const base = join(dir, "base.json");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("records the findings in a versioned file; the same scan has nothing new", () => {
    build(PLAIN);
    const c = create(base);
    assert.equal(c.code, 0, c.stderr);
    const b = JSON.parse(readFileSync(base, "utf8"));
    assert.equal(b.unifitBaseline, 1);
    assert.ok(b.findings.some((e: { key: string; target: string }) => e.key === "syscall/clone:process" && e.target === "nanos"));
    const r = scan(base);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^Baseline .*base\.json: 0 new, 0 fixed, \d+ known$/m);
  });

  it("lines moved and the program rebuilt: nothing new", () => {
    build(MOVED);
    const r = scan(base);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /: 0 new, 0 fixed, \d+ known$/m);
  });

  it("a shmget call added: exit 1, and only the shmget finding (the syscalls and the SysV pattern) is listed as new", () => {
    build(SHM);
    const r = scan(base);
    assert.equal(r.code, 1, r.stdout);
    const section = r.stdout.slice(r.stdout.indexOf("New since the baseline:"));
    const listed = section.split("\n").slice(1).filter((l) => l.startsWith("  ")).map((l) => l.trim().split(/\s+/).slice(0, 3).join(" "));
    assert.ok(listed.length > 0);
    // In the source, the sysv-shm pattern stands for the segment's whole life (shmget, then shmat).
    assert.deepEqual([...new Set(listed.map((l) => l.split(" ")[2]))].sort(), ["shmat", "shmget", "sysv-shm"], listed.join("\n"));
    assert.ok(listed.includes("blocker nanos shmget"), listed.join("\n"));
    assert.doesNotMatch(r.stdout, /Fixed since the baseline/);
    // The same gate with a machine format on standard output: the comparison goes to stderr, the exit code is the same.
    const sarif = scan(base, "-f", "sarif");
    assert.equal(sarif.code, 1);
    assert.doesNotThrow(() => JSON.parse(sarif.stdout));
    assert.match(sarif.stderr, /New since the baseline:/);
  });

  it("the call removed again: exit 0, and against the baseline that had it, shmget is listed as fixed", () => {
    const withShm = join(dir, "with-shm.json");
    assert.equal(create(withShm).code, 0);
    build(MOVED);
    const r = scan(withShm);
    assert.equal(r.code, 0, r.stdout);
    const fixed = r.stdout.slice(r.stdout.indexOf("Fixed since the baseline:"));
    assert.match(fixed, /blocker +nanos +shmget /);
    assert.match(r.stdout, /: 0 new, \d+ fixed, \d+ known$/m);
    // And against the first baseline: nothing new, nothing fixed.
    assert.equal(scan(base).code, 0);
  });

  it("unifit diff: the shmget finding is new between the two JSON reports, and fixed the other way", () => {
    const json = (name: string): string => {
      const out = join(dir, name);
      const r = runCli(["scan", src, bin, "--no-libraries", "-t", "nanos,osv,gvisor", "-f", "json", "-o", out, "--fail-on", "none"]);
      assert.equal(r.code, 0, r.stderr);
      return out;
    };
    build(MOVED);
    const before = json("before.json");
    build(SHM);
    const afterShm = json("after.json");
    const d = runCli(["diff", before, afterShm]);
    assert.equal(d.code, 1);
    assert.match(d.stdout, /^ {2}\+ blocker +shmget +\S+\/app +\(gvisor:warning,nanos:blocker,osv:warning\)$/m);
    assert.match(d.stdout, /^\d+ new, 0 fixed, 0 changed findings/);
    // The source file is blocked on nanos before as after (its fork() call is a finding at its line): its new
    // shmget call is a new finding, not a verdict change.
    assert.match(d.stdout, /^ {2}\+ blocker +shmget +\S+\/app\.c +\(gvisor:warning,nanos:blocker,osv:warning\)$/m);
    assert.match(d.stdout, /; 0 verdicts changed$/m);
    const back = runCli(["diff", afterShm, before]);
    assert.equal(back.code, 0);
    assert.match(back.stdout, /^ {2}- blocker +shmget +\S+\/app /m);
    assert.match(back.stdout, /^0 new, \d+ fixed/);
  });

  it("a baseline file that is not one: one error line naming the file, exit 2", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{"findings": 3}');
    const r = scan(bad);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /^unifit: .*bad\.json: not a baseline/);
    assert.equal(r.stdout, "");
  });
});
