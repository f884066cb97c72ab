// @fileoverview Errors where they belong: an output file that cannot be written is one line and exit 2 before
// anything is scanned (no stack trace, no half-written file); a bad input's line is on stderr in every format, the
// text report to standard output included, as one line whatever its name holds.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { formatters } from "../../src/index.js";
import { fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "unifit-output-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const good = fixture("sample", "prefork-server");
const text = join(dir, "notes.txt");
writeFileSync(text, "not a program\n");
// A script whose name holds a newline.
const named = join(dir, "bad\nname");
writeFileSync(named, "#!/bin/sh\n");

describe("output and error lines", () => {
  for (const [what, out] of [
    ["a directory that does not exist", join(dir, "no-such-dir", "out.txt")],
    ["a directory", dir],
  ] as const) {
    it(`-o into ${what}: one line, exit 2, before the scan`, () => {
      // The missing input would be an error line of the scan: it is not reached.
      const r = runCli(["scan", good, join(dir, "missing"), "-t", "nanos", "-o", out]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, "");
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] as string, /^unifit: .*: cannot write the report there \(/);
      assert.doesNotMatch(r.stderr, /missing|\bat /);
    });
  }

  it("-f sarif=<unwritable>: the same, and the other format's file is not made", () => {
    const other = join(dir, "out.json");
    const r = runCli(["scan", good, "-t", "nanos", "-f", `json=${other}`, "-f", `sarif=${join(dir, "nope", "x.sarif")}`]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.equal(existsSync(other), false);
  });

  for (const format of Object.keys(formatters).sort()) {
    it(`${format} to standard output: the bad input's line is on stderr too`, () => {
      const r = runCli(["scan", good, text, "-t", "nanos", "-f", format]);
      assert.equal(r.code, 2, r.stderr);
      assert.deepEqual(r.stderr.trim().split("\n"), [`unifit: ${text}: not an ELF file: it is a text file`]);
    });
  }

  it("a control character in a name is escaped: one line", () => {
    const r = runCli(["scan", good, named, "-t", "nanos"]);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(r.stderr.trim().split("\n"), [`unifit: ${join(dir, "bad\\x0aname")}: not an ELF file: a script (starts with #!)`]);
  });
});
