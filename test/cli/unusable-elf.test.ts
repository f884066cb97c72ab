// @fileoverview ELF files that are not programs or are cut short: a gcc -c object and a core dump give one error
// line (exit 2); a file cut inside a loaded segment is a malformed-ELF error; a file cut after its loaded part is
// reported but never compatible; a shared library is scanned as a library. All on programs compiled here.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readElf } from "../../src/index.js";
import { compile } from "../helpers/compile.js";
import { runCli } from "../helpers/run-cli.js";

const PROGRAM = `#include <stdio.h>
#include <unistd.h>
int main(void) { printf("waiting\\n"); fflush(stdout); pause(); return 0; }
`;
const LIBRARY = `#include <unistd.h>
int start_worker(void) { return fork(); }
`;
const PURE_LIBRARY = `int add(int a, int b) { return a + b; }
`;

interface Report {
  files: { path: string; binary: { interp?: string; linkage: string }; uncertainties: { kind: string; message: string }[]; targets: { target: string; verdict: string; findings: { syscall: string; mode?: string; severity: string }[] }[] }[];
  errors: { path: string; code: string; message: string }[];
}

const scanJson = (path: string, target: string): { code: number; stderr: string; report: Report } => {
  const r = runCli(["scan", path, "--target", target, "--format", "json"]);
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) as Report };
};

/**
 * A real core dump of the program (SIGSEGV with `ulimit -c unlimited`, written to the working directory when the
 * kernel's core_pattern is a plain file name), else the program with e_type set to ET_CORE: the header is what
 * unifit reads to tell one from a program.
 */
async function coreDump(program: string, dir: string): Promise<{ path: string; real: boolean }> {
  const pattern = existsSync("/proc/sys/kernel/core_pattern") ? readFileSync("/proc/sys/kernel/core_pattern", "utf8").trim() : "|";
  const cwd = join(dir, "core-dir");
  mkdirSync(cwd);
  if (!pattern.startsWith("|") && !pattern.includes("/")) {
    const child = spawn("sh", ["-c", `ulimit -c unlimited && exec "${program}"`], { cwd, stdio: ["ignore", "pipe", "ignore"] });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.kill("SIGSEGV");
    await new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const core = readdirSync(cwd).find((f) => f.startsWith("core"));
    if (core !== undefined) return { path: join(cwd, core), real: true };
  }
  const bytes = Buffer.from(readFileSync(program));
  bytes.writeUInt16LE(4, 16); // e_type = ET_CORE
  const path = join(cwd, "core");
  writeFileSync(path, bytes);
  return { path, real: false };
}

describe("ELF files that are not programs, or are cut short", () => {
  let dir = "";
  let dynamic = "";
  let stat = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "unifit-unusable-"));
    for (const [name, text] of [["program.c", PROGRAM], ["library.c", LIBRARY], ["pure.c", PURE_LIBRARY]] as const) writeFileSync(join(dir, name), text);
    dynamic = compile(join(dir, "program.c"));
    stat = compile(join(dir, "program.c"), ["-static"]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a gcc -c object: one error line naming the file, exit 2, no verdict", () => {
    const object = join(dir, "program.o");
    copyFileSync(compile(join(dir, "program.c"), ["-c"]), object);
    const text = runCli(["scan", object, "--target", "linux"]);
    assert.equal(text.code, 2, text.stdout);
    const lines = text.stdout.split("\n").filter((l) => l.includes(object));
    assert.deepEqual(lines, [`error ${object}: relocatable object file (ET_REL, what gcc -c writes), not a program: link it and scan the executable or shared library`]);
    const { code, report, stderr } = scanJson(object, "linux");
    assert.equal(code, 2);
    assert.deepEqual(report.files, []);
    assert.equal(report.errors[0]?.code, "NOT_PROGRAM");
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
  });

  it("a core dump: one error line, exit 2", async () => {
    const core = await coreDump(dynamic, dir);
    const { code, report } = scanJson(core.path, "linux");
    assert.equal(code, 2, `real core dump: ${core.real}`);
    assert.deepEqual(report.files, []);
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0]?.code, "NOT_PROGRAM");
    assert.match(report.errors[0]?.message ?? "", /^core dump \(ET_CORE\), not a program/);
  });

  for (const [kind, get] of [["dynamic", () => dynamic], ["static", () => stat]] as const) {
    it(`${kind} program cut at many offsets: an error or a report, never compatible (rated on linux)`, () => {
      const bytes = readFileSync(get());
      const elf = readElf(bytes);
      const loads = elf.segments.filter((s) => s.type === 1 && s.filesz > 0);
      const loadedEnd = Math.max(...loads.map((s) => s.offset + s.filesz));
      // In the program headers, inside each loaded segment, and between the loaded part and the end of the file.
      const offsets = [80, ...loads.map((s) => s.offset + Math.floor(s.filesz / 2)), loadedEnd + Math.floor((bytes.length - loadedEnd) / 2), bytes.length - 1];
      for (const at of offsets) {
        const path = join(dir, `${kind}-cut-${at}`);
        writeFileSync(path, bytes.subarray(0, at));
        const { code, report } = scanJson(path, "linux");
        assert.notEqual(code, 0, `cut at ${at}`);
        if (at < loadedEnd) {
          // The loader would fault on the missing bytes: the file cannot run at all.
          assert.equal(code, 2, `cut at ${at}`);
          assert.equal(report.errors.length, 1);
          assert.equal(report.errors[0]?.code, "BAD_ELF");
          assert.match(report.errors[0]?.message ?? "", /^malformed ELF: /);
          if (at > 64 + elf.segments.length * 56) assert.match(report.errors[0]?.message ?? "", /truncated: a PT_LOAD segment needs file bytes/);
        } else {
          // The loaded part is whole, the section headers are gone: reported as far as it goes, but unknown.
          assert.equal(code, 1, `cut at ${at}`);
          const f = report.files[0];
          assert.ok(f !== undefined);
          assert.equal(f.targets[0]?.verdict, "unknown");
          assert.ok(f.uncertainties.some((u) => u.kind === "degraded-elf" && /cut short/.test(u.message)), JSON.stringify(f.uncertainties));
        }
      }
      // The whole file is compatible with linux: the verdicts above come from the cut, not from the program.
      assert.equal(scanJson(get(), "linux").report.files[0]?.targets[0]?.verdict, "compatible");
    });
  }

  it("a shared library is scanned as one: its exported functions decide, and the text says what it is", () => {
    const lib = compile(join(dir, "library.c"), ["-shared", "-fPIC"]);
    const { code, report } = scanJson(lib, "nanos,linux");
    assert.equal(code, 1);
    const f = report.files[0];
    assert.ok(f !== undefined);
    assert.equal(f.binary.interp, undefined);
    const nanos = f.targets.find((t) => t.target === "nanos");
    assert.equal(nanos?.verdict, "blocked");
    assert.ok(nanos?.findings.some((x) => x.syscall === "clone" && x.mode === "process" && x.severity === "blocker"));
    assert.equal(f.targets.find((t) => t.target === "linux")?.verdict, "compatible");
    const text = runCli(["scan", lib, "--target", "nanos"]);
    assert.match(text.stdout, /^ {2}ELF x86_64, shared library, glibc,/m);
    const pure = compile(join(dir, "pure.c"), ["-shared", "-fPIC"]);
    const p = scanJson(pure, "nanos");
    assert.equal(p.code, 0, p.stderr);
    assert.notEqual(p.report.files[0]?.targets[0]?.verdict, "blocked");
  });
});
