// @fileoverview `unifit scan app src/`: a binary scanned with its sources has its findings' code sites placed at
// source lines, read from the CLI's JSON and text output. The source-calls tree is compiled here with -g (at -O0 and
// -O2), and the same -g build with its debugging sections stripped (same code, symbols kept); addr2line on the -g
// build is the oracle for both. A .debug_line cut short is a warning, the rest placed by function name.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import AjvDraft04Module from "ajv-draft-04";
import type { CodeSite, FileReport, Report } from "../../src/types.js";
import { ROOT, fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "unifit-join-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const TREE = "fixtures/source-calls/tree";
const sources = ["main.c", "spawn.c", "ops.c"].map((n) => fixture("source-calls", "tree", n));

function build(name: string, flags: string[], files = sources): string {
  const out = join(dir, name);
  execFileSync("gcc", [...flags, "-w", "-o", out, ...files]);
  return out;
}

function scanJson(args: string[]): { report: Report; code: number; stderr: string } {
  const r = runCli(["scan", ...args, "--target", "nanos", "-f", "json", "--no-cache"]);
  return { report: JSON.parse(r.stdout) as Report, code: r.code, stderr: r.stderr };
}

/** addr2line's "base:line" per address (the -g build is the oracle). */
function addr2line(bin: string, addrs: string[]): Map<string, string> {
  const text = execFileSync("addr2line", ["-e", bin, ...addrs], { encoding: "utf8" });
  const lines = text.trimEnd().split("\n");
  return new Map(addrs.map((a, i) => [a, (lines[i] as string).replace(/ \(discriminator \d+\)$/, "").replace(/^.*\//, "")]));
}

/** The code sites of the nanos findings of these syscalls, by address. */
function sitesOf(f: FileReport, syscalls: readonly string[]): Map<string, CodeSite> {
  const out = new Map<string, CodeSite>();
  for (const x of f.targets[0]?.findings ?? []) {
    if (!syscalls.includes(x.syscall)) continue;
    for (const s of x.sites ?? []) out.set(s.address, s);
  }
  return out;
}

const PROCESS = ["clone", "execve", "setsid"];

describe("a binary scanned with its sources", () => {
  const g0 = build("app-O0", ["-g", "-O0"]);
  const g2 = build("app-O2", ["-g", "-O2"]);
  // The same code as app-O0 without its debugging sections: symbols stay, so sites are placed by function name.
  const nodebug = join(dir, "app-O0-nodebug");
  execFileSync("objcopy", ["--strip-debug", g0, nodebug]);

  for (const [name, bin] of [["-O0", g0], ["-O2", g2]] as const) {
    it(`-g ${name}: fork, execl, daemon, system and setsid sites are at addr2line's lines, linked to the source sites`, () => {
      const { report, code } = scanJson([bin, TREE]);
      assert.equal(code, 1);
      const app = report.files.find((f) => f.path === bin) as FileReport;
      assert.ok(app.binary?.sourceLines?.debugLine);
      const sites = sitesOf(app, PROCESS);
      const callees = new Set([...sites.values()].map((s) => s.callee));
      // At -O2 the unused table of handlers (on_reload's system, on_child's fork) is optimised away.
      for (const c of ["fork", "execl", "setsid", "daemon", ...(name === "-O0" ? ["system"] : [])]) assert.ok(callees.has(c), `a site calling ${c}`);
      const want = addr2line(bin, [...sites.keys()]);
      for (const [addr, s] of sites) {
        const p = s.source;
        assert.ok(p !== undefined, `${addr} placed`);
        assert.equal(p.how, "dwarf");
        // The build's absolute path is named as the scan names the source file.
        assert.equal(p.file, `${TREE}/${basename(p.file)}`);
        assert.equal(`${basename(p.file)}:${p.line}`, want.get(addr), `${addr} in ${s.function}`);
        // Each is a call the source report lists at the same line: the link says it is the same call.
        assert.ok(p.sourceSite?.startsWith(`${p.file}:${p.line}:`), `${addr} linked (${JSON.stringify(p)})`);
        const src = report.files.find((f) => f.path === p.file);
        const [line, column] = (p.sourceSite as string).split(":").slice(-2).map(Number);
        assert.ok(src?.sites?.some((x) => x.line === line && x.column === column && x.callee === s.callee), `${p.sourceSite as string} is a source site of ${s.callee ?? ""}`);
      }
      if (name === "-O0") {
        // The spawn_worker forks at their own lines: the direct call and the DETACH() macro's.
        const spawn = [...sites.values()].filter((s) => s.function === "spawn_worker" && s.callee === "fork").map((s) => `${s.source?.line}:${s.source?.column}`);
        assert.deepEqual(spawn.sort(), ["10:15", "14:5"]);
      }
    });
  }

  it("without debug information (symbols kept): placed by function name, at addr2line's line where the function has one such call", () => {
    const { report, code } = scanJson([nodebug, TREE]);
    assert.equal(code, 1);
    const app = report.files[0] as FileReport;
    assert.equal(app.path, nodebug);
    assert.deepEqual(app.binary?.sourceLines?.debugLine, false);
    const sites = sitesOf(app, PROCESS);
    assert.ok(sites.size >= 6, `${sites.size} sites`);
    const want = addr2line(g0, [...sites.keys()]);
    let calls = 0;
    for (const [addr, s] of sites) {
      const p = s.source;
      assert.ok(p !== undefined, `${addr} in ${s.function} placed`);
      assert.equal(p.how, "function-name");
      if (p.at === "call") {
        calls++;
        assert.equal(`${basename(p.file)}:${p.line}`, want.get(addr), `${addr} in ${s.function}`);
      } else {
        // spawn_worker calls fork twice: the function's first line, with both calls named.
        assert.equal(s.function, "spawn_worker");
        assert.deepEqual(p.calls, [`${TREE}/spawn.c:10:15`, `${TREE}/spawn.c:14:5`]);
        assert.equal(p.line, 8);
      }
    }
    assert.ok(calls >= 5, `${calls} sites at their call`);
    // The text report says where, and how.
    const text = runCli(["scan", nodebug, TREE, "--target", "nanos", "--no-cache"]).stdout;
    assert.match(text, /source lines: 12 of 14 code sites placed in the sources scanned with it \(it has no \.debug_line\)/);
    assert.match(text, new RegExp(`at ${TREE}/spawn\\.c:8 \\(in spawn_worker, its first line, by function name\\)`));
  });

  it("the text report shows the source line of each code site, and SARIF uses it as the physical location", () => {
    const text = runCli(["scan", g0, TREE, "--target", "nanos", "--no-cache"]).stdout;
    assert.match(text, new RegExp(`at ${TREE}/spawn\\.c:10:15 \\(in spawn_worker\\), ${TREE}/spawn\\.c:14:5 \\(in spawn_worker\\)`));
    const sarif = JSON.parse(runCli(["scan", g0, TREE, "--target", "nanos", "--no-cache", "-f", "sarif"]).stdout) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[]; relatedLocations?: unknown[] }[] }[];
    };
    const sarifSchema = JSON.parse(readFileSync(join(ROOT, "test", "report", "schemas", "sarif-schema-2.1.0.json"), "utf8")) as object;
    const validateSarif = new AjvDraft04Module.default({ allErrors: true, strict: false, validateFormats: false }).compile(sarifSchema);
    assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 5)));
    const validateReport = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, "docs", "report.schema.json"), "utf8")) as object);
    const json = scanJson([g0, TREE]).report;
    assert.ok(validateReport(json), JSON.stringify(validateReport.errors?.slice(0, 5)));
    const clone = sarif.runs[0]?.results.find((r) => r.ruleId === "syscall/clone:process" && r.relatedLocations !== undefined);
    assert.deepEqual(clone?.locations[0]?.physicalLocation, { artifactLocation: { uri: `${TREE}/spawn.c` }, region: { startLine: 10, startColumn: 15 } });
  });

  it("static functions of one name in two files are said to be ambiguous by name, told apart by the line table", () => {
    const src = join(dir, "twins");
    mkdirSync(src);
    for (const n of ["a", "b"]) {
      writeFileSync(join(src, `${n}.c`), `#include <unistd.h>\nstatic void start(void) {\n  fork();\n}\nvoid run_${n}(void) { start(); }\n`);
    }
    writeFileSync(join(src, "main.c"), "void run_a(void);\nvoid run_b(void);\nint main(void) {\n  run_a();\n  run_b();\n  return 0;\n}\n");
    const files = ["a.c", "b.c", "main.c"].map((n) => join(src, n));
    const withG = build("twins-g", ["-g", "-O0"], files);
    const without = join(dir, "twins-nodebug");
    execFileSync("objcopy", ["--strip-debug", withG, without]);
    const byName = [...sitesOf(scanJson([without, src]).report.files[0] as FileReport, ["clone"]).values()].filter((s) => s.function === "start");
    assert.equal(byName.length, 2);
    for (const s of byName) assert.deepEqual(s.source?.ambiguous, [`${src}/a.c:2`, `${src}/b.c:2`]);
    const byLine = [...sitesOf(scanJson([withG, src]).report.files[0] as FileReport, ["clone"]).values()].filter((s) => s.function === "start");
    assert.deepEqual(byLine.map((s) => `${s.source?.file}:${s.source?.line}`).sort(), [`${src}/a.c:3`, `${src}/b.c:3`]);
  });

  it("sources of another program: nothing is placed by function name, and the report says why", () => {
    // The bundled sample shares only `main` with the tree.
    const { report } = scanJson(["fixtures/sample/prefork-server", TREE]);
    const sample = report.files.find((f) => f.path === "fixtures/sample/prefork-server") as FileReport;
    const sl = sample.binary?.sourceLines;
    assert.equal(sl?.debugLine, false);
    assert.equal(sl?.placed, 0);
    assert.ok((sl?.sites ?? 0) > 0);
    assert.deepEqual(sl?.warnings, ["1 of the binary's 3 functions are defined in the sources scanned with it: its code sites are placed by its .debug_line alone, not by function name"]);
  });

  it("a .debug_line cut short is a warning: the units before the cut place their sites, the others go by function name", () => {
    const whole = join(dir, "debug_line.bin");
    execFileSync("objcopy", ["-O", "binary", "--only-section=.debug_line", "--set-section-flags", ".debug_line=alloc", g0, whole]);
    const bytes = readFileSync(whole);
    const cut = join(dir, "debug_line.cut");
    // Three units (main.c, spawn.c, ops.c, in link order): cut inside the second.
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.45)));
    const damaged = join(dir, "app-O0-cut");
    execFileSync("objcopy", ["--update-section", `.debug_line=${cut}`, g0, damaged]);
    const { report, code, stderr } = scanJson([damaged, TREE]);
    assert.equal(code, 1, stderr);
    assert.equal(stderr, "");
    assert.deepEqual(report.errors, []);
    const app = report.files.find((f) => f.path === damaged) as FileReport;
    const sl = app.binary?.sourceLines;
    assert.match((sl?.warnings ?? []).join("\n"), /^\.debug_line unit at 0x[0-9a-f]+: .*; the rest of the table is not read$/);
    // The cut falls in spawn.c's unit: main.c's calls (puts, signal, kill) keep their table rows.
    const all = [...sitesOf(app, app.targets[0]?.findings.map((f) => f.syscall) ?? []).values()];
    const byHow = (how: string): string[] => [...new Set(all.filter((s) => s.source?.how === how).map((s) => basename(s.source?.file ?? "")))].sort();
    assert.deepEqual(byHow("dwarf"), ["main.c"]);
    assert.deepEqual(byHow("function-name"), ["ops.c", "spawn.c"]);
    assert.ok([...sitesOf(app, PROCESS).values()].every((s) => s.source?.how === "function-name"));
    const text = runCli(["scan", damaged, TREE, "--target", "nanos", "--no-cache"]).stdout;
    assert.match(text, /\? \.debug_line unit at 0x[0-9a-f]+: /);
  });

  it("a binary scanned alone has no code sites; with sources the report is the same for any -j", () => {
    const alone = scanJson([g0]).report.files[0] as FileReport;
    assert.equal(alone.binary?.sourceLines, undefined);
    assert.ok(alone.targets.every((t) => t.findings.every((f) => f.sites === undefined)));
    // Two binaries: with -j 2 they are scanned in worker threads, which get the sources' index.
    const one = runCli(["scan", g0, nodebug, TREE, "--target", "nanos", "--no-cache", "-f", "json", "-j", "1"]).stdout;
    const two = runCli(["scan", g0, nodebug, TREE, "--target", "nanos", "--no-cache", "-f", "json", "-j", "2"]).stdout;
    assert.equal(two, one);
    assert.ok(((JSON.parse(one) as Report).files.find((f) => f.path === nodebug)?.binary?.sourceLines?.placed ?? 0) > 0);
  });
});
