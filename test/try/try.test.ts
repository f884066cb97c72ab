// @fileoverview `unifit try` end to end: small programs compiled at test time run under the emulated surfaces of
// nanos, osv, gvisor and linux; the assertions are on the program's own output, the exit code and the JSON report.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { buildFilterSpec, loadDatabase, parseHelperResult } from "../../src/index.js";
import type { TryReport } from "../../src/index.js";
import { compile } from "../helpers/compile.js";
import { CLI, ROOT } from "../helpers/paths.js";

const program = (name: string): string => join(ROOT, "test", "try", "programs", `${name}.c`);
const tmp = mkdtempSync(join(tmpdir(), "unifit-try-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function tryRun(args: readonly string[], input = ""): { code: number; stdout: string; stderr: string; report: TryReport | undefined } {
  const file = join(tmp, `report-${n++}.json`);
  const dash = args.indexOf("--");
  const withReport = [...args.slice(0, dash), "--report", file, ...args.slice(dash)];
  const r = spawnSync(process.execPath, [CLI, "try", ...withReport], { cwd: ROOT, encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1" } });
  let report: TryReport | undefined;
  try {
    report = JSON.parse(readFileSync(file, "utf8")) as TryReport;
  } catch {
    report = undefined;
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, report };
}

const refusedOf = (r: TryReport | undefined): string[] => (r?.refused ?? []).map((c) => `${c.syscall}${c.mode !== undefined ? `:${c.mode}` : ""}`);

describe("unifit try", () => {
  it("runs a threads-only program to completion under nanos, as it exits without the filter", () => {
    const exe = compile(program("threads"), ["-pthread"]);
    const r = tryRun(["--target", "nanos", "--", exe]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "sum=10\n");
    assert.equal(r.report?.agreement, "same");
    assert.equal(r.report?.baseline?.code, 0);
    assert.ok(!refusedOf(r.report).some((s) => s.startsWith("clone")), r.stderr);
    assert.match(r.stderr, /exited with status 0, as it does without the filter/);
  });

  it("fails a fork program under nanos and osv with clone refused and counted, and not under gvisor", () => {
    const exe = compile(program("fork"));
    for (const target of ["nanos", "osv"]) {
      const r = tryRun(["--target", target, "--", exe]);
      assert.equal(r.code, 3, `${target}: ${r.stderr}`);
      const clone = r.report?.refused.find((c) => c.syscall === "clone");
      assert.deepEqual(clone && { mode: clone.mode, errno: clone.errno, count: clone.count }, { mode: "process", errno: "ENOSYS", count: 1 }, target);
      assert.equal(r.report?.agreement, "different");
      assert.equal(r.report?.baseline?.code, 0);
      assert.match(r.stderr, /clone \(process\) refused with ENOSYS, 1 time/);
      assert.match(r.stderr, /did NOT exit as it does without the filter/);
    }
    const g = tryRun(["--target", "gvisor", "--", exe]);
    assert.equal(g.code, 0, g.stderr);
    assert.deepEqual(refusedOf(g.report), []);
  });

  it("allows kill of the program's own pid and refuses kill of another pid on nanos (ESRCH)", () => {
    const exe = compile(program("kill"));
    const r = tryRun(["--target", "nanos", "--", exe]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "self=0/0 other=-1/3 tgkill-self=0/0\n");
    const kill = r.report?.refused.filter((c) => c.syscall === "kill" || c.syscall === "tgkill");
    assert.deepEqual(kill?.map((c) => [c.syscall, c.mode, c.errno, c.count]), [["kill", "other", "ESRCH", 1]]);
    // Under linux, kill(1, 0) does what it does here (0 as root, EPERM otherwise).
    const plain = spawnSync(exe, { encoding: "utf8" }).stdout;
    assert.match(plain, /^self=0\/0 other=(0\/0|-1\/1) tgkill-self=0\/0\n$/);
    assert.equal(tryRun(["--target", "linux", "--", exe]).stdout, plain);
  });

  it("returns 0 for stubbed calls (nanos wait4 and chown) without running them", () => {
    const exe = compile(program("stub"));
    const r = tryRun(["--target", "nanos", "--", exe]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "wait4=0 chown=0\n");
    for (const sc of ["chown", "wait4"]) {
      const c = r.report?.refused.find((x) => x.syscall === sc);
      assert.deepEqual(c && [c.action, c.status, c.count], ["stub", "stub", 1], sc);
    }
    assert.equal(tryRun(["--target", "linux", "--", exe]).stdout, "wait4=-1 chown=-1\n");
  });

  it("fails a static musl program's raw syscall(SYS_clone, SIGCHLD) under nanos", () => {
    const exe = compile(program("raw-clone"), ["-static"], "musl-gcc");
    const r = tryRun(["--target", "nanos", "--", exe]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^clone: Function not implemented$/m);
    assert.deepEqual(refusedOf(r.report).filter((s) => s.startsWith("clone")), ["clone:process"]);
    assert.equal(r.report?.baseline?.code, 0);
  });

  it("refuses nothing under the linux target", () => {
    for (const name of ["fork", "kill", "stub"]) {
      const r = tryRun(["--target", "linux", "--", compile(program(name))]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.deepEqual(r.report?.refused, [], name);
      assert.equal(r.report?.agreement, "same", name);
    }
  });

  it("passes piped input to the program once per run and its output through untouched", () => {
    const r = tryRun(["--target", "nanos", "--", "sort"], "pear\napple\nfig\n");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "apple\nfig\npear\n");
    assert.equal(r.report?.agreement, "same");
  });

  it("kills a run that outlives --timeout and says so", () => {
    const r = tryRun(["--target", "nanos", "--timeout", "0.3", "--no-baseline", "--", "sleep", "30"]);
    assert.equal(r.code, 137);
    assert.equal(r.report?.exit.timedOut, true);
    assert.equal(r.report?.baseline, null);
    assert.match(r.stderr, /was killed after the timeout/);
  });

  it("exits 2 with one line for an unknown target or a missing program", () => {
    const r = tryRun(["--target", "nosuch", "--", "true"]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^unifit: unknown target "nosuch" \(known: .*nanos.*\)\n$/);
    const m = tryRun(["--target", "nanos", "--", "no-such-program-unifit"]);
    assert.equal(m.code, 2);
    assert.match(m.stderr, /^unifit: no-such-program-unifit: command not found on PATH\n$/);
  });

  it("names the missing package when the helper cannot be built", () => {
    const cache = mkdtempSync(join(tmp, "cache-"));
    const run = (cc: string) => spawnSync(process.execPath, [CLI, "try", "--target", "nanos", "--", "true"], { encoding: "utf8", env: { ...process.env, CC: cc, UNIFIT_CACHE_DIR: cache } });
    const noCc = run("no-such-cc-unifit");
    assert.equal(noCc.status, 2);
    assert.equal(noCc.stderr, 'unifit: cannot build the try helper: no C compiler "no-such-cc-unifit" (install gcc)\n');
    // A compiler whose include path lacks seccomp.h, as on a machine without libseccomp-dev.
    const inc = join(tmp, "include-without-seccomp");
    mkdirSync(inc);
    for (const e of readdirSync("/usr/include")) if (!e.startsWith("seccomp")) symlinkSync(join("/usr/include", e), join(inc, e));
    const gccInc = spawnSync("gcc", ["-print-file-name=include"], { encoding: "utf8" }).stdout.trim();
    const fake = join(tmp, "cc-without-seccomp");
    writeFileSync(fake, `#!/bin/sh\nexec gcc -nostdinc -isystem ${gccInc} -isystem ${inc}/x86_64-linux-gnu -isystem ${inc} "$@"\n`, { mode: 0o755 });
    const noLib = run(fake);
    assert.equal(noLib.status, 2);
    assert.equal(noLib.stderr, "unifit: cannot build the try helper: libseccomp is missing (install libseccomp-dev)\n");
  });
});

describe("try filter spec", () => {
  const db = loadDatabase();
  const spec = (t: string) => {
    const s = db.surfaces.get(t);
    assert.ok(s, t);
    return buildFilterSpec(s, db.tables.x86_64);
  };
  const byName = (t: string) => new Map(spec(t).rules.map((r) => [`${r.syscall}${r.mode !== undefined ? `:${r.mode}` : ""}`, r]));

  it("traps process-mode clone/clone3 and signals to other pids on nanos, with the row's errno", () => {
    const r = byName("nanos");
    assert.equal(r.get("clone:process")?.when, "clone-process");
    assert.equal(r.get("clone3:process")?.when, "clone3-process");
    assert.ok(!r.has("clone:thread") && !r.has("clone") && !r.has("clone3:thread"));
    assert.deepEqual([r.get("kill:other")?.when, r.get("kill:other")?.errnoName, r.get("kill:other")?.errno], ["pid-other", "ESRCH", 3]);
    assert.equal(r.get("tgkill:other")?.errnoName, "ESRCH");
    assert.equal(r.get("wait4")?.action, "stub");
    assert.equal(r.get("execve")?.errnoName, "ENOSYS");
    assert.ok(!r.has("read") && !r.has("exit_group"));
  });

  it("uses gVisor's stated errnos; the linux surface traps only what Linux itself refuses", () => {
    const g = byName("gvisor");
    assert.equal(g.get("add_key")?.errnoName, "EACCES");
    assert.equal(g.get("reboot")?.errnoName, "EPERM");
    assert.ok(!g.has("clone") && !g.has("clone:process"));
    // Linux's own enosys rows (uselib, _sysctl, ...: removed from the kernel) fail as they do on Linux; nothing else traps.
    const linux = spec("linux").rules;
    assert.ok(linux.every((r) => r.action === "errno" && r.errnoName === "ENOSYS" && r.when === "always" && (r.status === "enosys" || r.status === "absent")));
    assert.ok(!linux.some((r) => ["clone", "clone3", "kill", "tgkill", "wait4", "execve", "rseq"].includes(r.syscall)));
  });
});

describe("try helper result", () => {
  it("reads counts and the exit status, and rejects a damaged result", () => {
    const r = parseHelperResult("count 3 2\ncount 7 1\nclone3-unread 1\ntimeout\nsignal 9\n");
    assert.deepEqual([...r.counts], [[3, 2], [7, 1]]);
    assert.deepEqual(r.exit, { code: 137, signal: 9, timedOut: true });
    assert.equal(r.clone3Unread, 1);
    assert.deepEqual(parseHelperResult("exit 0\n").exit, { code: 0, timedOut: false });
    assert.throws(() => parseHelperResult("count x 1\nexit 0\n"), /bad result line "count x 1"/);
    assert.throws(() => parseHelperResult("count 1 1\n"), /no exit status/);
  });
});
