// @fileoverview A short, seeded run of the fuzz harness (scripts/fuzz.mjs): one case of each kind its rotation
// makes (an ELF mutant, an image, a directory of odd entries, a source mutant, a sysroot or root file system, an odd
// file), each through the CLI with its budget; none may crash, hang, take 1 GB or lose the good program.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CACHE, ROOT } from "../helpers/paths.js";

describe("npm run fuzz", () => {
  it("a seeded run of one case of each kind ends with no crash, hang, input over 1 GB or lost file", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "fuzz.mjs"), "--iterations", "7", "--minutes", "30", "--seed", "7", "--budget", "300", "--out", join(CACHE, "fuzz-test"), "-q"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^fuzz summary \(seed 7, 7 inputs/m);
    assert.match(r.stdout, /ok 7 {2}crashes 0 {2}hangs past 300 s 0 {2}over 1024 MB 0 {2}lost 0/);
    const kinds = [...r.stdout.matchAll(/^ {4}([\w.-]+)(?::[^:\s]+)*: \d+ runs, 0 failed$/gm)].map((m) => m[1]);
    for (const kind of [/^elf$/, /^image$/, /^dir$/, /^source\./, /^odd$/, /^(sysroot|rootfs)$/]) assert.ok(kinds.some((k) => kind.test(k as string)), `${String(kind)} in ${r.stdout}`);
  });
});
