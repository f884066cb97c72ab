// @fileoverview prefork-pool on binaries, through the CLI's JSON report: a fork in a loop is a pool only when the
// child goes on serving. Each case is built at -O0, -O1 and -O2 (gcc moves the child's branch around the fork).

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { compile } from "../helpers/compile.js";
import { ROOT } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const dir = join(ROOT, "fixtures", "rules", "process-model", "prefork-pool");
const cases = readdirSync(dir).filter((c) => c.endsWith(".c")).sort();

describe("prefork-pool on binaries", () => {
  for (const c of cases) {
    for (const opt of ["-O0", "-O1", "-O2"]) {
      const expected = c.startsWith("invalid-");
      it(`${c} ${opt}: ${expected ? "reported" : "not reported"}`, () => {
        const bin = compile(join(dir, c), ["-w", opt]);
        const r = runCli(["scan", bin, "--target", "nanos", "--format", "json", "--fail-on", "none"]);
        assert.equal(r.code, 0, r.stderr);
        const rules = (JSON.parse(r.stdout) as { files: { rules: { ruleId: string; hits: { message: string }[] }[] }[] }).files[0]?.rules ?? [];
        const hit = rules.find((x) => x.ruleId === "prefork-pool");
        assert.equal(hit !== undefined, expected, JSON.stringify(rules.map((x) => x.ruleId)));
        if (hit !== undefined) assert.match(hit.hits[0]?.message ?? "", /go on serving \((accept|poll)\)/);
      });
    }
  }
});
