// @fileoverview Which targets `unifit scan` rates without --target: those whose file says `runs: linux-binary` (in
// their default profile), as `unifit targets` lists them; `--target all` still rates every target; a target file
// with a bad `runs` is refused with one line.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { compile } from "../helpers/compile.js";
import { ROOT } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

interface Listed {
  name: string;
  runs: string;
}

describe("default targets", () => {
  let dir = "";
  let forkExec = "";
  let listed: Listed[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "unifit-defaults-"));
    forkExec = compile(join(ROOT, "test", "oracle", "programs", "fork-exec.c"));
    const r = runCli(["targets", "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    listed = JSON.parse(r.stdout);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("unifit targets says what each target runs, in every format", () => {
    for (const t of listed) assert.ok(["linux-binary", "rebuild", "rewrite"].includes(t.runs), `${t.name}: ${t.runs}`);
    const runs = (name: string): string | undefined => listed.find((t) => t.name === name)?.runs;
    // Library OSes need a rebuild against their own libc, MirageOS a rewrite in OCaml (their files' summaries say why).
    assert.equal(runs("hermit"), "rebuild");
    assert.equal(runs("rumprun"), "rebuild");
    assert.equal(runs("mirageos"), "rewrite");
    for (const t of ["linux", "firecracker", "gvisor", "nanos", "osv", "unikraft", "hermitux"]) assert.equal(runs(t), "linux-binary", t);
    const table = runCli(["targets"]).stdout;
    assert.match(table, /^target +kind +runs +upstream/m);
    assert.match(table, /^mirageos +library-os +rewrite +mirage\/mirage/m);
    const csv = runCli(["targets", "--format", "csv"]).stdout.split("\n");
    assert.match(csv[0] ?? "", /^target,title,kind,process_model,runs,alias_of,/);
    assert.match(csv.find((l) => l.startsWith("hermit,")) ?? "", /,library-os,single-process,rebuild,,hermit-os\/kernel,/);
  });

  it("scan without --target rates the linux-binary targets in their default profile; --target all rates every one", () => {
    const expected = listed.filter((t) => t.runs === "linux-binary" && !t.name.includes(":")).map((t) => t.name);
    const r = runCli(["scan", forkExec, "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.targets.map((t: { name: string }) => t.name), expected);
    assert.deepEqual(report.files[0].targets.map((t: { target: string }) => t.target), expected);
    const all = JSON.parse(runCli(["scan", forkExec, "--format", "json", "--target", "all"]).stdout);
    assert.deepEqual(all.targets.map((t: { name: string }) => t.name), listed.map((t) => t.name));
    // The text report's closing line names the same targets, and no other.
    const text = runCli(["scan", forkExec]).stdout;
    assert.match(text, /\bnanos blocked\b/);
    assert.doesNotMatch(text, /mirageos|rumprun|hermit\b|unikraft:full/);
    const compare = JSON.parse(runCli(["compare", forkExec, "--format", "json"]).stdout);
    assert.deepEqual(compare.targets, expected);
  });

  it("scan --help says what the default is", () => {
    const r = runCli(["scan", "--help"]);
    assert.match(r.stdout.replace(/\s+/g, " "), /default: the targets that run an unmodified Linux binary/);
  });

  it("a target file without a valid runs is refused in one line; a linux-binary custom target joins the default set", () => {
    const nanos = readFileSync(join(ROOT, "syscall-db", "targets", "nanos.yaml"), "utf8").replace(/^target: nanos$/m, "target: acme-os");
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, nanos.replace(/^runs: .*$/m, "runs: sometimes"));
    const b = runCli(["scan", forkExec, "--target-file", bad]);
    assert.equal(b.code, 2);
    assert.equal(b.stderr.trim().split("\n").length, 1, b.stderr);
    assert.match(b.stderr, /bad\.yaml: runs must be one of linux-binary, rebuild, rewrite \(got "sometimes"\)/);
    const missing = join(dir, "missing.yaml");
    writeFileSync(missing, nanos.replace(/^runs: .*\n/m, ""));
    assert.match(runCli(["scan", forkExec, "--target-file", missing]).stderr, /missing\.yaml: runs must be one of/);
    const good = join(dir, "good.yaml");
    writeFileSync(good, nanos);
    const g = JSON.parse(runCli(["scan", forkExec, "--target-file", good, "--format", "json"]).stdout);
    assert.ok(g.targets.some((t: { name: string }) => t.name === "acme-os"));
    const rebuild = join(dir, "rebuild.yaml");
    writeFileSync(rebuild, nanos.replace(/^runs: .*$/m, "runs: rebuild"));
    const n = JSON.parse(runCli(["scan", forkExec, "--target-file", rebuild, "--format", "json"]).stdout);
    assert.ok(!n.targets.some((t: { name: string }) => t.name === "acme-os"));
  });
});
