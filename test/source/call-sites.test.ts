// @fileoverview Source call sites as the user sees them: `unifit scan` on C files, read from its JSON report and exit
// code. The fixtures in fixtures/source-calls/ carry their expectations as comments above the line they are about
// (`// site: NAME` must be reported with callee or macro NAME, `// ok` must not be, `// notbuilt: NAME` is listed as
// not built on Linux, `// unreached: NAME` as reached from nothing, `// notcompiled: NAME` as left out by the build's
// compile_commands.json); the test reads them, so the fixtures are the truth.

import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { PROCESS_MODEL } from "../../src/analyze/source-tree.js";
import type { Report, SourceCallSite } from "../../src/types.js";
import { compile } from "../helpers/compile.js";
import { ROOT, fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

interface Mark {
  file: string;
  line: number;
  kind: "site" | "ok" | "notbuilt" | "unreached" | "notcompiled";
  name: string;
}

/** The annotations of a file: each applies to the next line that is not a comment. */
function marks(path: string): Mark[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const out: Mark[] = [];
  lines.forEach((l, i) => {
    const m = /^\s*(?:\/\/|\/\*)\s*(site|ok|notbuilt|unreached|notcompiled)\b:?\s*(\w*)/.exec(l);
    if (m === null) return;
    let j = i + 1;
    while (j < lines.length && /^\s*(\/\/|\/\*)/.test(lines[j] as string)) j++;
    out.push({ file: relative(ROOT, path), line: j + 1, kind: m[1] as Mark["kind"], name: m[2] ?? "" });
  });
  return out;
}

function scanJson(args: string[]): { code: number; report: Report; stderr: string } {
  const r = runCli(["scan", ...args, "--format", "json"]);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

/** "file:line" → the sites reported there. */
function sitesByLine(report: Report): Map<string, SourceCallSite[]> {
  const out = new Map<string, SourceCallSite[]>();
  for (const f of report.files) {
    for (const s of f.sites ?? []) {
      const k = `${f.path}:${s.line}`;
      out.set(k, [...(out.get(k) ?? []), s]);
    }
  }
  return out;
}

const nanos = (s: SourceCallSite): string | undefined => s.targets.find((t) => t.target === "nanos")?.level;

describe("source call sites (CLI, JSON report)", () => {
  it("a main that calls fork, execve and setsid is blocked on nanos, with three findings at three lines", () => {
    const file = fixture("source-calls", "fork-exec-setsid.c");
    const { code, report } = scanJson([relative(ROOT, file), "--target", "nanos"]);
    assert.equal(code, 1);
    const f = report.files[0];
    assert.ok(f !== undefined);
    assert.equal(f.targets[0]?.verdict, "blocked");
    const blockers = (f.sites ?? []).filter((s) => nanos(s) === "blocker");
    const expected = marks(file).filter((m) => m.kind === "site");
    assert.equal(expected.length, 3);
    assert.deepEqual(
      blockers.map((s) => `${s.line} ${s.callee} ${s.function}`),
      expected.map((m) => `${m.line} ${m.name} main`),
    );
    assert.deepEqual(blockers.find((s) => s.callee === "fork")?.syscalls.find((x) => x.name === "clone"), { name: "clone", mode: "process" });
    // The same code compiled: the binary analysis blocks it on nanos as well.
    const bin = scanJson([compile(file), "--target", "nanos"]);
    assert.equal(bin.report.files[0]?.targets[0]?.verdict, "blocked");
    // Text: the calls grouped by function, every line.
    const text = runCli(["scan", relative(ROOT, file), "--target", "nanos"]).stdout;
    for (const m of expected) assert.match(text, new RegExp(`fork-exec-setsid\\.c:${m.line}:\\d+  ${m.name} -> `));
  });

  it("a tree is one program: wrappers across files, macros, reachability, only code the compiler sees", () => {
    const dir = fixture("source-calls", "tree");
    const { code, report, stderr } = scanJson([relative(ROOT, dir), "--target", "nanos", "-j", "2"]);
    assert.equal(code, 1, stderr);
    const byLine = sitesByLine(report);
    const all = readdirSync(dir).map((n) => join(dir, n)).sort().flatMap(marks);
    assert.ok(all.length >= 10);
    for (const m of all) {
      const here = byLine.get(`${m.file}:${m.line}`) ?? [];
      const named = here.filter((s) => s.callee === m.name || s.macro === m.name);
      const where = `${m.file}:${m.line} (${m.kind} ${m.name})`;
      if (m.kind === "ok") assert.deepEqual(here.filter((s) => PROCESS_MODEL.has(s.callee) || s.kind === "wrapper"), [], where);
      else assert.ok(named.length > 0, `not reported: ${where}`);
      if (m.kind === "site") assert.ok(named.every((s) => s.reachable && s.notBuilt === undefined && nanos(s) === "blocker"), where);
      if (m.kind === "notbuilt") assert.ok(named.every((s) => s.notBuilt?.startsWith("not built on Linux")), where);
      if (m.kind === "unreached") assert.ok(named.every((s) => !s.reachable && s.chain === undefined), where);
    }
    // Every process-model or wrapper site reported is annotated.
    const annotated = new Set(all.map((m) => `${m.file}:${m.line}`));
    for (const [k, list] of byLine) {
      if (list.some((s) => PROCESS_MODEL.has(s.callee) || s.kind === "wrapper")) assert.ok(annotated.has(k), `reported but not annotated: ${k}`);
    }
    // A wrapper site names the whole chain and where the libc call is; reachability goes through the handler
    // that main registers.
    const reload = (byLine.get("fixtures/source-calls/tree/main.c:17") ?? [])[0];
    assert.deepEqual(reload?.through, ["reload_workers", "spawn_worker", "fork"]);
    assert.equal(reload?.at, "fixtures/source-calls/tree/spawn.c:10");
    assert.deepEqual(reload?.chain, ["main", "&on_hup", "reload_workers"]);
    // Functions whose address only an initializer stores (ops.c) are reached; a local table's entry through the
    // function that holds the table.
    const exec = (byLine.get("fixtures/source-calls/tree/ops.c:43") ?? []).find((s) => s.callee === "execl");
    assert.deepEqual(exec?.chain, ["main", "run_table", "&on_exec", "execl"]);
    // Reachable sites first, then unreached ones, then those not built.
    const spawn = report.files.find((f) => f.path.endsWith("spawn.c"));
    const order = (spawn?.sites ?? []).map((s) => (s.notBuilt !== undefined ? 2 : s.reachable ? 0 : 1));
    assert.deepEqual(order, [...order].sort());
  });

  it("compile_commands.json: files it does not compile and branches its -D/-U flags close are not built", () => {
    const dir = fixture("source-calls", "compiled");
    const { code, report, stderr } = scanJson([relative(ROOT, dir), "--target", "nanos"]);
    assert.equal(code, 1, stderr);
    const byLine = sitesByLine(report);
    const all = ["server.c", "tool.c"].flatMap((n) => marks(join(dir, n)));
    assert.equal(all.filter((m) => m.kind === "notcompiled").length, 3);
    for (const m of all) {
      const named = (byLine.get(`${m.file}:${m.line}`) ?? []).filter((s) => s.callee === m.name);
      assert.ok(named.length > 0, `not reported: ${m.file}:${m.line} ${m.name}`);
      if (m.kind === "site") assert.ok(named.every((s) => s.notBuilt === undefined && nanos(s) === "blocker"), `${m.line}`);
      if (m.kind === "notcompiled") assert.ok(named.every((s) => /compile_commands\.json/.test(s.notBuilt ?? "")), `${m.line}`);
    }
    // Not-built calls are listed, not rated: the thread and daemon branches do not decide the verdict.
    const server = report.files.find((f) => f.path.endsWith("server.c"));
    assert.deepEqual(server?.syscalls.find((x) => x.name === "clone")?.modes, ["process"]);
    // A database that cannot be read: one line naming it, exit 2, and the sources are still reported.
    const bad = runCli(["scan", relative(ROOT, dir), "--target", "nanos", "--compile-commands", fixture("source-calls", "fork-exec-setsid.c")]);
    assert.equal(bad.code, 2);
    const lines = bad.stdout.split("\n").filter((l) => l.includes("fork-exec-setsid.c"));
    assert.equal(lines.length, 1, bad.stdout);
    assert.match(lines[0] ?? "", /not a compilation database/);
    assert.match(bad.stdout, /server\.c:10:\d+ {2}fork -> /);
  });
});
