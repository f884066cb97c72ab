// @fileoverview Every fixer keeps behaviour: each program in test/rules/fix-programs/ is compiled with gcc and run in
// a fresh directory before and after `unifit fix --write`; exit status, output and the files it leaves must be the
// same, and the patched program's scan no longer reports the blocker on nanos.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, describe, it } from "node:test";
import type { Report } from "../../src/index.js";
import { CLI, ROOT } from "../helpers/paths.js";

const PROGRAMS = join(ROOT, "test", "rules", "fix-programs");
const tmp = mkdtempSync(join(tmpdir(), "unifit-fix-behaviour-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Files and directories under `dir` with their contents ("dir" for a directory), sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      out.push(`${relative(dir, p)}: ${st.isDirectory() ? "dir" : readFileSync(p, "utf8")}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function runIn(exe: string, name: string): { status: number | null; stdout: string; stderr: string; files: string[] } {
  const cwd = join(tmp, name);
  mkdirSync(cwd);
  const r = spawnSync(exe, [], { cwd, encoding: "utf8", timeout: 10_000 });
  // A daemon's child carries on after its parent exits: wait (2 s at most) for it to leave its files.
  const end = Date.now() + 2000;
  while (Date.now() < end && readdirSync(cwd).length === 0) spawnSync("sleep", ["0.05"]);
  spawnSync("sleep", ["0.1"]);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, files: tree(cwd) };
}

const blockers = (r: Report): string[] => r.files.flatMap((f) => f.targets.flatMap((t) => t.findings.filter((x) => x.severity === "blocker").map((x) => `${x.syscall}${x.mode !== undefined ? `:${x.mode}` : ""}`)));

describe("fixers keep behaviour", () => {
  for (const c of readdirSync(PROGRAMS).filter((f) => f.endsWith(".c")).sort()) {
    it(c, () => {
      const stem = c.slice(0, -2);
      const src = join(tmp, `${stem}.c`);
      cpSync(join(PROGRAMS, c), src);
      const before = join(tmp, `${stem}.before`);
      assert.equal(spawnSync("gcc", ["-Wall", "-o", before, src], { encoding: "utf8" }).status, 0);
      const fix = spawnSync(process.execPath, [CLI, "fix", "--write", src], { encoding: "utf8" });
      assert.equal(fix.status, 0, fix.stderr);
      assert.doesNotMatch(fix.stderr, /not rewritten/, fix.stderr);
      const code = readFileSync(src, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
      assert.doesNotMatch(code, /\bsystem\s*\(|\bdaemon\s*\(/);
      const after_ = join(tmp, `${stem}.after`);
      const cc = spawnSync("gcc", ["-Wall", "-Werror", "-o", after_, src], { encoding: "utf8" });
      assert.equal(cc.status, 0, cc.stderr);

      const a = runIn(before, `${stem}-before`);
      const b = runIn(after_, `${stem}-after`);
      assert.ok(a.files.length > 0, "the original program left files to compare");
      assert.deepEqual(b, a);

      // One scan of the three: the original binary, the patched binary and the patched source.
      const report = JSON.parse(spawnSync(process.execPath, [CLI, "scan", "-t", "nanos", "--fail-on", "none", "--format", "json", before, after_, src], { encoding: "utf8" }).stdout) as Report;
      const of = (p: string): string[] => blockers({ ...report, files: report.files.filter((f) => f.path === p) });
      for (const bad of ["execve", "clone:process", "setsid"]) {
        assert.ok(of(before).includes(bad) || bad === "setsid" || stem.startsWith("daemon"), `the original reaches ${bad}`);
        assert.ok(!of(after_).includes(bad), `the patched binary still reaches ${bad}: ${of(after_).join(", ")}`);
        assert.ok(!of(src).includes(bad), `the patched source still reaches ${bad}`);
      }
    });
  }
});

describe("unifit fix --rule", () => {
  it("takes the fixer ids the output prints as well as rule ids; an unknown id is a usage error", () => {
    const src = join(tmp, "select.c");
    cpSync(join(PROGRAMS, "touch-rm-f.c"), src);
    const byFixer = spawnSync(process.execPath, [CLI, "fix", "--rule", "shell-builtin", src], { encoding: "utf8" });
    assert.equal(byFixer.status, 0, byFixer.stderr);
    assert.match(byFixer.stderr, /: shell-builtin: system\("touch"\)/);
    const byRule = spawnSync(process.execPath, [CLI, "fix", "--rule", "shell-out", src], { encoding: "utf8" });
    assert.equal(byRule.stdout, byFixer.stdout);
    const bad = spawnSync(process.execPath, [CLI, "fix", "--rule", "no-such-fix", src], { encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown rule or fixer id "no-such-fix"/);
    assert.equal(bad.stdout, "");
  });
});

describe("a fixer that cannot prove equivalence", () => {
  it("leaves the line alone and says why", () => {
    const src = join(tmp, "unproven.c");
    const text = '#include <stdlib.h>\nint main(void) {\n  system("cp config logs/");\n  system("mkdir -p $HOME/x");\n  return 0;\n}\n';
    writeFileSync(src, text);
    const r = spawnSync(process.execPath, [CLI, "fix", "--write", src], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /:3: shell-builtin: not rewritten: cp into the directory "logs\/"/);
    assert.match(r.stderr, /:4: shell-builtin: not rewritten: the command uses shell syntax/);
    assert.equal(readFileSync(src, "utf8"), text);
  });
});
