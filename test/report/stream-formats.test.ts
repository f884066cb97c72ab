// @fileoverview Every format streams: the CLI writes each file's report to every format as it is done, keeping
// what must wait (the text report's sections, JUnit's suites, the issue formats' issues) in temporary files. The
// bytes are those the formatter makes of the whole Report, for any -j, and the issue formats keep the report's
// global issue order when the files do not come in path order (a root file system's files come after the others,
// and sort before them here).

import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Chalk } from "chalk";
import { formatters } from "../../src/index.js";
import { reportIssues } from "../../src/report/issues.js";
import type { Report } from "../../src/index.js";
import { fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "unifit-formats-"));
after(() => rmSync(dir, { recursive: true, force: true }));
// A root file system (/etc, /usr, /lib): its path, under the temporary directory, sorts before the fixtures'.
const rootfs = join(dir, "rootfs");
for (const d of ["etc", "usr/bin", "usr/sbin", "lib"]) mkdirSync(join(rootfs, d), { recursive: true });
copyFileSync(fixture("sample", "prefork-server"), join(rootfs, "usr", "sbin", "server"));
copyFileSync("/usr/bin/true", join(rootfs, "usr", "bin", "true"));
const inputs = [fixture("sample", "prefork-server"), fixture("chains", "serve.c"), "/usr/bin/env", rootfs, join(dir, "missing")];
const FORMATS = Object.keys(formatters).sort();

function scan(jobs: number): Map<string, string> {
  const out = join(dir, `j${jobs}`);
  mkdirSync(out);
  const r = runCli(["scan", ...inputs, "--no-libraries", "-t", "gvisor,nanos,osv", "-j", String(jobs), ...FORMATS.map((f) => `-f${f}=${join(out, f)}`)]);
  assert.equal(r.code, 2, r.stderr); // the missing path
  return new Map(FORMATS.map((f) => [f, readFileSync(join(out, f), "utf8")]));
}

describe("streamed formats", () => {
  const one = scan(1);
  const two = scan(2);
  const report = JSON.parse(one.get("json") as string) as Report;

  it("cover the files and the root file system's files, out of path order", () => {
    const paths = report.files.map((f) => f.path);
    assert.ok(paths.some((p) => p.startsWith(`${rootfs}:`)), paths.join("\n"));
    assert.notDeepEqual(paths, [...paths].sort());
  });

  for (const format of FORMATS) {
    it(`${format}: the bytes the formatter makes of the whole report, for -j 1 and -j 2`, () => {
      assert.equal(one.get(format), two.get(format));
      assert.equal(one.get(format), (formatters[format] as (typeof formatters)[string])(report, { chalk: new Chalk({ level: 0 }) }));
    });
  }

  it("codequality lists the issues in the report's order over all files", () => {
    const entries = JSON.parse(one.get("codequality") as string) as { fingerprint: string }[];
    assert.ok(entries.length > 20);
    assert.deepEqual(entries.map((e) => e.fingerprint), reportIssues(report).map((i) => i.fingerprint));
  });
});
