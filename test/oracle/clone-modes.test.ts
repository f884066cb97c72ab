// @fileoverview Thread or process, decided by clone's flags: a thread-creating program is not a blocker on nanos or
// osv, a forking one is, and the report shows the flags found at the clone site that decided it. A static program's
// rt_sigreturn trampoline does not block it on osv, which never runs it.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDatabase } from "../../src/index.js";
import { scanFile, selectTargets } from "../../src/scan/scan.js";
import type { FileReport } from "../../src/index.js";
import { compile } from "../helpers/compile.js";
import { ROOT } from "../helpers/paths.js";

const db = loadDatabase();
const targets = selectTargets(db, ["nanos", "osv"]);
const program = (name: string): string => join(ROOT, "test", "oracle", "programs", `${name}.c`);

function scan(bin: string): FileReport {
  const r = scanFile(bin, db, targets);
  assert.ok(!("code" in r));
  return r;
}

describe("clone flags decide thread or process", () => {
  it("pthreads (musl-gcc -static): clone with CLONE_THREAD, not a blocker on nanos or osv", { skip: existsSync("/usr/bin/musl-gcc") ? false : "musl-gcc missing" }, () => {
    const f = scan(compile(program("pthreads"), ["-static", "-pthread"], "musl-gcc"));
    const clone = f.syscalls.find((s) => s.name === "clone");
    assert.deepEqual(clone?.modes, ["thread"]);
    const flags = clone?.via.map((v) => v.flags).find((x) => x !== undefined) ?? "";
    assert.match(flags, /CLONE_VM/);
    assert.match(flags, /CLONE_THREAD/);
    for (const t of f.targets) {
      assert.notEqual(t.verdict, "blocked", `${t.target}: ${t.findings.filter((x) => x.severity === "blocker").map((x) => x.syscall).join(", ")}`);
      assert.ok(!t.findings.some((x) => x.syscall === "clone" && x.severity === "blocker"));
    }
  });

  it("pthreads (gcc, dynamic): not a blocker on nanos or osv", () => {
    const f = scan(compile(program("pthreads"), ["-pthread"]));
    for (const t of f.targets) assert.notEqual(t.verdict, "blocked", t.target);
  });

  it("pthreads (gcc -static): the libc's opt-in and rare paths qualify its code sites as the map does imports", () => {
    // pthread_create calls sched_getparam/sched_getscheduler only with an explicit-scheduling attribute; a
    // priority-protect mutex reaches them too. Neither path is the program's: nanos is not blocked, as for the
    // dynamic build, and the sites say why.
    const f = scan(compile(program("pthreads"), ["-static", "-pthread"]));
    const nanos = f.targets.find((t) => t.target === "nanos");
    assert.notEqual(nanos?.verdict, "blocked", nanos?.findings.filter((x) => x.severity === "blocker").map((x) => x.syscall).join(", "));
    const getparam = nanos?.findings.find((x) => x.syscall === "sched_getparam");
    assert.equal(getparam?.severity, "warning");
    assert.equal(getparam?.qualifier, "conditional");
    const vias = f.syscalls.find((s) => s.name === "sched_getparam")?.via ?? [];
    assert.ok(vias.some((v) => v.kind === "site" && v.conditional === true), JSON.stringify(vias));
    assert.ok(vias.every((v) => v.conditional === true || v.rarePath === true || v.tolerated === true), JSON.stringify(vias));
    // The static libc's signal-return trampoline makes rt_sigreturn, which OSv lacks; OSv never runs that trampoline.
    const osv = f.targets.find((t) => t.target === "osv");
    assert.notEqual(osv?.verdict, "blocked", osv?.findings.filter((x) => x.severity === "blocker").map((x) => x.syscall).join(", "));
    const sigreturn = osv?.findings.find((x) => x.syscall === "rt_sigreturn");
    assert.equal(sigreturn?.severity, "info");
    assert.equal(sigreturn?.qualifier, "not-made");
    assert.match(sigreturn?.note ?? "", /never made here: .*libc\/signal\.cc:442-463/);
  });

  it("fork-exec (gcc -static): clone without CLONE_THREAD is a blocker on both, with the flags shown", () => {
    const f = scan(compile(program("fork-exec"), ["-static"]));
    for (const t of f.targets) {
      const b = t.findings.find((x) => x.syscall === "clone" && x.mode === "process");
      assert.equal(b?.severity, "blocker", t.target);
      assert.ok(b?.via.some((v) => /flags [A-Z_|]*SIGCHLD/.test(v) && !/CLONE_THREAD/.test(v)), b?.via.join("; "));
    }
  });
});
