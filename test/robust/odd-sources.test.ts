// @fileoverview C/C++ inputs that made the parser take minutes or gigabytes (issue 15), generated here: random bytes
// named .c, an 8 MB line of "(" and of "{", a C++ chain of "a<", a million nested calls. Scanned in one directory with a real C file, each
// is one "skipped:" line on stderr naming it, the process stays under 1 GB, and the real file is reported as alone.

import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fixture } from "../helpers/paths.js";
import { CRASH, reportsByPath, runMeasured } from "./measure.js";

/** Seeded bytes (mulberry32), so that a failure names the same input every run. */
function randomBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    b[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return b;
}

describe("source files that are not C, or too hard to parse", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-odd-src-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("are one error line each; the real file beside them is reported in full", () => {
    const good = join(dir, "good.c");
    copyFileSync(fixture("sample", "prefork-server.c"), good);
    const bad = {
      "random.c": randomBytes(1 << 20, 15),
      "parens.c": Buffer.from("(".repeat(8_000_000) + "\n"),
      "braces.c": Buffer.from("int f(){" + "{".repeat(8_000_000) + "\n"),
      "templates.cc": Buffer.from("a<".repeat(1 << 19) + "\n"),
      // Found by `npm run fuzz` (seed 1502): a global initialised by a million nested calls ran past 60 s.
      "calls.c": Buffer.from("int x = " + "f(".repeat(1 << 19)),
    };
    for (const [name, bytes] of Object.entries(bad)) writeFileSync(join(dir, name), bytes);

    const r = runMeasured(["scan", dir, "-f", "json", "-q", "--no-cache"]);
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, CRASH);
    assert.ok(r.peakMb < 1024, `peak ${r.peakMb} MB`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, Object.keys(bad).length, r.stderr);
    for (const name of Object.keys(bad)) {
      assert.ok(lines.some((l) => l.startsWith(`unifit: ${join(dir, name)}: skipped: `)), `${name}: ${r.stderr}`);
    }
    assert.match(r.stderr, /random\.c: skipped: binary content/);
    for (const name of ["parens.c", "braces.c", "calls.c"]) assert.match(r.stderr, new RegExp(`${name}: skipped: brackets nested more than 512 deep at line 1;`));
    assert.match(r.stderr, /templates\.cc: skipped: parsing needed more than 320 MB/);
    const alone = runMeasured(["scan", good, "-f", "json", "-q", "--no-cache"]);
    const mine = reportsByPath(r.stdout).get(good);
    assert.ok(mine !== undefined && mine.includes('"fork"'), "the real file's report lists its fork");
    assert.equal(mine, reportsByPath(alone.stdout).get(good));
  });

  // Found by hand after `npm run fuzz` (seed 20261207) peaked at 934 MB on a mutated closers.c: files that tree-sitter
  // parses in full, but whose facts cost far more than their parse. 1.5 MiB of ")}]" (one ERROR node of 1.57 M
  // leaves, each asked whether it held an error) peaked at 1.41 GB; of "(}" (786 K "(" each asked while walked) at
  // 692 MB; 8 MiB of "SYS_fork " (930 K facts, a match object and a node object each) at 1.34 GB. The three below,
  // with a real file, in one scan: 1,041 MB before (every syntax tree kept to the end of the parses), 570 MB after.
  it("that parse in full but are all errors or all facts are reported with a warning, well under 1 GB", () => {
    const sub = join(dir, "dense");
    mkdirSync(sub);
    const good = join(sub, "good.c");
    copyFileSync(fixture("sample", "prefork-server.c"), good);
    const odd = {
      "closers.c": ")}]".repeat(1 << 19),
      "openers.c": "(}".repeat(3 << 18),
      // Every second name is a use of SYS_fork (the first of each pair reads as a type): 131 K facts.
      "numbers.c": "SYS_fork ".repeat(1 << 18),
    };
    for (const [name, text] of Object.entries(odd)) writeFileSync(join(sub, name), text);

    const r = runMeasured(["scan", sub, "-f", "json", "-q", "--no-cache", "-t", "nanos"]);
    assert.doesNotMatch(r.stderr, CRASH);
    assert.equal(r.stderr, "", "no file is skipped");
    assert.ok(r.peakMb < 800, `peak ${r.peakMb} MB`);
    const report = JSON.parse(r.stdout) as { files: { path: string; source?: { warnings?: string[] } }[] };
    const warnings = new Map(report.files.map((f) => [f.path, (f.source?.warnings ?? []).join("; ")]));
    // One ERROR node and no "(" for the walk to enter it by: broken, not counted.
    assert.equal(warnings.get(join(sub, "closers.c")), "parse errors; facts from the rest");
    assert.match(warnings.get(join(sub, "openers.c")) ?? "", /^\d+ parse errors?; facts from the rest$/);
    assert.match(warnings.get(join(sub, "numbers.c")) ?? "", /; more than 100,000 calls and uses; read up to line 1, column \d+ only$/);
    const alone = runMeasured(["scan", good, "-f", "json", "-q", "--no-cache", "-t", "nanos"]);
    assert.equal(reportsByPath(r.stdout).get(good), reportsByPath(alone.stdout).get(good));
  });
});
