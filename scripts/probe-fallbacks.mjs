#!/usr/bin/env node
// @fileoverview Establishes the libc fallbacks of syscall-db/fallbacks/<glibc|musl>.yaml by running them.
//
// For each case below, a tiny C program calls the libc function(s) of one fallback entry and prints what the call
// achieved (return values, the descriptor flags it set, the bytes it read). The program is compiled with gcc
// (--libc glibc, dynamic: the machine's libc) or musl-gcc (--libc musl, static) and run twice under `strace -f`:
//
//   baseline:  strace -f -qq -o T0 ./probe
//   injected:  strace -f -qq -o T1 -e inject=<syscall>:error=ENOSYS ./probe     (strace's fault injection)
//
// A case passes when the baseline exits 0, the injected run exits 0 with the same output (the function still does
// its job), and strace marked at least one call of the syscall as INJECTED (the path was really taken). The syscalls
// used instead are read from the injected trace: inside the window (between the markers close(-424242) and
// close(-434343), as in scripts/probe-libc.mjs, or the whole trace for start-up fallbacks), `new` is what the
// injected run made and the baseline did not, and `seen` is everything the injected run made.
//
// An entry agrees with the data when every case passed, every `new` syscall is in the entry's `to:` list, and every
// `to:` syscall was seen in the injected window of one of its cases (calls that Linux answers from the vDSO, such as
// clock_gettime, never show in strace and are exempt).
//
// Usage: node scripts/probe-fallbacks.mjs --libc glibc|musl [--only case1,case2] [--keep] > result.json
// Output (stdout): JSON { libc, libcVersion, kernel, strace, date, cases: [...], entries: [...] }; exit 1 when an
// entry disagrees, 2 on a usage or tool error. Needs gcc or musl-gcc, strace and a writable tmp directory.

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { probeArgs } from "./probe-args.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const { libc: LIBC, only: ONLY, keep: KEEP } = probeArgs("probe-fallbacks");
const CC = LIBC === "glibc" ? ["gcc"] : ["musl-gcc", "-static"];
/** Calls the Linux vDSO answers without a system call: strace cannot see them. */
const VDSO = new Set(["clock_gettime", "gettimeofday", "time", "getcpu"]);

// ---------------------------------------------------------------------------------------------------------------
// Programs. Each case: id (<syscall>/<what>), syscall (injected), fn (a function of the entry it tests), body (the
// statements of main; MARK_BEGIN()/MARK_END() around the call), top (file-level code), whole (the fallback happens
// at start-up: compare whole traces), libc (only for this libc).

const PRELUDE = String.raw`
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <arpa/inet.h>
extern char **environ;
#define MARK_BEGIN() syscall(SYS_close, -424242)
#define MARK_END() syscall(SYS_close, -434343)
`;

const THREAD_TOP = "static void *thr(void *a) { *(int *)a = 42; return 0; }";
const THREAD_BODY = `pthread_t t; int v = 0; MARK_BEGIN(); int r = pthread_create(&t, 0, thr, &v); if (r == 0) r = pthread_join(t, 0); MARK_END(); printf("%d %d\\n", r, v);`;
const REALLOC_BODY = `char *p = malloc(1 << 20); memset(p, 7, 1 << 20); MARK_BEGIN(); char *q = realloc(p, 4 << 20); MARK_END(); printf("%d %d\\n", q != 0, q && q[(1 << 20) - 1] == 7 && q[0] == 7);`;
const TCP = `int ls = socket(AF_INET, SOCK_STREAM, 0); struct sockaddr_in sa = {0}; sa.sin_family = AF_INET; sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); bind(ls, (struct sockaddr *)&sa, sizeof sa); listen(ls, 4); socklen_t sl = sizeof sa; getsockname(ls, (struct sockaddr *)&sa, &sl); int cs = socket(AF_INET, SOCK_STREAM, 0); connect(cs, (struct sockaddr *)&sa, sizeof sa);`;

const CASES = [
  // --- glibc --------------------------------------------------------------------------------------------------
  { libc: "glibc", id: "clone3/pthread_create", syscall: "clone3", fn: "pthread_create", top: THREAD_TOP, body: THREAD_BODY },
  {
    libc: "glibc", id: "clone3/posix_spawn", syscall: "clone3", fn: "posix_spawn",
    body: `pid_t pid; char *av[] = {"/bin/true", 0}; MARK_BEGIN(); int r = posix_spawn(&pid, "/bin/true", 0, 0, av, environ); int st = -1; if (r == 0) waitpid(pid, &st, 0); MARK_END(); printf("%d %d\\n", r, st);`,
  },
  {
    libc: "glibc", id: "faccessat2/at_eaccess", syscall: "faccessat2", fn: "faccessat",
    body: `MARK_BEGIN(); int r1 = faccessat(AT_FDCWD, "/etc/passwd", R_OK, AT_EACCESS); int r2 = faccessat(AT_FDCWD, "/nonexistent-unifit", R_OK, AT_EACCESS); int e2 = errno; MARK_END(); printf("%d %d %d\\n", r1, r2, e2);`,
  },
  {
    libc: "glibc", id: "faccessat2/at_symlink_nofollow", syscall: "faccessat2", fn: "faccessat",
    body: `MARK_BEGIN(); int r1 = faccessat(AT_FDCWD, "/etc/passwd", R_OK, AT_SYMLINK_NOFOLLOW); int r2 = faccessat(AT_FDCWD, "/nonexistent-unifit", F_OK, AT_SYMLINK_NOFOLLOW); int e2 = errno; int r3 = faccessat(AT_FDCWD, "/etc/passwd", W_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW); MARK_END(); printf("%d %d %d %d\\n", r1, r2, e2, r3);`,
  },
  {
    libc: "glibc", id: "statx/statx", syscall: "statx", fn: "statx",
    body: `struct statx sx; memset(&sx, 0, sizeof sx); MARK_BEGIN(); int r = statx(AT_FDCWD, "/etc/passwd", 0, STATX_BASIC_STATS, &sx); MARK_END(); printf("%d %llu %o %u\\n", r, (unsigned long long)sx.stx_size, sx.stx_mode, sx.stx_uid);`,
  },
  { libc: "glibc", id: "rseq/startup", syscall: "rseq", fn: "pthread_create", whole: true, top: THREAD_TOP, body: THREAD_BODY },
  { libc: "glibc", id: "set_robust_list/startup", syscall: "set_robust_list", fn: "pthread_create", whole: true, top: THREAD_TOP, body: THREAD_BODY },
  {
    libc: "glibc", id: "getrandom/malloc", syscall: "getrandom", fn: "malloc", whole: true,
    body: `char *p = malloc(100); strcpy(p, "ok"); free(p); p = malloc(100); printf("%s\\n", p ? "ok" : "no");`,
  },
  {
    libc: "glibc", id: "getrandom/arc4random_buf", syscall: "getrandom", fn: "arc4random_buf",
    body: `unsigned char b[32] = {0}; MARK_BEGIN(); arc4random_buf(b, sizeof b); MARK_END(); int nz = 0; for (int i = 0; i < 32; i++) nz += b[i] != 0; printf("%d\\n", nz > 8);`,
  },
  {
    libc: "glibc", id: "close_range/closefrom", syscall: "close_range", fn: "closefrom",
    body: `int a = open("/dev/null", O_RDONLY); dup2(a, 20); MARK_BEGIN(); closefrom(3); MARK_END(); printf("%d %d %d\\n", fcntl(a, F_GETFD) == -1, fcntl(20, F_GETFD) == -1, fcntl(1, F_GETFD) != -1);`,
  },
  {
    libc: "glibc", id: "close_range/posix_spawn_closefrom", syscall: "close_range", fn: "posix_spawn",
    body: `int a = open("/dev/null", O_RDONLY); dup2(a, 20); posix_spawn_file_actions_t fa; posix_spawn_file_actions_init(&fa); posix_spawn_file_actions_addclosefrom_np(&fa, 3); pid_t pid; char *av[] = {"/bin/sh", "-c", "if [ -e /proc/self/fd/20 ]; then echo open; else echo closed; fi", 0}; fflush(stdout); MARK_BEGIN(); int r = posix_spawn(&pid, "/bin/sh", &fa, 0, av, environ); int st = -1; if (r == 0) waitpid(pid, &st, 0); MARK_END(); printf("%d %d\\n", r, st);`,
  },
  { libc: "glibc", id: "mremap/realloc", syscall: "mremap", fn: "realloc", body: REALLOC_BODY },
  {
    libc: "glibc", id: "preadv2/preadv2", syscall: "preadv2", fn: "preadv2",
    body: `int fd = open("/etc/passwd", O_RDONLY); char b1[8] = {0}, b2[8] = {0}; struct iovec v1 = {b1, 4}, v2 = {b2, 4}; MARK_BEGIN(); long n1 = preadv2(fd, &v1, 1, 2, 0); long n2 = preadv2(fd, &v2, 1, -1, 0); MARK_END(); printf("%ld %ld %s %s\\n", n1, n2, b1, b2);`,
  },
  {
    libc: "glibc", id: "pwritev2/pwritev2", syscall: "pwritev2", fn: "pwritev2",
    body: `char path[] = "/tmp/unifit-pwritev2-XXXXXX"; int fd = mkstemp(path); unlink(path); struct iovec v1 = {"abcd", 4}, v2 = {"xy", 2}; MARK_BEGIN(); long n1 = pwritev2(fd, &v1, 1, 0, 0); long n2 = pwritev2(fd, &v2, 1, -1, 0); MARK_END(); char b[8] = {0}; pread(fd, b, 7, 0); printf("%ld %ld %s\\n", n1, n2, b);`,
  },
  // --- musl ---------------------------------------------------------------------------------------------------
  {
    libc: "musl", id: "faccessat2/at_eaccess", syscall: "faccessat2", fn: "faccessat",
    body: `MARK_BEGIN(); int r1 = faccessat(AT_FDCWD, "/etc/passwd", R_OK, AT_EACCESS); int r2 = faccessat(AT_FDCWD, "/nonexistent-unifit", R_OK, AT_EACCESS); int e2 = errno; MARK_END(); printf("%d %d %d\\n", r1, r2, e2);`,
  },
  {
    libc: "musl", id: "pipe2/pipe2", syscall: "pipe2", fn: "pipe2",
    body: `int p[2]; MARK_BEGIN(); int r = pipe2(p, O_CLOEXEC | O_NONBLOCK); MARK_END(); printf("%d %d %d %d\\n", r, (fcntl(p[0], F_GETFD) & FD_CLOEXEC) != 0, (fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0, (int)write(p[1], "x", 1));`,
  },
  {
    libc: "musl", id: "dup3/dup3", syscall: "dup3", fn: "dup3",
    body: `int a = open("/dev/null", O_RDONLY); MARK_BEGIN(); int r = dup3(a, 20, O_CLOEXEC); MARK_END(); printf("%d %d\\n", r, (fcntl(20, F_GETFD) & FD_CLOEXEC) != 0);`,
  },
  {
    libc: "musl", id: "accept4/accept4", syscall: "accept4", fn: "accept4",
    body: `${TCP} MARK_BEGIN(); int c = accept4(ls, 0, 0, SOCK_CLOEXEC | SOCK_NONBLOCK); MARK_END(); printf("%d %d %d\\n", c >= 0, (fcntl(c, F_GETFD) & FD_CLOEXEC) != 0, (fcntl(c, F_GETFL) & O_NONBLOCK) != 0);`,
  },
  {
    libc: "musl", id: "epoll_create1/epoll_create", syscall: "epoll_create1", fn: "epoll_create",
    body: `int p[2]; pipe(p); MARK_BEGIN(); int e = epoll_create(1); MARK_END(); struct epoll_event ev = {EPOLLIN}; printf("%d %d\\n", e >= 0, epoll_ctl(e, EPOLL_CTL_ADD, p[0], &ev));`,
  },
  {
    libc: "musl", id: "epoll_pwait/epoll_wait", syscall: "epoll_pwait", fn: "epoll_wait",
    body: `int p[2]; pipe(p); write(p[1], "x", 1); int e = epoll_create1(0); struct epoll_event ev = {EPOLLIN}, out[4]; ev.data.fd = p[0]; epoll_ctl(e, EPOLL_CTL_ADD, p[0], &ev); MARK_BEGIN(); int n = epoll_wait(e, out, 4, 0); MARK_END(); printf("%d %d\\n", n, n == 1 && out[0].data.fd == p[0]);`,
  },
  { libc: "musl", id: "mremap/realloc", syscall: "mremap", fn: "realloc", body: REALLOC_BODY },
  {
    // mallocng hands 8200-byte blocks out of page-spanning slots: freeing every other one gives whole pages back.
    libc: "musl", id: "madvise/free", syscall: "madvise", fn: "free",
    body: `char *p[32]; long s = 0; for (int i = 0; i < 32; i++) { p[i] = malloc(8200); memset(p[i], i, 8200); } MARK_BEGIN(); for (int i = 0; i < 32; i += 2) { s += p[i][100]; free(p[i]); } for (int i = 1; i < 32; i += 2) { s += p[i][100]; free(p[i]); } MARK_END(); printf("%ld\\n", s);`,
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Traces.

/** Syscall names of one strace -f file, in order, with the INJECTED ones counted. */
function parseTrace(text) {
  const calls = [];
  let injected = 0;
  for (const raw of text.split("\n")) {
    const m = /^\d+\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()/.exec(raw);
    if (m === null) continue;
    if (/\(INJECTED\)/.test(raw)) injected++;
    if (m[2] !== undefined) calls.push({ name: m[2], line: raw });
  }
  return { calls, injected };
}

const isMarker = (c, n) => c.name === "close" && c.line.includes(`close(${n})`);

/** The syscall names inside the window: between the markers, or everything but the first execve (whole). */
function windowNames(calls, whole) {
  if (whole) return new Set(calls.slice(1).map((c) => c.name));
  const b = calls.findIndex((c) => isMarker(c, -424242));
  const e = calls.findIndex((c, i) => i > b && isMarker(c, -434343));
  if (b < 0 || e < 0) return undefined;
  return new Set(calls.slice(b + 1, e).map((c) => c.name));
}

function run(cmd, argv, cwd) {
  return new Promise((resolve) => {
    const ch = spawn(cmd, argv, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    ch.stdout.on("data", (d) => (out += d));
    ch.stderr.on("data", (d) => (err += d));
    const t = setTimeout(() => ch.kill("SIGKILL"), 30000);
    ch.on("close", (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, out, err });
    });
  });
}

async function probeCase(c, work) {
  const dir = join(work, c.id.replace(/[^A-Za-z0-9_]/g, "_"));
  mkdirSync(dir, { recursive: true });
  const src = join(dir, "probe.c");
  const exe = join(dir, "probe");
  writeFileSync(src, `${PRELUDE}\n${c.top ?? ""}\nint main(void) {\n  ${c.body}\n  return 0;\n}\n`);
  const [cc, ...ccFlags] = CC;
  const built = await run(cc, [...ccFlags, "-O0", "-w", "-o", exe, src, "-pthread"], dir);
  if (built.code !== 0) return { id: c.id, ok: false, problem: `compile failed: ${built.err.split("\n").slice(0, 2).join(" | ")}` };
  const traced = async (name, extra) => {
    const trace = join(dir, `${name}.trace`);
    const r = await run("strace", ["-f", "-qq", ...extra, "-o", trace, exe], dir);
    let text = "";
    try {
      text = readFileSync(trace, "utf8");
    } catch {
      // no trace: reported below
    }
    return { ...r, ...parseTrace(text) };
  };
  const base = await traced("baseline", []);
  const inj = await traced("injected", ["-e", `inject=${c.syscall}:error=ENOSYS`]);
  const w0 = windowNames(base.calls, c.whole);
  const w1 = windowNames(inj.calls, c.whole);
  const result = {
    id: c.id,
    syscall: c.syscall,
    fn: c.fn,
    baseline: { exit: base.code, output: base.out.trim() },
    injected: { exit: inj.code, output: inj.out.trim(), injectedCalls: inj.injected },
  };
  let problem;
  if (base.code !== 0) problem = `baseline exited ${base.code ?? base.signal}`;
  else if (inj.injected === 0) problem = `strace injected no ${c.syscall} call: the path was not taken`;
  else if (inj.code !== 0) problem = `with ${c.syscall} failing the program exited ${inj.code ?? inj.signal}`;
  else if (inj.out !== base.out) problem = `with ${c.syscall} failing the output changed: ${JSON.stringify(base.out.trim())} -> ${JSON.stringify(inj.out.trim())}`;
  else if (w0 === undefined || w1 === undefined) problem = "markers not found in a trace";
  const seen = w1 === undefined ? [] : [...w1].filter((n) => n !== c.syscall).sort();
  const added = w1 === undefined || w0 === undefined ? [] : [...w1].filter((n) => !w0.has(n) && n !== c.syscall).sort();
  return { ...result, new: added, seen, ok: problem === undefined, ...(problem !== undefined ? { problem } : {}) };
}

function loadEntries() {
  const require = createRequire(import.meta.url);
  const { parse } = require("yaml");
  const file = join(ROOT, "syscall-db", "fallbacks", `${LIBC}.yaml`);
  return parse(readFileSync(file, "utf8")).fallbacks;
}

/** The entry a case exercises: same syscall, and the case's function among the entry's (or "*"). */
function entryOf(entries, c) {
  return entries.find((e) => e.syscall === c.syscall && e.functions.includes(c.fn)) ?? entries.find((e) => e.syscall === c.syscall && e.functions.includes("*"));
}

function judge(entry, results) {
  const to = new Set(entry.to);
  const problems = [];
  for (const r of results) if (!r.ok) problems.push(`${r.id}: ${r.problem}`);
  const added = new Set(results.flatMap((r) => r.new));
  const seen = new Set(results.flatMap((r) => r.seen));
  for (const n of added) if (!to.has(n)) problems.push(`${n} is used instead but not in to:`);
  for (const n of to) if (!seen.has(n) && !VDSO.has(n)) problems.push(`${n} is in to: but was not seen`);
  return { syscall: entry.syscall, functions: entry.functions, to: entry.to, cases: results.map((r) => r.id), observedNew: [...added].sort(), agrees: problems.length === 0, problems };
}

async function main() {
  for (const tool of [CC[0], "strace"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
      console.error(`probe-fallbacks: ${tool} not found`);
      process.exit(2);
    }
  }
  const entries = loadEntries();
  let cases = CASES.filter((c) => c.libc === LIBC);
  if (ONLY !== null) cases = cases.filter((c) => ONLY.has(c.id));
  const work = mkdtempSync(join(os.tmpdir(), `unifit-fallbacks-${LIBC}-`));
  const results = [];
  // Two at a time: each case is two short strace runs.
  let next = 0;
  await Promise.all([0, 1].map(async () => {
    while (next < cases.length) {
      const c = cases[next++];
      results.push(await probeCase(c, work));
    }
  }));
  results.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byEntry = new Map();
  for (const r of results) {
    const c = cases.find((x) => x.id === r.id);
    const e = entryOf(entries, c);
    if (e === undefined) {
      r.ok = false;
      r.problem = `no ${LIBC} fallback entry for ${c.syscall} in ${c.fn}`;
      continue;
    }
    if (!byEntry.has(e)) byEntry.set(e, []);
    byEntry.get(e).push(r);
  }
  const judged = [...byEntry].map(([e, rs]) => judge(e, rs));
  const version = spawnSync("dpkg-query", ["-W", "-f", "${Version}", LIBC === "glibc" ? "libc6" : "musl"]).stdout?.toString() ?? "";
  const straceVersion = (spawnSync("strace", ["-V"]).stdout?.toString() ?? "").split("\n")[0] ?? "";
  const out = { libc: LIBC, libcVersion: version, kernel: os.release(), strace: straceVersion, date: new Date().toISOString().slice(0, 10), cases: results, entries: judged };
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  if (!KEEP) rmSync(work, { recursive: true, force: true });
  else console.error(`probe-fallbacks: kept ${work}`);
  if (results.some((r) => !r.ok) || judged.some((j) => !j.agrees)) process.exitCode = 1;
}

main();
