// @fileoverview `unifit fix`: each rule with a fixer turns its invalid cases into the reviewed <case>.fixed.c, and
// the CLI's --dry-run diff applies with `patch -p1`, after which the programs compile and run.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDatabase, planFixes } from "../../src/index.js";
import { loadRules } from "../../src/rules/load.js";
import { CLI, ROOT } from "../helpers/paths.js";

const db = loadDatabase();
const rules = loadRules(db).filter((r) => r.fix !== null);

describe("fixers", () => {
  for (const rule of rules) {
    const dir = join(ROOT, "fixtures", "rules", rule.category, rule.id);
    for (const c of readdirSync(dir).filter((f) => f.startsWith("invalid-") && f.endsWith(".c"))) {
      const fixed = join(dir, `${c.slice("invalid-".length, -2)}.fixed.c`);
      it(`${rule.id}: ${c} → ${existsSync(fixed) ? "its .fixed.c" : "(no .fixed.c)"}`, { skip: existsSync(fixed) ? false : "no expected result" }, () => {
        const plan = planFixes([join(dir, c)], { db, only: [rule.id] });
        const after = plan.patches[0]?.after ?? readFileSync(join(dir, c), "utf8");
        assert.equal(after, readFileSync(fixed, "utf8"));
      });
    }
  }
});

describe("unifit fix --dry-run", () => {
  it("prints a diff that patch -p1 applies; the patched programs compile and run", () => {
    const work = mkdtempSync(join(tmpdir(), "unifit-fix-"));
    const cases = [
      ["process-model", "daemonize", "invalid-if-return.c"],
      ["process-model", "daemonize", "invalid-if-block.c"],
      ["process-model", "shell-out", "invalid-mkdir-p.c"],
      ["process-model", "shell-out", "invalid-rm-f.c"],
    ] as const;
    for (const [cat, id, c] of cases) cpSync(join(ROOT, "fixtures", "rules", cat, id, c), join(work, "src", `${id}-${c}`));
    const r = spawnSync(process.execPath, [CLI, "fix", "--dry-run", "src"], { cwd: work, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^--- a\/src\//m);
    const p = spawnSync("patch", ["-p1"], { cwd: work, input: r.stdout, encoding: "utf8" });
    assert.equal(p.status, 0, p.stdout + p.stderr);
    for (const [, id, c] of cases) {
      const src = join(work, "src", `${id}-${c}`);
      const code = readFileSync(src, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      assert.doesNotMatch(code, /\bdaemon\s*\(|\bsystem\s*\(/);
      const bin = `${src}.bin`;
      const cc = spawnSync("gcc", ["-Wall", "-o", bin, src], { encoding: "utf8" });
      assert.equal(cc.status, 0, cc.stderr);
      const run = spawnSync(bin, [], { cwd: work, encoding: "utf8", timeout: 10_000 });
      assert.equal(run.status, 0, `${c}: ${run.stdout}${run.stderr}`);
    }
    // Nothing was written by --dry-run itself: the diff applied cleanly above. A second plan finds nothing to fix.
    const again = spawnSync(process.execPath, [CLI, "fix", "src"], { cwd: work, encoding: "utf8" });
    assert.equal(again.stdout, "");
  });
});
