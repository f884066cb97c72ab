// @fileoverview The verdict agrees with what happens: each program is scanned (`unifit scan --format json`) and run
// with a short workload under `unifit try` for nanos, osv and gvisor, which emulates the target's syscall surface on
// this machine (seccomp). The scan must say "blocked" exactly when the emulated run fails (exits otherwise than the
// plain run, or misses its expected output). Every disagreement that remains is listed in EXPLAINED with the reason;
// the test fails on any other disagreement, and on an explained one that no longer happens. The whole table is printed.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Report } from "../../src/index.js";
import { compile } from "../helpers/compile.js";
import { CACHE, ROOT } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const TARGETS = ["nanos", "osv", "gvisor"] as const;
const program = (name: string): string => join(ROOT, "test", "oracle", "programs", `${name}.c`);
const debian = (pkg: string, path: string): string => join(CACHE, "debian", pkg, path);
const work = mkdtempSync(join(tmpdir(), "unifit-agree-"));
after(() => rmSync(work, { recursive: true, force: true }));

interface Case {
  name: string;
  bin: string;
  args: string[];
  /** The run counts as working only if its standard output matches. */
  expect?: RegExp;
  /** Or only if this holds after it (for a daemon: the file its background process writes). */
  check?: () => boolean;
  stdin?: string;
}

const COMPILED = [
  "pthreads",
  "fork-exec",
  "posix-spawn",
  "system",
  "popen",
  "daemon",
  "sysv-shm",
  "kill-child",
  "raw-clone-process",
  "raw-clone-thread",
  "raw-syscall",
  "getopt-puts",
] as const;
/** What each compiled program prints when it did its job (see test/oracle/programs/). */
const OUTPUT: Readonly<Record<(typeof COMPILED)[number], RegExp | undefined>> = {
  pthreads: /^total 1000000$/m,
  "fork-exec": /^child exited with 0$/m,
  "posix-spawn": /status 0$/m,
  system: /^system returned 768$/m,
  popen: /^got hello/m,
  daemon: undefined,
  "sysv-shm": /^counter 42$/m,
  "kill-child": /^ok$/m,
  "raw-clone-process": /^ok$/m,
  "raw-clone-thread": /^ok$/m,
  "raw-syscall": /^tid \d+ pid \d+ cwd bytes \d+$/m,
  "getopt-puts": /^hello$/m,
};

const BUILDS: { tag: string; flags: string[]; cc: string }[] = [
  { tag: "gcc", flags: ["-pthread"], cc: "gcc" },
  { tag: "gcc-static", flags: ["-static", "-pthread"], cc: "gcc" },
  ...(existsSync("/usr/bin/musl-gcc") ? [{ tag: "musl-static", flags: ["-static"], cc: "musl-gcc" }] : []),
];

function cases(): Case[] {
  const out: Case[] = [];
  for (const b of BUILDS) {
    for (const p of COMPILED) {
      const c: Case = { name: `${p} (${b.tag})`, bin: compile(program(p), b.flags, b.cc), args: [] };
      const expect = OUTPUT[p];
      if (expect !== undefined) c.expect = expect;
      if (p === "daemon") {
        // The parent's exit is all the caller sees; the background process writes the file (unifit try waits for it).
        const file = join(work, `daemon-${b.tag}.out`);
        c.args = [file];
        c.check = () => {
          // The background process may still be writing (its parent's exit is all unifit try waits for, plus a grace
          // period): poll for its line for a few seconds rather than read once.
          const deadline = Date.now() + 5000;
          let ok = false;
          while (!ok && Date.now() < deadline) {
            ok = existsSync(file) && readFileSync(file, "utf8") === "daemonized\n";
            if (!ok) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
          }
          rmSync(file, { force: true });
          return ok;
        };
      }
      out.push(c);
    }
  }
  writeFileSync(join(work, "lines.txt"), "pear\napple\nfig\n");
  writeFileSync(join(work, "a.sh"), "x=1\nif [ $x = 1 ]; then echo yes; fi\n");
  const real: Case[] = [
    { name: "ls", bin: "/usr/bin/ls", args: ["-la", ROOT], expect: /package\.json/ },
    { name: "sort", bin: "/usr/bin/sort", args: [join(work, "lines.txt")], expect: /^apple\nfig\npear\n$/ },
    { name: "sqlite3", bin: "/usr/bin/sqlite3", args: [":memory:", "create table t(x); insert into t values (40),(2); select sum(x) from t;"], expect: /^42$/m },
    { name: "rg", bin: debian("ripgrep", "usr/bin/rg"), args: ["-n", "apple", work], expect: /apple/ },
    { name: "fd", bin: debian("fd-find", "usr/bin/fdfind"), args: ["lines", work], expect: /lines\.txt/ },
    { name: "curl", bin: "/usr/bin/curl", args: ["-s", `file://${join(work, "lines.txt")}`], expect: /apple/ },
    { name: "python3", bin: "/usr/bin/python3.11", args: ["-c", "import json; print(json.dumps(sum(range(10))))"], expect: /^45$/m },
    { name: "busybox pipeline", bin: debian("busybox-static", "bin/busybox"), args: ["sh", "-c", `busybox cat ${join(work, "lines.txt")} | busybox sort | busybox head -n 1`], expect: /^apple$/m },
    { name: "shfmt (static Go)", bin: debian("shfmt", "usr/bin/shfmt"), args: [join(work, "a.sh")], expect: /if \[ \$x = 1 \]; then/ },
    { name: "node", bin: "/usr/bin/node", args: ["-e", "console.log(JSON.stringify([1, 2].map((x) => x * 21)))"], expect: /\[21,42\]/ },
  ];
  for (const c of real) out.push(c);
  return out;
}

/**
 * Disagreements that remain, by "<case>@<target>", with why. A scan that says blocked for a program whose workload
 * does not take the blocking path is a false alarm for that workload only; each entry names the path.
 */
const PY = "python3's os, posix and subprocess modules import every process, identity, scheduling and xattr call they expose (os.fork, os.setuid, os.sched_setparam, os.copy_file_range, ...); the workload only runs json";
const NODE = "node imports fork/execvp (child_process), setsid and the set*id calls (process.setuid), getpriority (os.getPriority) and shm*; the workload only evaluates an expression";
const EXPLAINED: Readonly<Record<string, string>> = {
  "ls@osv":
    "ls calls getxattr/lgetxattr/fgetxattr (itself and through libselinux) for ACL marks and SELinux contexts; gnulib's ACL code treats ENOSYS as 'no ACL', so ls -la still works: an application-level fallback the fallback data does not describe",
  "sort@nanos": "sort imports fork and execlp for --compress-program, and getgroups through euidaccess; the workload sorts a small file in memory",
  "sort@osv":
    "sort imports fork, execlp, waitpid and pause for --compress-program; it ignores posix_fadvise's failure (advice only); the workload sorts a small file in memory",
  "sqlite3@nanos": "the shell's .system, .shell and .once -e commands run system()/popen(); the workload runs SQL only",
  "sqlite3@osv": "the shell's .system, .shell and .once -e commands run system()/popen(), and readline's history file is chown'd; the workload runs SQL only",
  "rg@nanos": "ripgrep starts decompressors (-z) and --pre preprocessors with std::process::Command (posix_spawnp, fork+exec); the workload searches plain files",
  "rg@osv": "ripgrep starts decompressors (-z) and --pre preprocessors with std::process::Command (posix_spawnp, fork+exec, set*id); the workload searches plain files",
  "fd@nanos": "fd runs commands for --exec/--exec-batch with std::process::Command (posix_spawnp, fork+exec); the workload only lists files",
  "fd@osv": "fd runs commands for --exec/--exec-batch with std::process::Command (posix_spawnp, fork+exec, set*id); the workload only lists files",
  "curl@osv":
    "curl imports fsetxattr for --xattr; sendmmsg is the DNS resolver's (parallel A/AAAA queries) and wait4 is reached inside libcurl's libraries; the workload reads a file:// URL, with no name lookup",
  "python3@nanos": PY,
  "python3@osv": PY,
  "python3@gvisor": PY,
  "busybox pipeline@gvisor":
    "busybox's chrt, date -s/hwclock and adjtimex applets make sched_setparam, settimeofday and clock_adjtime; the pipeline uses cat, sort and head (on nanos and osv the pipeline itself needs processes, and both the scan and the run say so)",
  "node@nanos": NODE,
  "node@osv": `${NODE}; on osv also link, chown, inotify (fs.watch), mlock and preadv/pwritev (fs.readv), none of which the expression uses`,
};

interface Row {
  name: string;
  target: string;
  verdict: string;
  blockers: string;
  run: "works" | "fails";
  refused: string;
  agree: boolean;
}

describe("scan verdicts agree with emulated runs (unifit try)", () => {
  const rows: Row[] = [];
  const all = cases();
  for (const c of all) {
    it(c.name, { skip: existsSync(c.bin) ? false : `${c.bin} missing` }, () => {
      const scan = runCli(["scan", c.bin, "--target", TARGETS.join(","), "--format", "json", "--fail-on", "none"]);
      assert.equal(scan.code, 0, scan.stderr);
      const file = (JSON.parse(scan.stdout) as Report).files[0];
      assert.ok(file !== undefined);
      for (const target of TARGETS) {
        const tv = file.targets.find((t) => t.target === target);
        assert.ok(tv !== undefined, target);
        const reportPath = join(work, `try-${rows.length}.json`);
        if (c.check !== undefined) rmSync(c.args[0] as string, { force: true });
        const run = runCli(["try", "--target", target, "--report", reportPath, "--timeout", "60", "--", c.bin, ...c.args], {}, c.stdin);
        assert.ok(existsSync(reportPath), `${c.name} on ${target}: no try report; exit ${run.code}; ${run.stderr}`);
        const tr = JSON.parse(readFileSync(reportPath, "utf8")) as {
          agreement: string;
          refused: { syscall: string; mode?: string; count: number }[];
        };
        const fails = tr.agreement !== "same" || (c.expect !== undefined && !c.expect.test(run.stdout)) || (c.check !== undefined && !c.check());
        const blocked = tv.verdict === "blocked";
        rows.push({
          name: c.name,
          target,
          verdict: tv.verdict,
          blockers: tv.findings.filter((f) => f.severity === "blocker").map((f) => `${f.syscall}${f.mode !== undefined ? `:${f.mode}` : ""}`).join(" "),
          run: fails ? "fails" : "works",
          refused: tr.refused.map((r) => `${r.syscall}${r.mode !== undefined ? `:${r.mode}` : ""}x${r.count}`).join(" "),
          agree: blocked === fails,
        });
      }
    });
  }

  it("every disagreement is explained, and every explanation still applies", () => {
    const lines = ["| program | target | verdict | blockers | emulated run | refused calls | agree |", "|---|---|---|---|---|---|---|"];
    for (const r of rows) lines.push(`| ${r.name} | ${r.target} | ${r.verdict} | ${r.blockers} | ${r.run} | ${r.refused} | ${r.agree ? "yes" : "NO"} |`);
    const agree = rows.filter((r) => r.agree).length;
    lines.push("", `agreement: ${agree}/${rows.length}`);
    writeFileSync(join(CACHE, "agreement-table.md"), `${lines.join("\n")}\n`);
    console.log(lines.join("\n"));
    const disagreements = rows.filter((r) => !r.agree).map((r) => `${r.name}@${r.target}`).sort();
    const unexplained = disagreements.filter((k) => EXPLAINED[k] === undefined);
    assert.deepEqual(unexplained, [], `unexplained disagreements:\n${rows.filter((r) => unexplained.includes(`${r.name}@${r.target}`)).map((r) => `${r.name}@${r.target}: scan ${r.verdict} (${r.blockers}), run ${r.run} (${r.refused})`).join("\n")}`);
    const ranOnly = new Set(rows.map((r) => `${r.name}@${r.target}`));
    const stale = Object.keys(EXPLAINED).filter((k) => ranOnly.has(k) && !disagreements.includes(k));
    assert.deepEqual(stale, [], "explained disagreements that no longer happen: remove them from EXPLAINED");
  });
});
