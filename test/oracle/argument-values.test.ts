// @fileoverview The argument values of the scan against what the programs did: the argument test programs
// (test/analyze/programs) built with gcc at -O0, -O1 and -O2, statically, and with musl-gcc, are run under
// `strace -f -X raw`, and every value of a deciding argument observed (socket's domain, mmap's mapping type, an ioctl
// request, a fcntl command, a prctl option, futex's op, a clock id, setsockopt's level and option...) must be among
// the values the CLI's JSON report gives that syscall, wherever the report claims to know them all: every `via` of
// the syscall carries a value and none is "unknown". A value the report leaves out there is a wrong claim (this is how
// `socket(AF_UNIX)` was once reported for programs that open AF_INET: a stack slot changed by an in-place add, or
// through a copy of rsp handed to a callee). Runs natively (x86-64); the programs make no exec, so every call traced
// is the program's own or its libraries'.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ARG_SPECS, UNKNOWN } from "../../src/index.js";
import { argPair, argValueName } from "../../src/db/args.js";
import type { FileReport, Report } from "../../src/index.js";
import { compile } from "../helpers/compile.js";
import { ROOT } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const PROGRAMS = join(ROOT, "test", "analyze", "programs");

interface Build {
  path: string;
  /** Argument lists to run it with (the programs pick their paths by argc). */
  runs: readonly (readonly string[])[];
}

function builds(): Build[] {
  const out: Build[] = [];
  const argcs = [[], ["a"], ["a", "b"], ["a", "b", "c"]];
  for (const file of readdirSync(PROGRAMS).filter((f) => f.endsWith(".c")).sort()) {
    const source = join(PROGRAMS, file);
    if (file === "arg-cases.c") {
      // One call per case, as test/analyze/argument-rules.test.ts builds them (the same cached binaries).
      for (let n = 1; n <= 27; n++) {
        const flags = [`-DARGCASE=${n}`, "-pthread"];
        for (const [extra, cc] of [[[], "gcc"], [["-static"], "gcc"], [["-static"], "musl-gcc"]] as const) out.push({ path: compile(source, [...flags, ...extra], cc), runs: [[]] });
      }
      continue;
    }
    for (const flags of [[], ["-O0"], ["-O2"], ["-O2", "-static"]]) out.push({ path: compile(source, ["-pthread", ...flags]), runs: argcs });
    out.push({ path: compile(source, ["-O2", "-static"], "musl-gcc"), runs: argcs });
  }
  return out;
}

/** The deciding values each traced syscall was made with, by name (argValueName), from `strace -X raw` lines. */
function observed(build: Build): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  for (const argv of build.runs) {
    const r = spawnSync("strace", ["-f", "-qq", "-X", "raw", "-e", `trace=${[...ARG_SPECS.keys()].join(",")}`, build.path, ...argv], {
      encoding: "utf8",
      timeout: 20_000,
      stdio: ["ignore", "ignore", "pipe"],
    });
    assert.ok(r.error === undefined, `${build.path}: ${String(r.error)}`);
    for (const line of r.stderr.split("\n")) {
      const m = /^(?:\[pid\s+\d+\] )?(\w+)\((.*)$/.exec(line);
      const spec = m !== null ? ARG_SPECS.get(m[1] as string) : undefined;
      if (m === null || spec === undefined) continue;
      const args = (m[2] as string).split(", ");
      const num = (i: number): number => (args[i] === "NULL" ? 0 : Number(args[i]));
      const value = spec.second !== undefined ? argPair(num(spec.index), num(spec.second.index)) : num(spec.index);
      if (!Number.isFinite(value)) continue;
      const name = m[1] as string;
      let set = seen.get(name);
      if (set === undefined) seen.set(name, (set = new Set()));
      set.add(argValueName(name, value) as string);
    }
  }
  return seen;
}

/**
 * Values a build is known to be made with that its report leaves out, and why. The test fails when one of these
 * shows up anywhere else, and says so when one no longer shows up, so the list stays true.
 * - Static glibc: stdio allocates a stream's buffer in _IO_file_doallocate, reached from printf through the FILE
 *   vtable (an indirect call the code analysis does not follow), which asks isatty -> tcgetattr -> ioctl(TCGETS) when
 *   the stream is a character device (stdout is /dev/null here). The report then gives ioctl the values of the
 *   program's own calls only (arg-cases.c case 9, FIONBIO; arg-lists.c, the interface requests of getaddrinfo's code).
 */
function knownGap(f: FileReport, syscall: string, value: string): boolean {
  return syscall === "ioctl" && value === "TCGETS" && f.binary?.linkage === "static" && f.binary.libc === "glibc";
}

describe("argument values: the scan against strace -f", () => {
  it("gives every value a traced call was made with, wherever the report says it knows them all", () => {
    const all = builds();
    const r = runCli(["scan", ...all.map((b) => b.path), "--target", "all", "--format", "json", "--fail-on", "none"]);
    assert.equal(r.code, 0, r.stderr);
    const files = new Map((JSON.parse(r.stdout) as Report).files.map((f) => [f.path, f]));
    const wrong: string[] = [];
    const gaps: string[] = [];
    let checked = 0;
    let values = 0;
    for (const b of all) {
      const f = files.get(b.path);
      assert.ok(f !== undefined, `${b.path} not in the report`);
      for (const [name, seen] of observed(b)) {
        const row = f.syscalls.find((s) => s.name === name);
        // Not reported at all: the recall tests' business (test/oracle/scan-vs-strace.test.ts); no values claimed.
        if (row === undefined || row.via.some((v) => v.mode === undefined)) continue;
        const modes = row.modes ?? [];
        if (modes.includes(UNKNOWN)) continue;
        checked++;
        values += seen.size;
        for (const v of seen) if (!modes.includes(v) && knownGap(f, name, v)) gaps.push(`${b.path}: ${name} ${v}`);
        const missing = [...seen].filter((v) => !modes.includes(v) && !knownGap(f, name, v));
        if (missing.length > 0) wrong.push(`${b.path}: ${name} made with ${missing.join(", ")}; the report gives only ${modes.join(", ")}`);
      }
    }
    console.log(`# ${all.length} builds; ${checked} syscalls whose values the report claims, ${values} values traced there`);
    for (const g of gaps) console.log(`# known gap (see knownGap): ${g}`);
    // The known gap is still there (static glibc's stdio), or this list and knownGap are out of date.
    assert.ok(gaps.length > 0, "no known gap was met: remove it from knownGap");
    // The check is not empty: most of the programs' deciding values are resolved (108 of 109 builds had one).
    assert.ok(checked >= 100, `only ${checked} syscalls checked`);
    assert.deepEqual(wrong, []);
  });
});
