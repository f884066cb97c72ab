// @fileoverview Bad inputs: a truncated ELF, a text file, a directory without ELF files and a missing path each
// give one clear line and exit 2, while a good file scanned alongside still gets its report.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "unifit-malformed-"));
const good = fixture("sample", "prefork-server");
const sample = readFileSync(good);
const truncated = join(dir, "truncated.elf");
writeFileSync(truncated, sample.subarray(0, 40));
const text = join(dir, "notes.txt");
writeFileSync(text, "this is not a program\n");
const emptyDir = join(dir, "empty-dir");
mkdirSync(emptyDir);
writeFileSync(join(emptyDir, "README"), "nothing to scan here\n");
const missing = join(dir, "does-not-exist");

const bad = [
  { path: truncated, says: /malformed ELF/ },
  { path: text, says: /not an ELF file: it is a text file/ },
  { path: emptyDir, says: /directory contains no ELF files/ },
  { path: missing, says: /no such file or directory/ },
];

describe("malformed inputs", () => {
  for (const b of bad) {
    it(`${b.path.slice(dir.length + 1)}: exit 2 and one line naming the file`, () => {
      const r = runCli(["scan", b.path, "--target", "nanos"]);
      assert.equal(r.code, 2, r.stderr + r.stdout);
      const lines = r.stdout.split("\n").filter((l) => l.includes(b.path));
      assert.equal(lines.length, 1, r.stdout);
      assert.match(lines[0] ?? "", b.says);
    });
  }

  it("a good file next to all of them still gets its report, and the exit code is 2", () => {
    const r = runCli(["scan", ...bad.map((b) => b.path), good, "--target", "nanos", "--format", "json"]);
    assert.equal(r.code, 2);
    const report = JSON.parse(r.stdout);
    assert.equal(report.files.length, 1);
    assert.equal(report.files[0].path, good);
    assert.equal(report.files[0].targets[0].verdict, "blocked");
    assert.equal(report.errors.length, 4);
    assert.equal(r.stderr.trim().split("\n").length, 4, r.stderr);
  });

  it("zero bytes, a bad e_phoff and garbage after the magic never crash", () => {
    const zero = join(dir, "zero");
    writeFileSync(zero, "");
    const badPh = join(dir, "bad-phoff");
    const b = Buffer.from(sample);
    b.writeBigUInt64LE(0xffffffffn, 32); // e_phoff far beyond the end
    b.writeBigUInt64LE(0xffffffffn, 40); // and e_shoff too
    writeFileSync(badPh, b);
    const garbage = join(dir, "garbage");
    writeFileSync(garbage, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(4096, 0xa5)]));
    const r = runCli(["scan", zero, badPh, garbage, "--format", "json"]);
    assert.equal(r.code, 2, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.errors.length, 3);
    for (const e of report.errors) assert.match(e.message, /ELF/);
  });

  it("usage errors exit 2 with one line", () => {
    const r = runCli(["scan", good, "--target", "no-such-os"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown target "no-such-os"/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.equal(runCli(["scan"]).code, 2);
    assert.equal(runCli(["scan", good, "--fail-on", "sometimes"]).code, 2);
  });
});
