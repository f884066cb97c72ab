// @fileoverview Argument-level truth, end to end: small programs compiled at test time (gcc, gcc -static, musl-gcc
// -static) and a static Go program make one call each whose support depends on an argument (socket's domain, the kind
// of mmap, an ioctl request, a prctl option, setsockopt's level and option, futex's op, a clock id). Each is scanned, and run under `unifit try` for nanos, osv, gvisor and
// unikraft; the value the scan resolves and the rating it gives must agree with what the emulated run did. The
// table of outcomes is written to .cache/argument-agreement.md.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ARG_SPECS, UNKNOWN, argLabel, argRuleFor, argRuleKey, buildFilterSpec, formatSpec, loadDatabase } from "../../src/index.js";
import type { Database, FileReport, Surface, TryReport } from "../../src/index.js";
import { compile, compileGo } from "../helpers/compile.js";
import { CACHE, CLI, ROOT } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";

const TARGETS = ["nanos", "osv", "gvisor", "unikraft"] as const;
const SOURCE = join(ROOT, "test", "analyze", "programs", "arg-cases.c");

interface Case {
  n: number;
  what: string;
  syscall: string;
  /** The deciding value the scan must find, per build ("unknown": inside the shared libc, not in the program). */
  value: { gcc: string; static: string; musl: string };
  /** Builds run under `unifit try` (all are scanned). */
  run: readonly Build[];
}
type Build = "gcc" | "static" | "musl";
const same = (v: string): Case["value"] => ({ gcc: v, static: v, musl: v });
const CASES: readonly Case[] = [
  { n: 1, what: "socket(AF_INET)", syscall: "socket", value: same("AF_INET"), run: ["gcc"] },
  { n: 2, what: "socket(AF_UNIX)", syscall: "socket", value: same("AF_UNIX"), run: ["gcc"] },
  { n: 3, what: "socket(AF_NETLINK)", syscall: "socket", value: same("AF_NETLINK"), run: ["gcc"] },
  { n: 4, what: "socket(AF_PACKET)", syscall: "socket", value: same("AF_PACKET"), run: ["gcc"] },
  { n: 5, what: "MAP_SHARED file, two processes", syscall: "mmap", value: same("MAP_SHARED file"), run: ["gcc"] },
  { n: 6, what: "MAP_SHARED anonymous, threads", syscall: "mmap", value: same("MAP_SHARED|MAP_ANONYMOUS"), run: ["gcc"] },
  { n: 7, what: "MAP_PRIVATE anonymous", syscall: "mmap", value: same("MAP_PRIVATE|MAP_ANONYMOUS"), run: ["gcc"] },
  // glibc's isatty asks TCGETS (in tcgetattr, inside libc.so for a dynamic program); musl's asks TIOCGWINSZ.
  { n: 8, what: "isatty", syscall: "ioctl", value: { gcc: UNKNOWN, static: "TCGETS", musl: "TIOCGWINSZ" }, run: ["static", "musl"] },
  { n: 9, what: "ioctl(FIONBIO)", syscall: "ioctl", value: same("FIONBIO"), run: ["gcc"] },
  { n: 10, what: "prctl(PR_SET_NAME)", syscall: "prctl", value: same("PR_SET_NAME"), run: ["gcc"] },
  { n: 11, what: "prctl(PR_SET_SECCOMP)", syscall: "prctl", value: same("PR_SET_SECCOMP"), run: ["gcc"] },
  { n: 12, what: "fcntl(F_SETLEASE)", syscall: "fcntl", value: same("F_SETLEASE"), run: ["gcc"] },
  { n: 13, what: "fcntl(F_GETFL)", syscall: "fcntl", value: same("F_GETFL"), run: ["gcc"] },
  { n: 14, what: "madvise(MADV_FREE)", syscall: "madvise", value: same("MADV_FREE"), run: ["gcc"] },
  { n: 15, what: "madvise(MADV_DONTNEED)", syscall: "madvise", value: same("MADV_DONTNEED"), run: ["gcc"] },
  { n: 16, what: "madvise(MADV_WILLNEED)", syscall: "madvise", value: same("MADV_WILLNEED"), run: ["gcc"] },
  // Two deciding arguments (level, option name), futex through syscall(), a clock id: issue 18 point 1's last three.
  { n: 17, what: "setsockopt(SO_REUSEPORT)", syscall: "setsockopt", value: same("SOL_SOCKET/SO_REUSEPORT"), run: ["gcc", "musl"] },
  { n: 18, what: "setsockopt(SO_ATTACH_FILTER)", syscall: "setsockopt", value: same("SOL_SOCKET/SO_ATTACH_FILTER"), run: ["gcc", "musl"] },
  { n: 19, what: "setsockopt(TCP_NODELAY)", syscall: "setsockopt", value: same("IPPROTO_TCP/TCP_NODELAY"), run: ["gcc", "musl"] },
  { n: 20, what: "futex(FUTEX_LOCK_PI)", syscall: "futex", value: same("FUTEX_LOCK_PI"), run: ["gcc", "musl"] },
  { n: 21, what: "futex(FUTEX_WAKE_OP)", syscall: "futex", value: same("FUTEX_WAKE_OP"), run: ["gcc", "musl"] },
  { n: 22, what: "clock_settime(CLOCK_REALTIME)", syscall: "clock_settime", value: same("CLOCK_REALTIME"), run: ["gcc", "musl"] },
  { n: 23, what: "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)", syscall: "clock_gettime", value: same("CLOCK_PROCESS_CPUTIME_ID"), run: ["gcc", "musl"] },
  // Reading options back, a clock's resolution, a sleep on another clock than CLOCK_REALTIME.
  { n: 24, what: "getsockopt(SO_SNDBUF)", syscall: "getsockopt", value: same("SOL_SOCKET/SO_SNDBUF"), run: ["gcc", "musl"] },
  { n: 25, what: "getsockopt(SO_PRIORITY)", syscall: "getsockopt", value: same("SOL_SOCKET/SO_PRIORITY"), run: ["gcc", "musl"] },
  { n: 26, what: "clock_getres(CLOCK_PROCESS_CPUTIME_ID)", syscall: "clock_getres", value: same("CLOCK_PROCESS_CPUTIME_ID"), run: ["gcc", "musl"] },
  { n: 27, what: "clock_nanosleep(CLOCK_MONOTONIC)", syscall: "clock_nanosleep", value: same("CLOCK_MONOTONIC"), run: ["gcc", "musl"] },
];

const tmp = mkdtempSync(join(tmpdir(), "unifit-args-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function build(c: Case, b: Build): string {
  const flags = [`-DARGCASE=${c.n}`, "-pthread", ...(b === "gcc" ? [] : ["-static"])];
  return compile(SOURCE, flags, b === "musl" ? "musl-gcc" : "gcc");
}

let tries = 0;
/** `unifit try` without a baseline (the verdict is compared with what the filter did, not with Linux). */
function tryRun(target: string, program: string, args: readonly string[] = []): Promise<TryReport> {
  const file = join(tmp, `try-${tries++}.json`);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, "try", "--target", target, "--no-baseline", "--report", file, "--", program, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "ignore"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    p.on("error", reject);
    p.on("close", () => {
      try {
        resolve(JSON.parse(readFileSync(file, "utf8")) as TryReport);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** What the emulation does with a value, from the target's rules: refused, stubbed or runs. */
type Outcome = "refused" | "stubbed" | "runs";
const outcomeOf = (status: string): Outcome => (status === "enosys" || status === "absent" ? "refused" : status === "stub" ? "stubbed" : "runs");

/**
 * The scan's rating of (syscall, value) on a target: where the row has argument rules, the finding with that value as
 * its mode; where it has none, the row's finding (every value alike); no finding: full.
 */
function scanned(db: Database, report: FileReport, target: string, syscall: string, value: string): string {
  const byArg = db.surfaces.get(target)?.rows.get(syscall)?.args !== undefined;
  const v = report.targets.find((x) => x.target === target);
  const f = v?.findings.find((x) => x.syscall === syscall && (byArg ? x.mode === value : x.mode === undefined || x.mode === value));
  return f?.status ?? "full";
}

/**
 * The label unifit try gives the value's rule on a target ("domain AF_PACKET", "domain other", "level/optname
 * SOL_SOCKET/other").
 */
function tryLabel(db: Database, target: string, syscall: string, value: string): string | undefined {
  const args = db.surfaces.get(target)?.rows.get(syscall)?.args;
  const spec = ARG_SPECS.get(syscall);
  if (args === undefined || spec === undefined) return undefined;
  return `${argLabel(spec)} ${argRuleKey(syscall, args, value)}`;
}

/** What the run did with the case's call: refused, stubbed, or ran (no trap of that syscall under that label). */
function ran(db: Database, r: TryReport, target: string, syscall: string, value: string): Outcome {
  const label = tryLabel(db, target, syscall, value);
  const hit = r.refused.find((x) => x.syscall === syscall && (label === undefined ? x.mode === undefined : x.mode === label));
  return hit === undefined ? "runs" : hit.action === "stub" ? "stubbed" : "refused";
}

describe("argument rules in explain and in the try filter", () => {
  it("prints the per-value table of socket for every target, with each rule's upstream line", () => {
    const r = runCli(["explain", "socket"]);
    assert.equal(r.code, 0, r.stderr);
    const line = (v: string): string[] => (r.stdout.split("\n").find((l) => l.trimStart().startsWith(`${v} `)) ?? "").trim().split(/\s{2,}/);
    const head = line("by");
    const col = (t: string): number => head.indexOf(t);
    assert.ok(col("nanos") > 0 && col("unikraft") > 0, r.stdout);
    assert.equal(line("AF_NETLINK")[col("unikraft")], "enosys EAFNOSUPPORT");
    assert.equal(line("AF_NETLINK")[col("nanos")], "full");
    assert.equal(line("AF_PACKET")[col("gvisor")], "enosys EPERM");
    assert.equal(line("AF_UNIX")[col("osv")], "enosys EAFNOSUPPORT");
    assert.equal(line("AF_UNIX")[col("linux")], "(full)");
    assert.match(r.stdout, /nanos domain=other: enosys \(EAFNOSUPPORT\): .* \[nanovms\/nanos@b9c3671d9b95:src\/net\/netsyscall\.c:1493-1495\]/);
    const j = JSON.parse(runCli(["explain", "socket", "-f", "json"]).stdout) as { arg: string; targets: { target: string; args?: { value: string }[] }[] };
    assert.equal(j.arg, "domain");
    assert.deepEqual(j.targets.find((t) => t.target === "osv")?.args?.map((a) => a.value), ["AF_INET", "AF_NETLINK", "other"]);
  });

  it("prints the per-value table of madvise and fcntl as it does for socket", () => {
    for (const [sc, checks] of [
      // MADV_FREE and F_SETLEASE fall under "other" where no target lists them.
      ["madvise", [["other", "gvisor", "enosys EINVAL"], ["other", "nanos", "stub"], ["MADV_REMOVE", "gvisor", "enosys"], ["MADV_DONTNEED", "osv", "full"]]],
      ["fcntl", [["other", "gvisor", "enosys EINVAL"], ["F_SETLK", "unikraft", "stub"], ["F_OFD_SETLK", "gvisor", "full"], ["F_GETFL", "unikraft", "full"]]],
    ] as const) {
      const r = runCli(["explain", sc]);
      assert.equal(r.code, 0, r.stderr);
      const line = (v: string): string[] => (r.stdout.split("\n").find((l) => l.trimStart().startsWith(`${v} `)) ?? "").trim().split(/\s{2,}/);
      const head = line("by");
      for (const [value, target, want] of checks) assert.equal(line(value)[head.indexOf(target)], want, `${sc} ${value} on ${target}`);
    }
  });

  it("prints the per-pair table of setsockopt (level/optname) and the per-op table of futex", () => {
    const r = runCli(["explain", "setsockopt"]);
    assert.equal(r.code, 0, r.stderr);
    const line = (v: string): string[] => (r.stdout.split("\n").find((l) => l.trimStart().startsWith(`${v} `)) ?? "").trim().split(/\s{2,}/);
    const head = line("by");
    assert.equal(head[0], "by level/optname");
    const cell = (v: string, t: string): string | undefined => line(v)[head.indexOf(t)];
    // Nanos ignores options it lacks; OSv maps a fixed list to BSD; gVisor ignores SO_ATTACH_FILTER; lwIP has no SO_REUSEPORT.
    assert.deepEqual(["nanos", "osv", "gvisor", "unikraft"].map((t) => cell("SOL_SOCKET/SO_REUSEPORT", t)), ["stub", "full", "full", "enosys ENOPROTOOPT"]);
    assert.deepEqual(["nanos", "osv", "gvisor", "unikraft"].map((t) => cell("SOL_SOCKET/SO_ATTACH_FILTER", t)), ["stub", "enosys ENOPROTOOPT", "stub", "enosys ENOPROTOOPT"]);
    assert.deepEqual(["nanos", "osv", "gvisor", "unikraft"].map((t) => cell("IPPROTO_TCP/TCP_NODELAY", t)), ["full", "full", "full", "full"]);
    assert.equal(cell("IPPROTO_IP/IP_ADD_MEMBERSHIP", "unikraft"), "enosys ENOPROTOOPT");
    assert.equal(cell("IPPROTO_IP/MCAST_JOIN_GROUP", "gvisor"), "enosys EINVAL");
    assert.equal(cell("SOL_SOCKET/SO_REUSEPORT", "linux"), "(full)");
    // A rule decided in another repository cites it.
    assert.match(r.stdout, /unikraft level\/optname=SOL_SOCKET\/other: enosys \(ENOPROTOOPT\): .* \[unikraft\/fork-lwip@159e31b68957:src\/api\/sockets\.c:3458-3462\]/);
    const f = runCli(["explain", "futex"]);
    const fl = (v: string): string[] => (f.stdout.split("\n").find((l) => l.trimStart().startsWith(`${v} `)) ?? "").trim().split(/\s{2,}/);
    const fh = fl("by");
    assert.deepEqual(["nanos", "osv", "gvisor", "unikraft"].map((t) => fl("FUTEX_LOCK_PI")[fh.indexOf(t)]), ["enosys", "enosys", "full", "enosys"]);
    assert.deepEqual(["nanos", "osv", "gvisor", "unikraft"].map((t) => fl("FUTEX_WAKE_OP")[fh.indexOf(t)]), ["full", "enosys", "full", "enosys"]);
  });

  it("prints the per-value tables of getsockopt, mmap and the clock calls with the rules issue 18 found missing", () => {
    const cells = (sc: string): ((value: string, targets: readonly string[]) => (string | undefined)[]) => {
      const r = runCli(["explain", sc]);
      assert.equal(r.code, 0, r.stderr);
      const line = (v: string): string[] => (r.stdout.split("\n").find((l) => l.trimStart().startsWith(`${v} `)) ?? "").trim().split(/\s{2,}/);
      const head = line("by");
      return (value, targets) => targets.map((t) => line(value)[head.indexOf(t)]);
    };
    const four = ["nanos", "osv", "gvisor", "unikraft"] as const;
    const get = cells("getsockopt");
    assert.deepEqual(get("SOL_SOCKET/SO_SNDBUF", four), ["full", "full", "full", "enosys ENOPROTOOPT"]);
    assert.deepEqual(get("SOL_SOCKET/SO_PRIORITY", four), ["full", "enosys EINVAL", "enosys ENOPROTOOPT", "enosys ENOPROTOOPT"]);
    // lib-lwip keeps lwIP's TCP_KEEPALIVE at 2, Linux's TCP_MAXSEG: answered, with another meaning.
    assert.deepEqual(get("IPPROTO_TCP/TCP_MAXSEG", four), ["full", "enosys EINVAL", "full", "stub"]);
    const res = cells("clock_getres");
    assert.deepEqual(res("CLOCK_TAI", four), ["enosys EINVAL", "enosys EINVAL", "enosys EINVAL", "enosys EINVAL"]);
    assert.deepEqual(res("CLOCK_MONOTONIC_RAW", four), ["full", "full", "full", "enosys EINVAL"]);
    assert.deepEqual(cells("clock_settime")("CLOCK_REALTIME", ["gvisor", "unikraft"]), ["enosys EPERM", "stub"]);
    assert.deepEqual(cells("clock_nanosleep")("CLOCK_MONOTONIC", four), ["full", "enosys EOPNOTSUPP", "full", "stub"]);
    assert.deepEqual(cells("clock_nanosleep")("CLOCK_REALTIME", ["unikraft"]), ["partial"]);
    assert.deepEqual(cells("mmap")("MAP_SHARED_VALIDATE file", four), ["(full)", "enosys EINVAL", "enosys EINVAL", "(partial)"]);
    const j = JSON.parse(runCli(["explain", "getsockopt", "-f", "json"]).stdout) as { targets: { target: string; args?: { value: string }[] }[] };
    for (const t of four) assert.ok((j.targets.find((x) => x.target === t)?.args?.length ?? 0) > 10, `${t} getsockopt rules`);
  });

  it("compiles pair rules into ordered arg-pair rules the supervisor tries, allowed pairs included", () => {
    const db = loadDatabase();
    const spec = buildFilterSpec(db.surfaces.get("osv") as Surface, db.tables.x86_64);
    const set = spec.rules.filter((r) => r.syscall === "setsockopt");
    assert.ok(set.every((r) => r.when === "arg-pair"));
    const reuseport = set.findIndex((r) => r.mode === "level/optname SOL_SOCKET/SO_REUSEPORT");
    const solOther = set.findIndex((r) => r.mode === "level/optname SOL_SOCKET/other");
    assert.ok(reuseport >= 0 && solOther > reuseport, "a named pair comes before its level's other");
    assert.equal(set[reuseport]?.action, "allow");
    assert.deepEqual(set[solOther]?.pair, { first: { index: 1, mask: 0xffffffff, value: 1 }, second: { index: 2, mask: 0xffffffff } });
    assert.equal(set.at(-1)?.mode, "level/optname other");
    assert.equal(set.at(-1)?.errnoName, "ENOPROTOOPT");
    const lines = formatSpec(spec).split("\n").filter((l) => / 54 arg-pair /.test(l));
    assert.ok(lines.some((l) => / 54 arg-pair errno 92 1 4294967295 1 2 4294967295 \*$/.test(l)), lines.join("\n"));
    // A row with no rules traps nothing (gVisor mremap); a target with clock rules says clock_gettime is unseen.
    const g = buildFilterSpec(db.surfaces.get("gvisor") as Surface, db.tables.x86_64);
    assert.equal(g.rules.filter((r) => r.syscall === "mremap").length, 0);
    // getsockopt's pairs as setsockopt's: gVisor answers SO_SNDBUF and refuses SO_PRIORITY under SOL_SOCKET/other.
    const get = g.rules.filter((r) => r.syscall === "getsockopt");
    const sndbuf = get.findIndex((r) => r.mode === "level/optname SOL_SOCKET/SO_SNDBUF");
    const getSolOther = get.findIndex((r) => r.mode === "level/optname SOL_SOCKET/other");
    assert.ok(sndbuf >= 0 && getSolOther > sndbuf && get[sndbuf]?.action === "allow", JSON.stringify(get.map((r) => r.mode)));
    assert.equal(get[getSolOther]?.errnoName, "ENOPROTOOPT");
    assert.match(g.unseen[0]?.why ?? "", /vDSO/);
  });

  it("compiles the rules into masked comparisons per value and one supervised 'other' per row", () => {
    const db = loadDatabase();
    const spec = buildFilterSpec(db.surfaces.get("osv") as Surface, db.tables.x86_64);
    const socket = spec.rules.filter((r) => r.syscall === "socket").map((r) => ({ when: r.when, mode: r.mode, errno: r.errnoName, arg: r.arg }));
    assert.deepEqual(socket, [{ when: "arg-other", mode: "domain other", errno: "EAFNOSUPPORT", arg: { index: 0, mask: 0xffffffff, values: [2, 16] } }]);
    const prctl = spec.rules.filter((r) => r.syscall === "prctl").map((r) => `${r.when} ${r.mode} ${r.action} ${r.errnoName ?? ""}`.trim());
    assert.deepEqual(prctl, [
      "arg-eq option PR_SET_DUMPABLE stub", "arg-eq option PR_SET_KEEPCAPS stub", "arg-eq option PR_SET_NO_NEW_PRIVS stub",
      "arg-eq option PR_SET_PDEATHSIG stub", "arg-other option other errno EINVAL",
    ]);
    const lines = formatSpec(spec).split("\n").filter((l) => / arg-(eq|other) /.test(l));
    assert.ok(lines.some((l) => / 41 arg-other errno 97 0 4294967295 2 2 16$/.test(l)), lines.join("\n"));
  });
});

describe("argument rules in C sources", () => {
  it("reads the deciding argument from the call's literals and macros, and says unknown for anything else", () => {
    const extra = join(tmp, "calls.c");
    writeFileSync(
      extra,
      "#include <sys/socket.h>\n#include <sys/mman.h>\nint f(int fd, int dom) {\n" +
        "  int a = socket(PF_NETLINK, SOCK_RAW, 0);\n  int b = socket(dom, SOCK_STREAM, 0);\n" +
        "  void *q = mmap(0, 4096, PROT_READ, (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE), -1, 0);\n" +
        "  setsockopt(fd, SOL_TCP, TCP_NODELAY, &a, sizeof a);\n  setsockopt(fd, SOL_TCP, dom, &a, sizeof a);\n" +
        "  return a + b + (q != 0) + fcntl(fd, 0x406);\n}\n",
    );
    const r = runCli(["scan", "--target", "unikraft", "-f", "json", "--fail-on", "none", SOURCE, extra]);
    assert.equal(r.code, 0, r.stderr);
    const files = r.stdout.split("\n").filter((l) => l.startsWith('{"path"')).map((l) => JSON.parse(l.replace(/,$/, "")) as FileReport);
    const modes = (f: FileReport | undefined, name: string): string[] => f?.syscalls.find((x) => x.name === name)?.modes ?? [];
    const cases = files.find((f) => f.path === SOURCE);
    assert.deepEqual(modes(cases, "socket"), ["AF_INET", "AF_NETLINK", "AF_PACKET", "AF_UNIX"]);
    assert.deepEqual(modes(cases, "mmap"), ["MAP_PRIVATE|MAP_ANONYMOUS", "MAP_SHARED file", "MAP_SHARED|MAP_ANONYMOUS"]);
    assert.deepEqual(modes(cases, "ioctl"), ["FIONBIO"]);
    assert.deepEqual(modes(cases, "prctl"), ["PR_SET_NAME", "PR_SET_SECCOMP"]);
    assert.deepEqual(modes(cases, "fcntl"), ["F_GETFL", "F_SETLEASE"]);
    assert.deepEqual(modes(cases, "madvise"), ["MADV_DONTNEED", "MADV_FREE", "MADV_WILLNEED"]);
    assert.deepEqual(modes(cases, "setsockopt"), ["IPPROTO_TCP/TCP_NODELAY", "SOL_SOCKET/SO_ATTACH_FILTER", "SOL_SOCKET/SO_REUSEPORT"]);
    // syscall(SYS_futex, &word, FUTEX_LOCK_PI, ...): the op after the number; the call is one way in, not two.
    assert.deepEqual(modes(cases, "futex"), ["FUTEX_LOCK_PI", "FUTEX_WAKE_OP"]);
    assert.ok(!cases?.syscalls.find((x) => x.name === "futex")?.via.some((v) => v.source === "syscall-use"));
    assert.deepEqual(modes(cases, "clock_settime"), ["CLOCK_REALTIME"]);
    assert.deepEqual(modes(cases, "clock_gettime"), ["CLOCK_PROCESS_CPUTIME_ID"]);
    assert.deepEqual(modes(cases, "getsockopt"), ["SOL_SOCKET/SO_PRIORITY", "SOL_SOCKET/SO_SNDBUF"]);
    assert.deepEqual(modes(cases, "clock_getres"), ["CLOCK_PROCESS_CPUTIME_ID"]);
    assert.deepEqual(modes(cases, "clock_nanosleep"), ["CLOCK_MONOTONIC"]);
    const calls = files.find((f) => f.path === extra);
    assert.deepEqual(modes(calls, "socket"), ["AF_NETLINK", UNKNOWN]);
    assert.deepEqual(modes(calls, "mmap"), ["MAP_PRIVATE|MAP_ANONYMOUS"]);
    assert.deepEqual(modes(calls, "fcntl"), ["F_DUPFD_CLOEXEC"]);
    assert.deepEqual(modes(calls, "setsockopt"), ["IPPROTO_TCP/TCP_NODELAY", UNKNOWN]);
    const f = calls?.targets[0]?.findings.find((x) => x.syscall === "socket" && x.mode === "AF_NETLINK");
    assert.equal(f?.severity, "blocker");
    assert.deepEqual(f?.via, [`f (${extra}:4)`]);
  });
});

describe("argument rules: scan and unifit try agree per value", () => {
  const db = loadDatabase();
  const binaries = new Map<string, string>(); // `${n}:${build}` -> path
  const reports = new Map<string, FileReport>(); // path -> report
  let goBinary: string | undefined;
  before(() => {
    for (const c of CASES) for (const b of ["gcc", "static", "musl"] as const) binaries.set(`${c.n}:${b}`, build(c, b));
    goBinary = compileGo(join(ROOT, "test", "analyze", "programs", "interfaces.go"));
    const paths = [...new Set([...binaries.values(), goBinary])];
    const r = runCli(["scan", "--target", TARGETS.join(","), "-f", "json", "--fail-on", "none", ...paths]);
    assert.equal(r.code, 0, r.stderr);
    for (const line of r.stdout.split("\n")) {
      const t = line.replace(/,$/, "");
      if (!t.startsWith('{"path"')) continue;
      const f = JSON.parse(t) as FileReport;
      reports.set(f.path, f);
    }
  });

  it("resolves each case's deciding argument where the program makes the call", () => {
    for (const c of CASES) {
      for (const b of ["gcc", "static", "musl"] as const) {
        const path = binaries.get(`${c.n}:${b}`) as string;
        const rep = reports.get(path);
        assert.ok(rep !== undefined, path);
        const sc = rep.syscalls.find((s) => s.name === c.syscall);
        assert.ok(sc !== undefined, `${c.what} (${b}): ${c.syscall} not reached`);
        if (c.value[b] === UNKNOWN) {
          assert.ok(sc.via.some((v) => v.mode === undefined || v.mode === UNKNOWN), `${c.what} (${b}): expected a call whose value is not known`);
        } else {
          assert.ok(sc.modes.includes(c.value[b]), `${c.what} (${b}): modes ${JSON.stringify(sc.modes)} lack ${c.value[b]}`);
        }
      }
    }
  });

  it("resolves them in aarch64 builds too (aarch64-linux-gnu-gcc, dynamic and -static)", () => {
    const picks = CASES.filter((c) => [3, 4, 5, 6, 9, 10, 17, 18, 19].includes(c.n));
    const paths = picks.flatMap((c) => [[], ["-static"]].map((f) => ({ c, path: compile(SOURCE, [`-DARGCASE=${c.n}`, "-pthread", ...f], "aarch64-linux-gnu-gcc") })));
    const r = runCli(["scan", "--sysroot", "/usr/aarch64-linux-gnu", "--target", "unikraft", "-f", "json", "--fail-on", "none", ...paths.map((p) => p.path)]);
    assert.equal(r.code, 0, r.stderr);
    const byPath = new Map(r.stdout.split("\n").filter((l) => l.startsWith('{"path"')).map((l) => JSON.parse(l.replace(/,$/, "")) as FileReport).map((f) => [f.path, f]));
    for (const { c, path } of paths) {
      const modes = byPath.get(path)?.syscalls.find((x) => x.name === c.syscall)?.modes ?? [];
      assert.ok(modes.includes(c.value.gcc), `${c.what} (aarch64 ${path}): ${JSON.stringify(modes)}`);
    }
  });

  it("rates a static Go program's net.Interfaces as socket(AF_NETLINK), from main.main, refused on unikraft", () => {
    const rep = reports.get(goBinary as string) as FileReport;
    const sc = rep.syscalls.find((s) => s.name === "socket");
    assert.deepEqual(sc?.modes, ["AF_NETLINK"]);
    const f = rep.targets.find((v) => v.target === "unikraft")?.findings.find((x) => x.syscall === "socket");
    assert.equal(f?.mode, "AF_NETLINK");
    assert.equal(f?.argument, "domain");
    assert.equal(f?.severity, "blocker");
    assert.match(f?.evidence ?? "", /lib\/posix-socket\/socket\.c:248-253$/);
    assert.deepEqual(f?.chain?.slice(0, 2), ["main.main", "net.Interfaces"]);
    for (const t of ["nanos", "osv", "gvisor"]) assert.equal(scanned(db, rep, t, "socket", "AF_NETLINK"), "full", t);
  });

  it("gives every value the verdict that the emulated run shows (table in .cache/argument-agreement.md)", async () => {
    const rows: string[] = [`| case | build | value | ${TARGETS.join(" | ")} |`, `|---|---|---|${TARGETS.map(() => "---").join("|")}|`];
    const jobs: { c: Case; b: Build | "go"; path: string; value: string; syscall: string }[] = [];
    for (const c of CASES) for (const b of c.run) jobs.push({ c, b, path: binaries.get(`${c.n}:${b}`) as string, value: c.value[b], syscall: c.syscall });
    const goCase: Case = { n: 0, what: "Go net.Interfaces", syscall: "socket", value: same("AF_NETLINK"), run: [] };
    jobs.push({ c: goCase, b: "go", path: goBinary as string, value: "AF_NETLINK", syscall: "socket" });
    // Two runs at a time (the machine's cores).
    const results = new Map<string, TryReport>();
    const queue = jobs.flatMap((j) => TARGETS.map((t) => ({ j, t })));
    const worker = async (): Promise<void> => {
      for (let q = queue.shift(); q !== undefined; q = queue.shift()) results.set(`${q.j.path}\u0000${q.t}`, await tryRun(q.t, q.j.path));
    };
    await Promise.all([worker(), worker()]);
    const disagreements: string[] = [];
    for (const j of jobs) {
      const rep = reports.get(j.path) as FileReport;
      const cells = TARGETS.map((t) => {
        const status = scanned(db, rep, t, j.syscall, j.value);
        const expect = outcomeOf(status);
        const got = ran(db, results.get(`${j.path}\u0000${t}`) as TryReport, t, j.syscall, j.value);
        if (expect !== got) disagreements.push(`${j.c.what} (${j.b}) on ${t}: scan ${status} (${expect}), run ${got}`);
        return `${status} / ${got}`;
      });
      rows.push(`| ${j.c.what} | ${j.b} | ${j.syscall} ${j.value} | ${cells.join(" | ")} |`);
    }
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(join(CACHE, "argument-agreement.md"), `Scan rating / what unifit try did, per target\n\n${rows.join("\n")}\n`);
    assert.deepEqual(disagreements, []);
    // The refusals the issue names are there: AF_PACKET on nanos, AF_NETLINK on unikraft, PR_SET_SECCOMP on osv.
    const table = rows.join("\n");
    assert.match(table, /\| socket\(AF_PACKET\) \| gcc \| socket AF_PACKET \| enosys \/ refused \| enosys \/ refused \| enosys \/ refused \| enosys \/ refused \|/);
    assert.match(table, /\| socket\(AF_NETLINK\) \| gcc \| socket AF_NETLINK \| full \/ runs \| full \/ runs \| full \/ runs \| enosys \/ refused \|/);
    assert.match(table, /\| prctl\(PR_SET_SECCOMP\) \| gcc \| prctl PR_SET_SECCOMP \| stub \/ stubbed \| enosys \/ refused \| partial \/ runs \| stub \/ stubbed \|/);
    // fcntl and madvise per value: gVisor refuses leases and MADV_FREE (EINVAL), Nanos ignores MADV_FREE, OSv refuses it.
    assert.match(table, /\| fcntl\(F_SETLEASE\) \| gcc \| fcntl F_SETLEASE \| enosys \/ refused \| enosys \/ refused \| enosys \/ refused \| enosys \/ refused \|/);
    assert.match(table, /\| madvise\(MADV_FREE\) \| gcc \| madvise MADV_FREE \| stub \/ stubbed \| enosys \/ refused \| enosys \/ refused \| stub \/ stubbed \|/);
    assert.match(table, /\| madvise\(MADV_DONTNEED\) \| gcc \| madvise MADV_DONTNEED \| full \/ runs \| full \/ runs \| full \/ runs \| full \/ runs \|/);
    // setsockopt per (level, option), futex per op, clock ids: nanos ignores SO_REUSEPORT, lwIP refuses it; OSv and
    // lwIP refuse SO_ATTACH_FILTER, gVisor ignores it; only gVisor has PI futexes; gVisor refuses clock_settime.
    for (const b of ["gcc", "musl"]) {
      assert.match(table, new RegExp(`\\| setsockopt\\(SO_REUSEPORT\\) \\| ${b} \\| setsockopt SOL_SOCKET/SO_REUSEPORT \\| stub / stubbed \\| full / runs \\| full / runs \\| enosys / refused \\|`));
      assert.match(table, new RegExp(`\\| setsockopt\\(SO_ATTACH_FILTER\\) \\| ${b} \\| setsockopt SOL_SOCKET/SO_ATTACH_FILTER \\| stub / stubbed \\| enosys / refused \\| stub / stubbed \\| enosys / refused \\|`));
      assert.match(table, new RegExp(`\\| futex\\(FUTEX_LOCK_PI\\) \\| ${b} \\| futex FUTEX_LOCK_PI \\| enosys / refused \\| enosys / refused \\| full / runs \\| enosys / refused \\|`));
      assert.match(table, new RegExp(`\\| clock_settime\\(CLOCK_REALTIME\\) \\| ${b} \\| clock_settime CLOCK_REALTIME \\| full / runs \\| absent / refused \\| enosys / refused \\| stub / stubbed \\|`));      // getsockopt per (level, option): lwIP answers no SO_SNDBUF; only Nanos answers SO_PRIORITY. Unikraft has no
      // CPU-time clocks, and its clock_nanosleep returns at once on any clock but CLOCK_REALTIME; OSv refuses it.
      assert.match(table, new RegExp(`\\| getsockopt\\(SO_SNDBUF\\) \\| ${b} \\| getsockopt SOL_SOCKET/SO_SNDBUF \\| full / runs \\| full / runs \\| full / runs \\| enosys / refused \\|`));
      assert.match(table, new RegExp(`\\| getsockopt\\(SO_PRIORITY\\) \\| ${b} \\| getsockopt SOL_SOCKET/SO_PRIORITY \\| full / runs \\| enosys / refused \\| enosys / refused \\| enosys / refused \\|`));
      assert.match(table, new RegExp(`\\| clock_getres\\(CLOCK_PROCESS_CPUTIME_ID\\) \\| ${b} \\| clock_getres CLOCK_PROCESS_CPUTIME_ID \\| full / runs \\| full / runs \\| full / runs \\| enosys / refused \\|`));
      assert.match(table, new RegExp(`\\| clock_nanosleep\\(CLOCK_MONOTONIC\\) \\| ${b} \\| clock_nanosleep CLOCK_MONOTONIC \\| full / runs \\| enosys / refused \\| full / runs \\| stub / stubbed \\|`));
    }
  });
});

describe("argument values passed through the program's own functions", () => {
  // my_socket(domain), a gnulib-style my_fcntl(fd, action, ...) and my_map(n, flags) pass their parameter on: the
  // value of each libc call is what each caller passes (MAP_ANONYMOUS or-ed in on the way), with and without symbols.
  const source = join(ROOT, "test", "analyze", "programs", "arg-wrappers.c");
  const plain = compile(source);
  const optimised = compile(source, ["-O2"]);
  const stripped = join(tmp, "arg-wrappers-stripped");
  execFileSync("strip", ["-o", stripped, plain]);

  it("gives the libc call inside the wrapper each caller's value", () => {
    const r = runCli(["scan", "--target", "unikraft", "-f", "json", "--fail-on", "none", plain, optimised, stripped]);
    assert.equal(r.code, 0, r.stderr);
    const files = r.stdout.split("\n").filter((l) => l.startsWith('{"path"')).map((l) => JSON.parse(l.replace(/,$/, "")) as FileReport);
    assert.equal(files.length, 3);
    for (const f of files) {
      const modes = (name: string): string[] => f.syscalls.find((x) => x.name === name)?.modes ?? [];
      assert.deepEqual(modes("socket"), ["AF_INET", "AF_NETLINK"], f.path);
      assert.deepEqual(modes("fcntl").filter((m) => m !== "F_GETFD" && m !== "F_SETFD"), ["F_DUPFD_CLOEXEC", "F_GETFL"], f.path);
      assert.ok(modes("mmap").includes("MAP_SHARED|MAP_ANONYMOUS"), `${f.path}: ${JSON.stringify(modes("mmap"))}`);
      const netlink = f.targets[0]?.findings.find((x) => x.syscall === "socket" && x.mode === "AF_NETLINK");
      assert.equal(netlink?.severity, "blocker", f.path);
      assert.ok(!modes("socket").includes(UNKNOWN), f.path);
      // A function also called through a pointer has callers the analysis cannot see.
      assert.deepEqual(modes("prctl").filter((m) => m.startsWith("PR_GET_D") || m === UNKNOWN), ["PR_GET_DUMPABLE", UNKNOWN], f.path);
    }
  });

  it("agrees with unifit try: the AF_NETLINK caller is refused on unikraft, the AF_INET one runs", async () => {
    const db = loadDatabase();
    const netlink = await tryRun("unikraft", stripped, ["1", "2", "3", "4", "5"]);
    assert.equal(ran(db, netlink, "unikraft", "socket", "AF_NETLINK"), "refused");
    const inet = await tryRun("unikraft", stripped);
    assert.equal(ran(db, inet, "unikraft", "socket", "AF_INET"), "runs");
    assert.equal(ran(db, inet, "unikraft", "socket", "AF_NETLINK"), "runs"); // not made without the arguments
  });
});

/** The modes of `syscall`'s call sites in `fn` (the program's own code), from a file's JSON report. */
function siteModes(f: FileReport, syscall: string, fn = "main"): string[] {
  const sc = f.syscalls.find((x) => x.name === syscall);
  return [...new Set((sc?.via ?? []).filter((v) => v.kind === "site" && v.function === fn).map((v) => v.mode ?? ""))].sort();
}

const scanJson = (args: readonly string[]): Map<string, FileReport> => {
  const r = runCli(["scan", "-f", "json", "--fail-on", "none", ...args]);
  assert.equal(r.code, 0, r.stderr);
  const files = r.stdout.split("\n").filter((l) => l.startsWith('{"path"')).map((l) => JSON.parse(l.replace(/,$/, "")) as FileReport);
  return new Map(files.map((f) => [f.path, f]));
};

describe("argument values from the program's globals", () => {
  // arg-globals.c: socket's domain from a global nothing writes, mmap's flags from one only constants are stored in,
  // prctl's option from one whose address is handed to sscanf.
  const source = join(ROOT, "test", "analyze", "programs", "arg-globals.c");
  const plain = compile(source);
  const optimised = compile(source, ["-O2"]);
  const computed = compile(source, ["-O2", "-DKIND_FROM_ARGV"]);
  const toggled = compile(source, ["-O2", "-DKIND_TOGGLED"]);
  const counted = compile(source, ["-O2", "-DKIND_COUNTED"]);
  const stripped = join(tmp, "arg-globals-stripped");
  execFileSync("strip", ["-o", stripped, optimised]);

  it("reads a global's value from the file when nothing writes it, or when every writer stores a constant", () => {
    const files = scanJson(["--target", "unikraft", plain, optimised, computed, toggled, counted, stripped]);
    for (const path of [plain, optimised]) {
      const f = files.get(path) as FileReport;
      assert.deepEqual(siteModes(f, "socket"), ["AF_NETLINK"], path);
      assert.deepEqual(siteModes(f, "mmap"), ["MAP_PRIVATE|MAP_ANONYMOUS", "MAP_SHARED|MAP_ANONYMOUS"], path);
      // Its address escapes to sscanf: any value may be there.
      assert.deepEqual(siteModes(f, "prctl"), [UNKNOWN], path);
      const netlink = f.targets[0]?.findings.find((x) => x.syscall === "socket" && x.mode === "AF_NETLINK");
      assert.equal(netlink?.severity, "blocker", path);
    }
    // A writer that stores a computed value: the flags are not known.
    assert.deepEqual(siteModes(files.get(computed) as FileReport, "mmap"), [UNKNOWN]);
    // One computed from the variable itself: known where some set of values reproduces itself, and only there.
    assert.deepEqual(siteModes(files.get(toggled) as FileReport, "mmap"), ["MAP_PRIVATE|MAP_ANONYMOUS", "MAP_SHARED|MAP_ANONYMOUS"]);
    assert.deepEqual(siteModes(files.get(counted) as FileReport, "mmap"), [UNKNOWN]);
    // Without .symtab the variable's bounds are not known: nothing is read from it.
    const s = files.get(stripped) as FileReport;
    const fn = s.syscalls.find((x) => x.name === "socket")?.via.find((v) => v.kind === "site")?.function ?? "";
    assert.deepEqual(siteModes(s, "socket", fn), [UNKNOWN]);
  });

  it("agrees with unifit try: the socket the global names is refused on unikraft", async () => {
    const db = loadDatabase();
    const run = await tryRun("unikraft", optimised);
    assert.equal(ran(db, run, "unikraft", "socket", "AF_NETLINK"), "refused");
    assert.equal(ran(db, run, "unikraft", "mmap", "MAP_PRIVATE|MAP_ANONYMOUS"), "runs");
  });
});

describe("argument values from wrappers' callers and from getaddrinfo's answer", () => {
  // arg-lists.c: mk(domain) is called with AF_INET and AF_UNIX only, mk_any(domain) also with a number read at run
  // time; open_listed() opens a socket of each ai_family of getaddrinfo's list (AF_INET or AF_INET6 by glibc's and
  // musl's code, src/analyze/list-results.ts); open_retagged() and open_held() let another function write ai_family
  // first, through the node or through the local holding the list. open_reused() hands setsockopt, which only reads
  // through its pointers (src/analyze/read-only-calls.ts), the address of a local in the loop; open_peeked() hands it
  // to getsockopt, which writes through it, and open_lent() to a function of the program's own.
  const source = join(ROOT, "test", "analyze", "programs", "arg-lists.c");
  const plain = compile(source);
  const optimised = compile(source, ["-O2"]);
  const unoptimised = compile(source, ["-O0"]);

  it("gives each wrapper's socket() its callers' values, and getaddrinfo's families where the list is only read", () => {
    const files = scanJson(["--target", "unikraft", plain, optimised, unoptimised]);
    for (const path of [plain, optimised, unoptimised]) {
      const f = files.get(path) as FileReport;
      assert.deepEqual(siteModes(f, "socket", "mk"), ["AF_INET", "AF_UNIX"], path);
      assert.deepEqual(siteModes(f, "socket", "mk_any"), ["AF_INET", UNKNOWN], path);
      assert.deepEqual(siteModes(f, "socket", "open_retagged"), [UNKNOWN], path);
      assert.deepEqual(siteModes(f, "socket", "open_held"), [UNKNOWN], path);
      // The list walked with only read-only calls in the loop (socket, setsockopt(&on), bind, close): at -O0 too,
      // where the node pointer lives in a stack slot whose address has escaped, since none of them writes a slot.
      assert.deepEqual(siteModes(f, "socket", "open_listed"), ["AF_INET", "AF_INET6"], path);
      assert.deepEqual(siteModes(f, "socket", "open_reused"), ["AF_INET", "AF_INET6"], path);
      assert.deepEqual(siteModes(f, "socket", "open_peeked"), [UNKNOWN], path);
      assert.deepEqual(siteModes(f, "socket", "open_lent"), [UNKNOWN], path);
      assert.deepEqual(f.syscalls.find((x) => x.name === "socket")?.modes, ["AF_INET", "AF_INET6", "AF_UNIX", UNKNOWN], path);
      // Rated by each value's rule: unikraft serves AF_INET, AF_INET6 and AF_UNIX (no finding); the unknown value
      // keeps the row's warning.
      const socket = f.targets[0]?.findings.filter((x) => x.syscall === "socket") ?? [];
      assert.ok(!socket.some((x) => x.mode !== undefined && ["AF_INET", "AF_INET6", "AF_UNIX"].includes(x.mode)), path);
      assert.equal(socket.find((x) => x.mode === UNKNOWN)?.severity, "warning", path);
    }
  });
});

/** A program of test/analyze/programs built with `flags` for x86-64 and for aarch64. */
function bothArches(program: string, flags: readonly string[]): { x86: string; a64: string } {
  const source = join(ROOT, "test", "analyze", "programs", program);
  return { x86: compile(source, flags), a64: compile(source, flags, "aarch64-linux-gnu-gcc") };
}

/** Both builds' reports against unikraft (the aarch64 one with the cross sysroot's libraries). */
function scanBoth({ x86, a64 }: { x86: string; a64: string }): Map<string, FileReport> {
  return new Map([...scanJson(["--target", "unikraft", x86]), ...scanJson(["--sysroot", "/usr/aarch64-linux-gnu", "--target", "unikraft", a64])]);
}

describe("stack slots kept across a call that only reads through its pointers (x86-64 and aarch64)", () => {
  // arg-readonly.c at -O0: the domain waits in a slot while the address of another local is handed to setsockopt
  // (it only reads it: src/analyze/read-only-calls.ts) or to getsockopt (it writes as many bytes as the length says).
  const builds = bothArches("arg-readonly.c", ["-O0"]);
  const { x86, a64 } = builds;

  it("keeps the slot across setsockopt(&on) and getsockopt(&on, &len) of a known len, not of an unknown one", () => {
    const files = scanBoth(builds);
    for (const path of [x86, a64]) {
      const f = files.get(path) as FileReport;
      assert.deepEqual(siteModes(f, "socket", "kept"), ["AF_NETLINK", "AF_PACKET"], path);
      assert.deepEqual(siteModes(f, "socket", "filled"), ["AF_NETLINK", "AF_PACKET"], path);
      assert.deepEqual(siteModes(f, "socket", "lost"), [UNKNOWN], path);
      // x86-64 adds to the slot in place, which the analysis does not compute (it read AF_UNIX, the value before the
      // addition, until the decoder placed such writes); aarch64 loads, adds and stores.
      assert.deepEqual(siteModes(f, "socket", "bumped"), path === x86 ? [UNKNOWN] : ["AF_INET"], path);
      // AF_NETLINK and AF_PACKET are refused on unikraft: kept()'s call is a blocker by its values, not a warning.
      const kept = f.targets[0]?.findings.filter((x) => x.syscall === "socket" && (x.mode === "AF_NETLINK" || x.mode === "AF_PACKET")) ?? [];
      assert.ok(kept.length > 0 && kept.every((x) => x.severity === "blocker"), path);
    }
  });
});

describe("stack slots forgotten when a callee is handed the stack (x86-64 and aarch64)", () => {
  // arg-handed.c at -O2: x86-64 hands the struct's address as a copy of rsp (`mov rdi, rsp`), which let no stack
  // address escape: the slot kept the AF_UNIX stored before the call, and the scan said socket(AF_UNIX) of a program
  // that opens AF_INET (strace).
  const builds = bothArches("arg-handed.c", ["-O2"]);

  it("does not read the value stored before the call back after it", () => {
    const files = scanBoth(builds);
    for (const path of [builds.x86, builds.a64]) assert.deepEqual(siteModes(files.get(path) as FileReport, "socket"), [UNKNOWN], path);
  });
});

describe("argument values joined from several paths (x86-64 and aarch64)", () => {
  // arg-paths.c: socket's domain and mmap's flags are set on the two branches of main; compilers share the call's
  // tail, so the straight-line run before the call sees one branch's value only. Every path's value must be given.
  const source = join(ROOT, "test", "analyze", "programs", "arg-paths.c");
  const x86 = [compile(source), compile(source, ["-O2"])];
  const a64 = [compile(source, [], "aarch64-linux-gnu-gcc"), compile(source, ["-O2"], "aarch64-linux-gnu-gcc")];

  it("gives the call each branch's value, in x86-64 and aarch64 builds", () => {
    const files = new Map([...scanJson(["--target", "unikraft", ...x86]), ...scanJson(["--sysroot", "/usr/aarch64-linux-gnu", "--target", "unikraft", ...a64])]);
    for (const path of [...x86, ...a64]) {
      const f = files.get(path) as FileReport;
      assert.deepEqual(siteModes(f, "socket"), ["AF_NETLINK", "AF_PACKET"], path);
      assert.deepEqual(siteModes(f, "mmap"), ["MAP_PRIVATE|MAP_ANONYMOUS", "MAP_SHARED|MAP_ANONYMOUS"], path);
    }
  });

  it("agrees with unifit try: each branch's socket is made and refused on unikraft", async () => {
    const db = loadDatabase();
    const netlink = await tryRun("unikraft", x86[1] as string);
    assert.equal(ran(db, netlink, "unikraft", "socket", "AF_NETLINK"), "refused");
    const packet = await tryRun("unikraft", x86[1] as string, ["a", "b"]);
    assert.equal(ran(db, packet, "unikraft", "socket", "AF_PACKET"), "refused");
  });
});

describe("argument bits known in part: mmap's mapping type", () => {
  // arg-bits.c: static glibc's malloc ors MAP_PRIVATE|MAP_ANONYMOUS into mp_.hp_flags, whose only writer
  // (__malloc_hugepage_config, through a pointer) stores 0 or MAP_HUGETLB with the page size's shift in bits 26-31:
  // the flags are not a constant, but the bits that decide the kind of mapping are. The program's own globals: one
  // stored with those bits cleared (known), one stored a value from argv and one handed to sscanf (both unknown).
  const source = join(ROOT, "test", "analyze", "programs", "arg-bits.c");
  const mallocOnly = [compile(source, ["-O2", "-static", "-DMALLOC_ONLY"]), compile(source, ["-static", "-DMALLOC_ONLY"]), compile(source, ["-O2", "-static-pie", "-DMALLOC_ONLY"])];
  const globals = [compile(source), compile(source, ["-O2"])];
  const stripped = join(tmp, "arg-bits-stripped");
  execFileSync("strip", ["-o", stripped, globals[1] as string]);

  it("resolves static glibc's malloc mmap sites as MAP_PRIVATE|MAP_ANONYMOUS and rates them so", () => {
    const db = loadDatabase();
    const files = scanJson(["--target", TARGETS.join(","), ...mallocOnly]);
    for (const path of mallocOnly) {
      const f = files.get(path) as FileReport;
      const mmap = f.syscalls.find((x) => x.name === "mmap");
      // Every mmap site's kind of mapping is known: malloc's included (no "unknown" among the modes).
      assert.deepEqual(mmap?.modes, ["MAP_PRIVATE file", "MAP_PRIVATE|MAP_ANONYMOUS", "MAP_SHARED file"], path);
      assert.ok(mmap?.via.some((v) => v.kind === "site" && v.function === "alloc_new_heap" && v.mode === "MAP_PRIVATE|MAP_ANONYMOUS"), path);
      // Rated by the mapping type: a target's MAP_PRIVATE|MAP_ANONYMOUS rule, and no finding for an unknown value.
      for (const t of TARGETS) {
        const findings = f.targets.find((x) => x.target === t)?.findings.filter((x) => x.syscall === "mmap") ?? [];
        assert.ok(!findings.some((x) => x.mode === UNKNOWN), `${path} ${t}: ${JSON.stringify(findings.map((x) => x.mode))}`);
        const args = db.surfaces.get(t)?.rows.get("mmap")?.args;
        const rule = args !== undefined ? argRuleFor("mmap", args, "MAP_PRIVATE|MAP_ANONYMOUS") : undefined;
        if (rule !== undefined) assert.equal(scanned(db, f, t, "mmap", "MAP_PRIVATE|MAP_ANONYMOUS"), rule.status, `${path} ${t}`);
      }
    }
  });

  it("agrees with unifit try: malloc's mapping runs where the scan rates MAP_PRIVATE|MAP_ANONYMOUS so", async () => {
    const db = loadDatabase();
    const f = scanJson(["--target", TARGETS.join(","), mallocOnly[0] as string]).get(mallocOnly[0] as string) as FileReport;
    for (const t of TARGETS) {
      const run = await tryRun(t, mallocOnly[0] as string);
      assert.equal(ran(db, run, t, "mmap", "MAP_PRIVATE|MAP_ANONYMOUS"), outcomeOf(scanned(db, f, t, "mmap", "MAP_PRIVATE|MAP_ANONYMOUS")), t);
    }
  });

  it("resolves a global's mapping type when every writer leaves those bits known, and only then", () => {
    const files = scanJson(["--target", "unikraft", ...globals, stripped]);
    for (const path of globals) {
      const f = files.get(path) as FileReport;
      assert.deepEqual(siteModes(f, "mmap", "map_masked"), ["MAP_PRIVATE|MAP_ANONYMOUS"], path);
      // A writer storing a value from argv, and a pointer handed to sscanf: the bits are not known.
      assert.deepEqual(siteModes(f, "mmap", "map_any"), [UNKNOWN], path);
      assert.deepEqual(siteModes(f, "mmap", "map_scanned"), [UNKNOWN], path);
    }
    // Without .symtab the variables' bounds are not known: nothing is read from them.
    assert.deepEqual(files.get(stripped)?.syscalls.find((x) => x.name === "mmap")?.modes, [UNKNOWN]);
  });
});
