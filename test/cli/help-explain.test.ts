// @fileoverview What a user reads from `--help` and `unifit explain`: every command's help names its inputs, its
// defaults (the real default targets, read from the target files) and its exit codes; explain shows a syscall's row on
// every target even when a rule has the same name, and a libc function's syscalls from syscall-db/libc with each
// target's status; compare and explain take --db, --target-file and -o like scan.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { ROOT, fixture } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const targetsDir = join(ROOT, "syscall-db", "targets");
type TargetFile = { target: string; runs: string; "alias-of"?: string; syscalls?: Record<string, { status: string; modes?: Record<string, string> }> };
const targetFiles: TargetFile[] = readdirSync(targetsDir)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => parse(readFileSync(join(targetsDir, f), "utf8")) as TargetFile);
/** The oracle: the target files that say they run an unmodified Linux binary. */
const linuxBinary = targetFiles.filter((t) => t.runs === "linux-binary").map((t) => t.target).sort();
const flat = (s: string): string => s.replace(/\s+/g, " ");

describe("--help", () => {
  it("scan names its inputs, the real default targets, the values of --fail-on and --format, and the exit codes", () => {
    const r = runCli(["scan", "--help"]);
    assert.equal(r.code, 0, r.stderr);
    const h = flat(r.stdout);
    for (const input of ["ELF", "C and C++ sources", "directories", "container images", "root file systems"]) assert.ok(h.includes(input), input);
    assert.ok(linuxBinary.length >= 5);
    assert.ok(h.includes(`Default targets (runs: linux-binary, default profile; see \`unifit targets\`): ${linuxBinary.join(", ")}.`), h);
    assert.match(h, /--fail-on <level> .*blocker, warning, or none/);
    assert.match(h, /codequality, html, json, junit, markdown, sarif, text/);
    assert.match(h, /Exit codes: 0 nothing at or over --fail-on; 1 a finding at or over it .*; 2 usage errors, or inputs that could not be read/);
  });

  for (const cmd of [["baseline", "create"], ["compare"], ["explain"], ["plan"], ["targets"], ["diff"], ["fix"], ["try"]]) {
    it(`${cmd.join(" ")} --help says its exit codes`, () => {
      const r = runCli([...cmd, "--help"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(flat(r.stdout), /Exit (codes: 0|status: )/);
    });
  }

  it("compare and baseline create name their inputs and default targets; compare and explain share scan's --db, --target-file and -o", () => {
    for (const cmd of [["compare"], ["baseline", "create"]]) {
      const h = flat(runCli([...cmd, "--help"]).stdout);
      assert.ok(h.includes(linuxBinary.join(", ")), cmd.join(" "));
      assert.ok(h.includes("C and C++ sources"), cmd.join(" "));
    }
    const scanHelp = flat(runCli(["scan", "--help"]).stdout);
    for (const cmd of ["compare", "explain"]) {
      const h = flat(runCli([cmd, "--help"]).stdout);
      for (const opt of ["--db <dir>", "--target-file <file>", "-o, --output <file>"]) {
        const line = (text: string): string | undefined => text.split("  ").find((x) => x.trim().startsWith(opt));
        assert.ok(h.includes(opt), `${cmd} ${opt}`);
        if (opt !== "-o, --output <file>") assert.equal(line(h)?.trim(), line(scanHelp)?.trim(), `${cmd} ${opt} reads as in scan`);
      }
    }
  });
});

describe("unifit explain", () => {
  it("ptrace: the syscall's row on every target, then the rule of the same name", () => {
    const r = runCli(["explain", "ptrace"]);
    assert.equal(r.code, 0, r.stderr);
    for (const t of targetFiles) {
      // An alias (firecracker) has linux's rows; a target with no POSIX surface (mirageos) has none.
      const rows = t.syscalls ?? targetFiles.find((x) => x.target === t["alias-of"])?.syscalls ?? {};
      const row = rows.ptrace;
      const status = row?.status ?? "absent";
      assert.match(r.stdout, new RegExp(`^ {2}${t.target} +${status}`, "m"), t.target);
    }
    assert.match(r.stdout, /^ptrace: .*\(raw-syscall; rules\/raw-syscall\/ptrace\.yaml\)$/m);
    assert.ok(r.stdout.indexOf("ptrace (x86_64 101") < r.stdout.indexOf("rules/raw-syscall/ptrace.yaml"));
    type J = { kind: string; also?: { kind: string; libcs?: { syscalls: { name: string }[] }[] }[] };
    const j = JSON.parse(runCli(["explain", "ptrace", "-f", "json"]).stdout) as J;
    // glibc's and musl's ptrace() make only ptrace: no libc section.
    assert.deepEqual([j.kind, ...(j.also ?? []).map((e) => e.kind)], ["syscall", "rule"]);
    const fork = JSON.parse(runCli(["explain", "fork", "-f", "json"]).stdout) as J;
    assert.deepEqual([fork.kind, ...(fork.also ?? []).map((e) => e.kind)], ["syscall", "libc"]);
    assert.ok(fork.also?.[0]?.libcs?.[0]?.syscalls.some((s) => s.name === "clone"), "glibc's fork() makes clone");
  });

  for (const fn of ["daemon", "system"]) {
    it(`${fn}: the libc function's syscalls from syscall-db/libc and each target's status for them`, () => {
      const r = runCli(["explain", fn, "-f", "json"]);
      assert.equal(r.code, 0, r.stderr);
      const e = JSON.parse(r.stdout) as {
        kind: string;
        libcs: { libc: string; syscalls: { name: string; mode?: string }[]; targets: { target: string; level: string; statuses: string[] }[] }[];
      };
      assert.equal(e.kind, "libc");
      assert.deepEqual(e.libcs.map((l) => l.libc), ["glibc", "musl"]);
      for (const l of e.libcs) {
        const map = parse(readFileSync(join(ROOT, "syscall-db", "libc", `${l.libc}.yaml`), "utf8")) as { functions: Record<string, { x86_64: string[] }> };
        const expected = (map.functions[fn] as { x86_64: string[] }).x86_64;
        assert.deepEqual(l.syscalls.map((s) => (s.mode !== undefined ? `${s.name}:${s.mode}` : s.name)), expected);
        const nanos = targetFiles.find((t) => t.target === "nanos") as TargetFile;
        const got = l.targets.find((t) => t.target === "nanos");
        const want = l.syscalls.map((s) => {
          const row = nanos.syscalls?.[s.name];
          return row === undefined ? "absent" : ((s.mode !== undefined ? row.modes?.[s.mode] : undefined) ?? row.status);
        });
        assert.deepEqual(got?.statuses, want, `${l.libc} on nanos`);
        assert.equal(got?.level, "blocker", "clone (process) is refused on nanos");
        assert.equal(l.targets.find((t) => t.target === "linux")?.level, "ok");
      }
      const text = runCli(["explain", fn]).stdout;
      assert.match(text, new RegExp(`^${fn} \\(glibc [^ ]+ function\\): \\d+ syscall\\(s\\) on x86_64$`, "m"));
      assert.match(text, /^ {2}clone \(process\) +full +full /m);
    });
  }

  it("an unknown name is one line on stderr and exit 2", () => {
    const r = runCli(["explain", "no-such-thing"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /"no-such-thing" is not a syscall, a libc function/);
  });
});

describe("explain and compare take --db, --target-file and -o", () => {
  const dir = mkdtempSync(join(tmpdir(), "unifit-explain-"));
  const acme = join(dir, "acme.yaml");
  writeFileSync(acme, readFileSync(join(targetsDir, "nanos.yaml"), "utf8").replace(/^target: nanos$/m, "target: acme-os"));

  it("explain: an in-house target gets its row, the output goes to -o's file, a missing --db is an error", () => {
    const out = join(dir, "explain.json");
    const r = runCli(["explain", "fork", "--target-file", acme, "-f", "json", "-o", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    const sc = JSON.parse(readFileSync(out, "utf8")) as { kind: string; targets: { target: string; status: string }[] };
    assert.equal(sc.kind, "syscall");
    assert.deepEqual(sc.targets.find((t) => t.target === "acme-os")?.status, sc.targets.find((t) => t.target === "nanos")?.status);
    const bad = runCli(["explain", "fork", "--db", join(dir, "no-db")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no-db/);
  });

  it("compare: an in-house target becomes a column, the matrix goes to -o's file", () => {
    const out = join(dir, "matrix.json");
    const r = runCli(["compare", fixture("sample", "prefork-server"), "--target-file", acme, "--target", "acme-os,nanos", "-f", "json", "-o", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    const m = JSON.parse(readFileSync(out, "utf8")) as { targets: string[]; rows: { label: string; cells: string[] }[] };
    assert.deepEqual(m.targets, ["acme-os", "nanos"]);
    for (const row of m.rows) assert.equal(row.cells[0], row.cells[1], row.label);
    assert.equal(runCli(["compare", fixture("sample", "prefork-server"), "--db", join(dir, "no-db")]).code, 2);
  });
});
