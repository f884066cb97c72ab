// @fileoverview The per-file budget (--file-timeout, --file-memory): a file over it is one error line naming it and the
// budget, the scan goes on to the next file on a fresh worker, and the exit code says an input failed.

import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { describe, it } from "node:test";
import { compile } from "../helpers/compile.js";
import { fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";
import { CRASH, reportsByPath } from "./measure.js";

describe("per-file budget", () => {
  const program = compile(fixture("sample", "prefork-server.c"));
  const staticProgram = compile(fixture("sample", "prefork-server.c"), ["-static"]);

  it("a file past --file-timeout is one line; the next file is still scanned", () => {
    // No ELF analysis (reading the file, its libraries, its code) ends within a microsecond.
    const r = runCli(["scan", program, staticProgram, "-f", "json", "-q", "--no-cache", "--file-timeout", "0.000001"]);
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, CRASH);
    const lines = r.stderr.trim().split("\n");
    assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf(": skipped:"))).sort(), [`unifit: ${program}`, `unifit: ${staticProgram}`].sort());
    for (const l of lines) assert.match(l, /skipped: analysis ran past the 0\.000001 s time budget \(--file-timeout\); an ELF file of \d+ bytes$/);
    const report = JSON.parse(r.stdout) as { errors: { code: string }[] };
    assert.deepEqual(report.errors.map((e) => e.code), ["FILE_TIMEOUT", "FILE_TIMEOUT"]);
  });

  it("a file past --file-memory is one line; the file after it is reported in full", () => {
    // Node's own executable (about 100 MB, the one running this test) needs far more than a 64 MB heap to analyse;
    // it sorts before the program, so with -j 1 the program is scanned after the worker that ran out was replaced.
    const big = process.execPath;
    const r = runCli(["scan", big, program, "-f", "json", "-q", "--no-cache", "-j", "1", "--file-memory", "64M"]);
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, CRASH);
    assert.deepEqual(r.stderr.trim().split("\n"), [`unifit: ${big}: skipped: analysis needed more than the 64 MB memory budget (--file-memory); an ELF file of ${statSync(big).size} bytes`]);
    const report = JSON.parse(r.stdout) as { errors: { code: string }[] };
    assert.deepEqual(report.errors.map((e) => e.code), ["FILE_MEMORY"]);
    const alone = runCli(["scan", program, "-f", "json", "-q", "--no-cache"]);
    const mine = reportsByPath(r.stdout).get(program);
    assert.ok(mine !== undefined && mine.includes('"fork"'), "the program's report lists its fork");
    assert.equal(mine, reportsByPath(alone.stdout).get(program));
  });

  it("within the budget the same files are reported as without it", () => {
    const budgeted = runCli(["scan", program, "-f", "json", "-q", "--no-cache", "--file-timeout", "300", "--file-memory", "512M"]);
    const plain = runCli(["scan", program, "-f", "json", "-q", "--no-cache"]);
    assert.equal(budgeted.code, plain.code, budgeted.stderr);
    assert.equal(budgeted.stdout, plain.stdout);
  });

  it("bad values are usage errors", () => {
    for (const args of [["--file-timeout", "soon"], ["--file-timeout", "-1"], ["--file-memory", "1M"]]) {
      const r = runCli(["scan", program, ...args]);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, /--file-(timeout|memory) must be/);
    }
  });
});
