// @fileoverview A short, seeded run of the fuzz harness (scripts/fuzz.mjs): a few mutants of real programs, sources
// and odd inputs, each through the CLI with its budget; none may crash, hang or take 1 GB.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CACHE, ROOT } from "../helpers/paths.js";

describe("npm run fuzz", () => {
  it("a seeded run of 6 inputs ends with no crash, hang or input over 1 GB", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "fuzz.mjs"), "--iterations", "6", "--minutes", "20", "--seed", "7", "--budget", "300", "--out", join(CACHE, "fuzz-test"), "-q"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^fuzz summary \(seed 7, 6 inputs/m);
    assert.match(r.stdout, /ok 6 {2}crashes 0 {2}hangs past 300 s 0 {2}over 1024 MB 0/);
  });
});
