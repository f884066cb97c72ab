// @fileoverview Scans of many files: the streamed JSON report is byte for byte the report the formatter makes from
// the whole Report, with one thread or several, to a file or to stdout; identical files are scanned once and each
// still gets its own report; a reader that closes the pipe early gets no stack trace. Also: the decoder's checked
// direct reads are in use with the pinned iced-x86, and binary reports are Latin-1 text.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Chalk } from "chalk";
import { decoderMode } from "../../src/disasm/x86.js";
import { formatters } from "../../src/index.js";
import { asTwin, findTwins, scanPaths } from "../../src/scan/parallel.js";
import { expandPaths } from "../../src/input/expand.js";
import { compile } from "../helpers/compile.js";
import { CLI, ROOT, fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const program = (name: string): string => join(ROOT, "test", "oracle", "programs", `${name}.c`);

describe("scanning many files", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "unifit-stream-"));
    // The same program under three names in two directories, a second program, a binary whose library search
    // starts at its own directory ($ORIGIN) copied twice, and the bundled sample.
    const forkExec = compile(program("fork-exec"));
    const pthreads = compile(program("pthreads"), ["-pthread"]);
    const origin = compile(program("system"), ["-Wl,-rpath,$ORIGIN/lib"]);
    mkdirSync(join(dir, "a"));
    mkdirSync(join(dir, "b"));
    copyFileSync(forkExec, join(dir, "a", "fork-exec"));
    copyFileSync(forkExec, join(dir, "a", "fork-exec.copy"));
    copyFileSync(forkExec, join(dir, "b", "fork-exec"));
    copyFileSync(pthreads, join(dir, "a", "pthreads"));
    copyFileSync(origin, join(dir, "a", "origin"));
    copyFileSync(origin, join(dir, "b", "origin"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the identical files, and only those", () => {
    const { inputs } = expandPaths([dir]);
    const sorted = [...inputs].sort((x, y) => (x.path < y.path ? -1 : 1));
    const twins = findTwins(sorted);
    const name = (i: number): string => (sorted[i]?.path ?? "").slice(dir.length + 1);
    const pairs = [...twins].map((t, i) => (t >= 0 ? `${name(i)} = ${name(t)}` : "")).filter((x) => x !== "");
    assert.deepEqual(pairs, ["a/fork-exec.copy = a/fork-exec", "b/fork-exec = a/fork-exec", "b/origin = a/origin"]);
  });

  it("streams the same bytes as the whole-report formatter, whatever the threads and the destination", async () => {
    const paths = [dir, fixture("sample", "prefork-server")];
    const whole = formatters.json?.(await scanPaths(paths, { failOn: "none" }), { chalk: new Chalk({ level: 0 }) }) ?? "";
    const report = JSON.parse(whole) as { files: { path: string }[] };
    assert.equal(report.files.length, 7);
    for (const jobs of ["1", "2"]) {
      const out = join(dir, `report-${jobs}.json`);
      const toFile = runCli(["scan", ...paths, "-f", "json", "--fail-on", "none", "-j", jobs, "-o", out]);
      assert.equal(toFile.code, 0, toFile.stderr);
      assert.equal(readFileSync(out, "utf8"), whole, `-j ${jobs} -o`);
      const toStdout = runCli(["scan", ...paths, "-f", "json", "--fail-on", "none", "-j", jobs]);
      assert.equal(toStdout.stdout, whole, `-j ${jobs} stdout`);
    }
  });

  it("gives each identical file its own report, equal to the first one's but for the path", () => {
    const r = runCli(["scan", dir, "-f", "json", "--fail-on", "none"]);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }).files;
    const byName = new Map(files.map((f) => [f.path.slice(dir.length + 1), f]));
    const strip = (f: { path: string } | undefined): string => JSON.stringify({ ...f, path: "" });
    assert.equal(strip(byName.get("a/fork-exec.copy")), strip(byName.get("a/fork-exec")));
    assert.equal(strip(byName.get("b/fork-exec")), strip(byName.get("a/fork-exec")));
    assert.notEqual(strip(byName.get("a/pthreads")), strip(byName.get("a/fork-exec")));
    assert.deepEqual([...byName.keys()].sort(), ["a/fork-exec", "a/fork-exec.copy", "a/origin", "a/pthreads", "b/fork-exec", "b/origin"]);
  });

  it("reuses a streamed report for a twin: only the path changes", async () => {
    const path = join(dir, "a", "fork-exec");
    const report = (await scanPaths([path], { targets: ["nanos"], failOn: "none" })).files[0];
    assert.ok(report !== undefined);
    const json = JSON.stringify(report);
    const verdicts = { path, targets: [] };
    const twin = asTwin({ index: 0, json, verdicts, portable: true }, 1, join(dir, "b", "fork-exec"));
    assert.ok(twin?.json !== undefined, "the serialised report is reused");
    assert.deepEqual(JSON.parse(twin.json as string), { ...report, path: join(dir, "b", "fork-exec") });
  });

  it("stops quietly when the reader closes the pipe", () => {
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${CLI}" scan "${fixture("sample", "prefork-server")}" --fail-on none | head -c 10`], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    assert.equal(r.stdout.length, 10);
    assert.doesNotMatch(r.stderr, /EPIPE|Error|at /);
  });

  it("decodes with direct reads of iced-x86's instruction layout (checked against its getters at load)", () => {
    assert.equal(decoderMode(), "direct");
  });

  it("writes binary reports in Latin-1 text (one-byte strings, the cheap way through the stream)", () => {
    // A single character beyond U+00FF (an ellipsis, an arrow) in a note or label makes V8 hold the whole line of a
    // file's report in two bytes per character: twice the memory between threads and six times slower to write.
    const r = runCli(["scan", "/usr/bin/ls", join(dir, "a", "pthreads"), "-f", "json", "--fail-on", "none"]);
    assert.equal(r.code, 0, r.stderr);
    const wide = [...new Set(r.stdout.match(/[\u{100}-\u{10ffff}]/gu) ?? [])];
    assert.deepEqual(wide, [], `characters beyond Latin-1: ${wide.join(" ")}`);
  });
});

