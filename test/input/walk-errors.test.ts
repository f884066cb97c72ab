// @fileoverview Nothing in a directory walk is dropped silently: an entry whose name is not UTF-8, one that cannot be
// read (a FIFO: root reads any regular file, so the honest unreadable case here is an entry that is not one) and a
// link that leads nowhere each give one error line naming it, the good file beside them is reported in full, and the
// exit code is 2.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Report } from "../../src/index.js";
import { fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "unifit-walk-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const sample = fixture("sample", "prefork-server");
const good = join(dir, "good-server");
copyFileSync(sample, good);
// The same program under a name that is not UTF-8 (bytes ff fe): a walk cannot give it to the scan by name.
writeFileSync(Buffer.concat([Buffer.from(join(dir, "bad-")), Buffer.from([0xff, 0xfe]), Buffer.from(".bin")]), readFileSync(sample));
const fifo = join(dir, "pipe");
execFileSync("mkfifo", [fifo]);
const dangling = join(dir, "gone");
symlinkSync(join(dir, "no-such-file"), dangling);

describe("directory walk: entries that cannot be read or named", () => {
  const r = runCli(["scan", dir, "-t", "nanos", "-f", "json"]);
  const report = JSON.parse(r.stdout) as Report;

  it("exits 2", () => assert.equal(r.code, 2, r.stderr));

  it("reports the good file in full", () => {
    assert.deepEqual(report.files.map((f) => f.path), [good]);
    assert.equal(report.files[0]?.targets[0]?.verdict, "blocked");
    assert.ok((report.files[0]?.syscalls.length ?? 0) > 50);
  });

  it("gives one error for each bad entry, naming it (the non-UTF-8 bytes escaped)", () => {
    const byCode = new Map(report.errors.map((e) => [e.code, e.path]));
    assert.equal(report.errors.length, 3, JSON.stringify(report.errors));
    assert.equal(byCode.get("BAD_NAME"), join(dir, "bad-\\xff\\xfe.bin"));
    assert.equal(byCode.get("NOT_FILE"), fifo);
    assert.equal(byCode.get("DANGLING_LINK"), dangling);
  });

  it("prints one stderr line for each", () => {
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 3, r.stderr);
    assert.ok(lines.some((l) => l.startsWith(`unifit: ${join(dir, "bad-\\xff\\xfe.bin")}: `) && /not valid UTF-8/.test(l)), r.stderr);
    assert.ok(lines.some((l) => l === `unifit: ${fifo}: a FIFO, not a regular file: not read`), r.stderr);
    assert.ok(lines.some((l) => l.startsWith(`unifit: ${dangling}: a symbolic link that leads nowhere`)), r.stderr);
  });
});
