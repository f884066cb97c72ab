// @fileoverview The oracle test: compile four small programs with gcc, run each under `strace -f`, and check that
// the static scan reports every syscall the program's own image made (recall 100%), and the nanos verdicts.

import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDatabase } from "../../src/index.js";
import { scanFile, selectTargets } from "../../src/scan/scan.js";
import type { FileReport } from "../../src/index.js";
import { compile } from "../helpers/compile.js";
import { ROOT } from "../helpers/paths.js";
import { traceProgram } from "../helpers/strace.js";

/**
 * Syscalls strace can record that no code in the program's image issues, so no static analysis of it can report them:
 * - restart_syscall: issued by the kernel's signal-return path to resume an interrupted sleep (e.g. wait4 interrupted
 *   by SIGCHLD), not by any instruction of the program.
 * The dynamic loader's and libc's start-up syscalls are NOT excluded here: they are listed, with why, in
 * syscall-db/libc/glibc.yaml (startup) and the scan reports them for every dynamically linked glibc program.
 */
const NOT_FROM_THE_IMAGE = new Set(["restart_syscall"]);

const db = loadDatabase();
const nanos = selectTargets(db, ["nanos"]);

function scan(path: string): FileReport {
  const r = scanFile(path, db, nanos);
  assert.ok(!("code" in r), `scan failed: ${"message" in r ? r.message : ""}`);
  return r;
}

const cases = [
  { name: "fork-exec", flags: [], blocked: true, blockers: ["clone (process)", "execve"] },
  { name: "system", flags: [], blocked: true, blockers: ["clone (process)", "execve"] },
  { name: "pthreads", flags: ["-pthread"], blocked: false, blockers: [] },
  { name: "file-io", flags: [], blocked: false, blockers: [] },
];

describe("scan vs strace -f (gcc, dynamic glibc)", () => {
  for (const c of cases) {
    it(`${c.name}: every observed syscall is reported; nanos ${c.blocked ? "blocks" : "does not block"}`, () => {
      const bin = compile(join(ROOT, "test", "oracle", "programs", `${c.name}.c`), c.flags);
      const report = scan(bin);
      const reported = new Set(report.syscalls.map((s) => s.name));
      const observed = traceProgram([bin]);
      const missing = [...observed].filter((s) => !reported.has(s) && !NOT_FROM_THE_IMAGE.has(s)).sort();
      console.log(`# ${c.name}: static ${reported.size} syscalls, observed ${observed.size}, missing ${missing.length}`);
      assert.deepEqual(missing, [], `observed under strace but not reported: ${missing.join(", ")}`);

      const v = report.targets[0];
      assert.ok(v !== undefined);
      const blockers = v.findings.filter((f) => f.severity === "blocker").map((f) => f.syscall + (f.mode ? ` (${f.mode})` : ""));
      if (c.blocked) {
        assert.equal(v.verdict, "blocked");
        for (const b of c.blockers) assert.ok(blockers.includes(b), `expected blocker ${b}, got ${blockers.join(", ")}`);
      } else {
        assert.notEqual(v.verdict, "blocked", `unexpected blockers: ${blockers.join(", ")}`);
      }
    });
  }
});
