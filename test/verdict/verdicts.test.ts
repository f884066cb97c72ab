// @fileoverview Verdicts that match what happens, asserted on the CLI's JSON report: a small tool that only parses
// options and prints is not blocked by its libc's rare paths (the priority-protect mutex path behind
// pthread_mutex_init, which the curated map's probes never observe), a raw clone() without CLONE_THREAD is a
// process and blocks a single-process target, and a raw clone() with CLONE_THREAD is a thread and does not.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { FileReport, Report } from "../../src/index.js";
import { compile } from "../helpers/compile.js";
import { ROOT } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const program = (name: string): string => join(ROOT, "test", "oracle", "programs", `${name}.c`);
const MUSL = existsSync("/usr/bin/musl-gcc");

function scan(bin: string, targets = "nanos,osv"): FileReport {
  const r = runCli(["scan", bin, "--target", targets, "--format", "json", "--fail-on", "none"]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  const f = report.files[0];
  assert.ok(f !== undefined, r.stdout.slice(0, 500));
  return f;
}
const blockers = (f: FileReport, target: string): string[] =>
  (f.targets.find((t) => t.target === target)?.findings ?? []).filter((x) => x.severity === "blocker").map((x) => `${x.syscall}${x.mode ? `:${x.mode}` : ""} <- ${x.via.join(", ")}`);

const builds: { name: string; flags: string[]; cc: string }[] = [
  { name: "gcc", flags: [], cc: "gcc" },
  { name: "gcc -static", flags: ["-static"], cc: "gcc" },
  ...(MUSL ? [{ name: "musl-gcc -static", flags: ["-static"], cc: "musl-gcc" }] : []),
];

describe("verdicts follow the program's own use", () => {
  for (const b of builds) {
    it(`getopt + puts (${b.name}) is not blocked on nanos or osv`, () => {
      const f = scan(compile(program("getopt-puts"), b.flags, b.cc));
      for (const t of ["nanos", "osv"]) {
        assert.deepEqual(blockers(f, t), [], t);
        assert.notEqual(f.targets.find((x) => x.target === t)?.verdict, "blocked", t);
      }
      // Qualified, not dropped: whatever the libc's code can reach stays in the inventory.
      if (b.name === "gcc") {
        const nanos = f.targets.find((t) => t.target === "nanos");
        const getparam = nanos?.findings.find((x) => x.syscall === "sched_getparam");
        assert.ok(getparam !== undefined, "sched_getparam stays in the report");
        assert.equal(getparam.severity, "warning");
        assert.equal(getparam.qualifier, "rare-path");
      }
    });

    it(`raw clone(SIGCHLD) through syscall() (${b.name}) is a process: blocked on nanos`, () => {
      const f = scan(compile(program("raw-clone-process"), b.flags, b.cc));
      const clone = f.targets.find((t) => t.target === "nanos")?.findings.find((x) => x.syscall === "clone" && x.mode === "process");
      assert.equal(clone?.severity, "blocker", JSON.stringify(f.targets.find((t) => t.target === "nanos")?.findings.filter((x) => x.syscall === "clone")));
      assert.ok(clone.via.some((v) => /^main \(code at 0x[0-9a-f]+, flags SIGCHLD\)$/.test(v)), clone.via.join("; "));
      assert.equal(f.targets.find((t) => t.target === "nanos")?.verdict, "blocked");
    });

    it(`raw clone(CLONE_THREAD) through clone() (${b.name}) is a thread: no clone blocker on nanos`, () => {
      const f = scan(compile(program("raw-clone-thread"), b.flags, b.cc));
      const clones = (f.targets.find((t) => t.target === "nanos")?.findings ?? []).filter((x) => x.syscall === "clone");
      assert.ok(!clones.some((x) => x.severity === "blocker"), JSON.stringify(clones));
      assert.deepEqual(f.syscalls.find((s) => s.name === "clone")?.modes, ["thread"]);
    });
  }
});

describe("blockers say where they come from", () => {
  it("a fork in the program's own code is origin program; one only inside a library it calls is origin library", () => {
    // libforker.so's run_helper() forks; the program calls only run_helper(), never fork() itself.
    const dir = mkdtempSync(join(tmpdir(), "unifit-origin-"));
    try {
      writeFileSync(join(dir, "forker.c"), "#include <unistd.h>\n#include <sys/wait.h>\nint run_helper(void) { pid_t p = fork(); if (p == 0) _exit(0); return waitpid(p, 0, 0) == p ? 0 : 1; }\n");
      writeFileSync(join(dir, "main.c"), "int run_helper(void);\nint main(void) { return run_helper(); }\n");
      execFileSync("gcc", ["-O1", "-shared", "-fPIC", "-o", join(dir, "libforker.so"), join(dir, "forker.c")]);
      execFileSync("gcc", ["-O1", "-o", join(dir, "app"), join(dir, "main.c"), `-L${dir}`, "-lforker", "-Wl,-rpath,$ORIGIN"]);
      const lib = scan(join(dir, "app"), "nanos");
      const nanos = lib.targets.find((t) => t.target === "nanos");
      const clone = nanos?.findings.find((x) => x.syscall === "clone" && x.mode === "process");
      assert.equal(clone?.severity, "blocker", JSON.stringify(nanos?.findings.map((x) => [x.syscall, x.mode, x.severity])));
      assert.equal(clone.origin, "library");
      assert.ok(clone.via.some((v) => v.startsWith("run_helper")), clone.via.join("; "));
      assert.equal(nanos?.counts.libraryBlockers, nanos?.counts.blockers);

      const own = scan(compile(program("fork-exec"), []), "nanos");
      const ownNanos = own.targets.find((t) => t.target === "nanos");
      assert.equal(ownNanos?.findings.find((x) => x.syscall === "clone" && x.mode === "process")?.origin, "program");
      assert.ok((ownNanos?.counts.libraryBlockers ?? -1) < (ownNanos?.counts.blockers ?? 0));
      const text = runCli(["scan", compile(program("fork-exec"), []), "--target", "nanos", "--fail-on", "none"]).stdout;
      assert.match(text, /nanos +blocked +score +\d+ +\d+ blockers \(/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("runtime fallbacks", () => {
  it("node is not blocked on linux: libuv's _sysctl is its last-resort random source, tolerated", { skip: existsSync("/usr/bin/node") ? false : "no /usr/bin/node" }, () => {
    const f = scan("/usr/bin/node", "linux");
    const linux = f.targets.find((t) => t.target === "linux");
    assert.notEqual(linux?.verdict, "blocked", blockers(f, "linux").join("; "));
    const sysctl = linux?.findings.find((x) => x.syscall === "_sysctl");
    if (sysctl !== undefined) {
      assert.equal(sysctl.severity, "info");
      assert.equal(sysctl.qualifier, "tolerated");
      assert.match(sysctl.fallback ?? "", /libuv: libuv\/libuv@v1\.\d+\.\d+:src\//);
    }
  });

  it("ls on nanos: faccessat2 falls back to faccessat (glibc), info with the fallback named", () => {
    const f = scan("/usr/bin/ls", "nanos");
    const nanos = f.targets.find((t) => t.target === "nanos");
    assert.notEqual(nanos?.verdict, "blocked", blockers(f, "nanos").join("; "));
    const fa2 = nanos?.findings.find((x) => x.syscall === "faccessat2");
    assert.equal(fa2?.severity, "info");
    assert.match(fa2?.fallback ?? "", /faccessat.*glibc: bminor\/glibc@[0-9a-f]+:sysdeps\/unix\/sysv\/linux\/faccessat\.c/);
  });
});
