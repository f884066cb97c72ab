#!/usr/bin/env node
// @fileoverview Probe which Linux syscalls libc functions make, on the machine it runs on (x86_64 in practice).
//
// For each libc function below there is a tiny C program that calls it (with a cheap error path where one exists).
// Each program is compiled with gcc (--libc glibc) or musl-gcc (--libc musl) into a scratch directory (not the repo),
// run under `strace -f -qq -e trace=all -o FILE`, and the syscalls made between two marker syscalls are collected:
//
//   begin marker: syscall(SYS_close, -424242)   -> strace line `close(-424242) = -1 EBADF`
//   end marker:   syscall(SYS_close, -434343)   -> strace line `close(-434343) = -1 EBADF`
//
// close() on a negative fd is harmless, exists on every architecture and carries an argument no libc ever passes,
// so the markers cannot be confused with the libc's own calls. Start-up (ld.so + libc init) and whatever the probe
// does after the end marker (clean-up, waiting for children) are excluded.
//
// Processes and threads: the main process counts between its markers. A process or thread created (clone, clone3,
// fork, vfork) by a counting context counts from its first syscall until its own end marker, its first successful
// execve (included: the exec is what the libc function asked for; what the new program does is not counted) or its
// exit. clone/clone3 are reported with a mode: `:thread` when CLONE_THREAD is among the flags, else `:process`.
//
// The start-up set is taken from a trivial program: everything before the begin marker except the initial execve.
//
// Usage: node scripts/probe-libc.mjs --libc glibc|musl [--only fn1,fn2] [--keep] [--jobs N] > probe.json
// Output (stdout): JSON { libc, libcVersion, arch, kernel, startup: [...], functions: { fn: [...] }, errors: {...} }
// Needs gcc (or musl-gcc), strace, and a writable /tmp. Run as root for the identity/admin probes to take the
// privileged path; as a normal user they take the EPERM path (the syscall is still made).

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from "node:fs";
import { join } from "node:path";
import os from "node:os";
import { probeArgs } from "./probe-args.mjs";

const { opt, libc: LIBC, only: ONLY, keep: KEEP } = probeArgs("probe-libc");
const JOBS = Number(opt("jobs", String(Math.max(2, os.cpus().length))));
const CC = LIBC === "glibc" ? "gcc" : "musl-gcc";
const WORK = join(os.tmpdir(), `unifit-probe-${LIBC}-${process.pid}`);

// ---------------------------------------------------------------------------------------------------------------
// Program template. prep() builds a small fixture in the run directory before the begin marker: f.txt (a file with
// two lines), d/ (a directory with one entry), l -> f.txt (a symlink). Only raw syscalls wrappers, no stdio, so
// stdio's first-use work (buffer allocation, fstat of the stream) happens inside the probe.

const PRELUDE = String.raw`
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <time.h>
#include <dirent.h>
#include <glob.h>
#include <ftw.h>
#include <dlfcn.h>
#include <grp.h>
#include <pwd.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <spawn.h>
#include <utime.h>
#include <wchar.h>
#include <ifaddrs.h>
#include <mqueue.h>
#include <termios.h>
#include <syslog.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/select.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/sysinfo.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/sem.h>
#include <sys/msg.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <sys/personality.h>
#include <sys/reboot.h>
#include <sys/fsuid.h>
#include <sys/auxv.h>
#include <sys/timex.h>
#include <linux/futex.h>
#ifdef __GLIBC__
#include <pty.h>
#endif
#define MARK_BEGIN() syscall(SYS_close, -424242)
#define MARK_END() syscall(SYS_close, -434343)
static void prep(void) {
  int fd = open("f.txt", O_CREAT | O_TRUNC | O_WRONLY, 0644);
  if (fd >= 0) { (void)!write(fd, "hello\nworld\n", 12); close(fd); }
  mkdir("d", 0755);
  fd = open("d/e", O_CREAT | O_WRONLY, 0644); if (fd >= 0) close(fd);
  symlink("f.txt", "l");
}
static void *thr_noop(void *a) { return a; }
static void on_sig(int s) { (void)s; }
`;

function program(p) {
  return `${PRELUDE}
${p.global ?? ""}
int main(int argc, char **argv) {
  char buf[8192]; int fd = -1; int r = 0; struct stat st; FILE *f = 0; pid_t pid = 0;
  (void)buf; (void)fd; (void)r; (void)st; (void)f; (void)pid; (void)argc; (void)argv;
  ${p.startup ? "" : "prep();"}
  ${p.setup ?? ""}
  MARK_BEGIN();
  ${p.body}
  MARK_END();
  ${p.after ?? ""}
  return 0;
}
`;
}

// ---------------------------------------------------------------------------------------------------------------
// Probes. name: the exported function. body: C run between the markers. setup/after: C run before/after them.
// global: file-scope C. libs: extra link flags. glibcOnly: symbol that only glibc exports.
// Child processes created in a body call MARK_END() before exiting so their exit is not counted.

const CHILD_EXIT = "{ MARK_END(); syscall(SYS_exit_group, 0); }";
const TO_DEVNULL = `int nul = open("/dev/null", O_WRONLY); dup2(nul, 1); dup2(nul, 2);`;
const WAIT_ALL = "while (wait(0) > 0) {}";
const OPEN_RO = `fd = open("f.txt", O_RDONLY);`;
const OPEN_RW = `fd = open("f.txt", O_RDWR);`;
const SOCK_UDP = "fd = socket(AF_INET, SOCK_DGRAM, 0);";
const SOCK_PAIR = "int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);";
const DLV = (sym, ver, proto) =>
  `${proto} = (void *)dlvsym(RTLD_DEFAULT, "${sym}", "${ver}");`;

const P = [];
const add = (name, body, o = {}) => P.push({ name, body, ...o });

// --- process ----------------------------------------------------------------------------------------------------
add("fork", `pid = fork(); if (pid == 0) ${CHILD_EXIT}`, { after: WAIT_ALL });
add("vfork", `pid = vfork(); if (pid == 0) ${CHILD_EXIT}`, { after: WAIT_ALL });
add("_Fork", `pid = _Fork(); if (pid == 0) ${CHILD_EXIT}`, { after: WAIT_ALL, glibcOnly: true,
  global: "extern pid_t _Fork(void);" });
add("execve", `char *a[] = {"/bin/true", 0}; execve("/nonexistent", a, environ); execve("/bin/true", a, environ);`);
add("execv", `char *a[] = {"/bin/true", 0}; execv("/nonexistent", a); execv("/bin/true", a);`);
add("execvp", `char *a[] = {"true", 0}; execvp("nonexistent-cmd", a); execvp("true", a);`);
add("execvpe", `char *a[] = {"true", 0}; execvpe("nonexistent-cmd", a, environ); execvpe("true", a, environ);`);
add("execl", `execl("/nonexistent", "x", (char *)0); execl("/bin/true", "true", (char *)0);`);
add("execlp", `execlp("nonexistent-cmd", "x", (char *)0); execlp("true", "true", (char *)0);`);
add("execle", `execle("/nonexistent", "x", (char *)0, environ); execle("/bin/true", "true", (char *)0, environ);`);
add("fexecve", `char *a[] = {"true", 0}; fexecve(-1, a, environ); fd = open("/bin/true", O_RDONLY|O_CLOEXEC); fexecve(fd, a, environ);`);
add("execveat", `char *a[] = {"true", 0}; execveat(AT_FDCWD, "/bin/true", a, environ, 0);`, { glibcOnly: true });
add("system", `system("true"); system(NULL);`);
add("popen", `f = popen("true", "r");`, { after: "pclose(f);" });
add("pclose", "pclose(f);", { setup: `f = popen("true", "r");` });
add("posix_spawn", `char *a[] = {"true", 0}; posix_spawn(&pid, "/bin/true", 0, 0, a, environ); posix_spawn(&pid, "/nonexistent", 0, 0, a, environ);`, { after: WAIT_ALL });
add("posix_spawnp", `char *a[] = {"true", 0}; posix_spawnp(&pid, "true", 0, 0, a, environ); posix_spawnp(&pid, "nonexistent-cmd", 0, 0, a, environ);`, { after: WAIT_ALL });
add("daemon", "daemon(0, 0);", { note: "the parent _exits inside daemon(); the child returns and hits the end marker" });
add("wait", "wait(&r);", { setup: `pid = fork(); if (pid == 0) _exit(0);` });
add("waitpid", "waitpid(pid, &r, 0); waitpid(-1, &r, WNOHANG);", { setup: `pid = fork(); if (pid == 0) _exit(0);` });
add("wait3", "wait3(&r, 0, 0);", { setup: `pid = fork(); if (pid == 0) _exit(0);` });
add("wait4", "wait4(pid, &r, 0, 0);", { setup: `pid = fork(); if (pid == 0) _exit(0);` });
add("waitid", "siginfo_t si; waitid(P_PID, pid, &si, WEXITED);", { setup: `pid = fork(); if (pid == 0) _exit(0);` });
add("_exit", "_exit(0);");
add("_Exit", "_Exit(0);");
add("exit", "exit(0);", { setup: `${TO_DEVNULL} fputs("pending", stdout);`, note: "buffered stdout is flushed by exit" });
add("quick_exit", "quick_exit(0);");
add("atexit", "atexit(noop_fn);", { global: "static void noop_fn(void) {}" });
add("abort", "abort();");
add("getpid", "getpid();");
add("getppid", "getppid();");
add("gettid", "gettid();", { glibcOnly: true });
add("setsid", "setsid();");
add("getsid", "getsid(0);");
add("setpgid", "setpgid(0, 0);");
add("getpgid", "getpgid(0);");
add("getpgrp", "getpgrp();");
add("setpgrp", "setpgrp();");
add("prctl", `prctl(PR_SET_NAME, "probe", 0, 0, 0);`);
add("sched_yield", "sched_yield();");
add("sched_getaffinity", "cpu_set_t c; sched_getaffinity(0, sizeof c, &c);");
add("sched_setaffinity", "cpu_set_t c; sched_getaffinity(0, sizeof c, &c); MARK_BEGIN(); sched_setaffinity(0, sizeof c, &c);");
add("sched_getparam", "struct sched_param sp; sched_getparam(0, &sp);");
add("sched_setparam", "struct sched_param sp = {0}; sched_setparam(0, &sp);");
add("sched_getscheduler", "sched_getscheduler(0);");
add("sched_setscheduler", "struct sched_param sp = {0}; sched_setscheduler(0, SCHED_OTHER, &sp);");
add("sched_get_priority_max", "sched_get_priority_max(SCHED_FIFO);");
add("sched_get_priority_min", "sched_get_priority_min(SCHED_FIFO);");
add("sched_rr_get_interval", "struct timespec ts; sched_rr_get_interval(0, &ts);");
add("sched_getcpu", "sched_getcpu();");
add("getcpu", "unsigned c, n; getcpu(&c, &n);", { glibcOnly: true });
add("nice", "nice(0);");
add("getpriority", "getpriority(PRIO_PROCESS, 0);");
add("setpriority", "setpriority(PRIO_PROCESS, 0, 0);");
add("unshare", "unshare(0);");
add("setns", "setns(-1, 0);");
add("clone", "static char stk[65536]; pid = clone((int(*)(void*))thr_noop, stk + sizeof stk, SIGCHLD, 0);", { after: WAIT_ALL });
add("personality", "personality(0xffffffff);");

// --- threads ----------------------------------------------------------------------------------------------------
add("pthread_create", "pthread_t t; pthread_create(&t, 0, thr_noop, 0);", { after: "pthread_join(t, 0);" });
add("pthread_join", "pthread_join(t, 0);", { setup: "pthread_t t; pthread_create(&t, 0, thr_noop, 0); usleep(20000);" });
add("pthread_detach", "pthread_detach(t);", { setup: "pthread_t t; pthread_create(&t, 0, thr_noop, 0);" });
add("pthread_exit", "pthread_exit(0);");
add("pthread_mutex_lock", "pthread_mutex_lock(&m); pthread_mutex_unlock(&m);", {
  global: "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;" });
add("pthread_mutex_init", "pthread_mutex_t mm; pthread_mutex_init(&mm, 0); pthread_mutexattr_t ma; pthread_mutexattr_init(&ma); pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE); pthread_mutex_t mr; pthread_mutex_init(&mr, &ma); pthread_mutex_lock(&mr); pthread_mutex_unlock(&mr);",
  { note: "default and recursive mutexes, as programs and libraries make them; a priority-protect attribute is the opt-in path" });
add("pthread_mutex_unlock", "pthread_mutex_unlock(&m);", {
  global: "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;", setup: "pthread_mutex_lock(&m);" });
add("pthread_mutex_timedlock", "struct timespec ts = {0, 0}; pthread_mutex_timedlock(&m, &ts);", {
  global: "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER; static void *hold(void *a) { pthread_mutex_lock(&m); sleep(1); pthread_mutex_unlock(&m); return a; }",
  setup: "pthread_t t; pthread_create(&t, 0, hold, 0); usleep(50000);", after: "pthread_join(t, 0);" });
add("pthread_cond_wait", "pthread_mutex_lock(&m); while (!flag) pthread_cond_wait(&c, &m); pthread_mutex_unlock(&m);", {
  global: "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER; static pthread_cond_t c = PTHREAD_COND_INITIALIZER; static int flag; static void *sig(void *a) { usleep(50000); pthread_mutex_lock(&m); flag = 1; pthread_cond_signal(&c); pthread_mutex_unlock(&m); return a; }",
  setup: "pthread_t t; pthread_create(&t, 0, sig, 0);", after: "pthread_join(t, 0);" });
add("pthread_cond_timedwait", "struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts); ts.tv_nsec += 1000000; if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; } pthread_mutex_lock(&m); pthread_cond_timedwait(&c, &m, &ts); pthread_mutex_unlock(&m);", {
  global: "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER; static pthread_cond_t c = PTHREAD_COND_INITIALIZER;" });
add("pthread_cond_signal", "pthread_mutex_lock(&m); flag = 1; pthread_cond_signal(&c); pthread_mutex_unlock(&m);", {
  global: "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER; static pthread_cond_t c = PTHREAD_COND_INITIALIZER; static int flag; static void *w(void *a) { pthread_mutex_lock(&m); while (!flag) pthread_cond_wait(&c, &m); pthread_mutex_unlock(&m); return a; }",
  setup: "pthread_t t; pthread_create(&t, 0, w, 0); usleep(50000);", after: "pthread_join(t, 0);" });
add("pthread_cond_broadcast", "pthread_mutex_lock(&m); flag = 1; pthread_cond_broadcast(&c); pthread_mutex_unlock(&m);", {
  global: "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER; static pthread_cond_t c = PTHREAD_COND_INITIALIZER; static int flag; static void *w(void *a) { pthread_mutex_lock(&m); while (!flag) pthread_cond_wait(&c, &m); pthread_mutex_unlock(&m); return a; }",
  setup: "pthread_t t; pthread_create(&t, 0, w, 0); usleep(50000);", after: "pthread_join(t, 0);" });
add("pthread_kill", "pthread_kill(pthread_self(), 0); pthread_kill(pthread_self(), SIGUSR1);", { setup: "signal(SIGUSR1, on_sig);" });
add("pthread_sigmask", "sigset_t s; sigemptyset(&s); pthread_sigmask(SIG_BLOCK, &s, 0);");
add("pthread_setname_np", `pthread_setname_np(pthread_self(), "x");`, { glibcOnly: true });
add("pthread_getattr_np", "pthread_attr_t a; pthread_getattr_np(pthread_self(), &a);");
add("pthread_setaffinity_np", "cpu_set_t c; sched_getaffinity(0, sizeof c, &c); MARK_BEGIN(); pthread_setaffinity_np(pthread_self(), sizeof c, &c);");
add("pthread_getaffinity_np", "cpu_set_t c; pthread_getaffinity_np(pthread_self(), sizeof c, &c);");
add("pthread_setschedparam", "struct sched_param sp = {0}; pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp);");
add("pthread_getschedparam", "struct sched_param sp; int pol; pthread_getschedparam(pthread_self(), &pol, &sp);");
add("pthread_cancel", "pthread_cancel(t);", {
  global: "static void *slp(void *a) { for (;;) pause(); return a; }",
  setup: "pthread_t t; pthread_create(&t, 0, slp, 0); usleep(50000);", after: "pthread_join(t, 0);" });
add("pthread_once", "pthread_once(&o, (void(*)(void))thr_noop);", { global: "static pthread_once_t o = PTHREAD_ONCE_INIT;" });
add("pthread_rwlock_rdlock", "pthread_rwlock_rdlock(&l); pthread_rwlock_unlock(&l);", { global: "static pthread_rwlock_t l = PTHREAD_RWLOCK_INITIALIZER;" });
add("pthread_rwlock_wrlock", "pthread_rwlock_wrlock(&l); pthread_rwlock_unlock(&l);", { global: "static pthread_rwlock_t l = PTHREAD_RWLOCK_INITIALIZER;" });
add("pthread_barrier_wait", "pthread_barrier_t b; pthread_barrier_init(&b, 0, 1); pthread_barrier_wait(&b);");
add("pthread_spin_lock", "pthread_spinlock_t s; pthread_spin_init(&s, 0); pthread_spin_lock(&s);");
add("sem_init", "sem_t s; sem_init(&s, 0, 1);");
add("sem_wait", "sem_t s; sem_init(&s, 0, 1); MARK_BEGIN(); sem_wait(&s); sem_trywait(&s);");
add("sem_timedwait", "sem_t s; sem_init(&s, 0, 0); struct timespec ts = {0, 0}; MARK_BEGIN(); sem_timedwait(&s, &ts);");
add("sem_post", "sem_t s; sem_init(&s, 0, 0); MARK_BEGIN(); sem_post(&s);");
add("sem_open", `sem_t *s = sem_open("/unifit-probe-sem", O_CREAT, 0600, 1); sem_open("/unifit-probe-sem", O_CREAT, 0600, 1);`, {
  after: `sem_unlink("/unifit-probe-sem");` });
add("sem_close", "sem_close(s);", { setup: `sem_t *s = sem_open("/unifit-probe-sem2", O_CREAT, 0600, 1);`, after: `sem_unlink("/unifit-probe-sem2");` });
add("sem_unlink", `sem_unlink("/unifit-probe-sem3");`, { setup: `sem_open("/unifit-probe-sem3", O_CREAT, 0600, 1);` });

// --- files ------------------------------------------------------------------------------------------------------
add("open", `open("f.txt", O_RDONLY); open("nonexistent", O_RDONLY); open("new.txt", O_CREAT|O_WRONLY, 0644);`);
add("open64", `open64("f.txt", O_RDONLY);`, { glibcOnly: true });
add("__open_2", `__open_2("f.txt", O_RDONLY);`, { glibcOnly: true, global: "extern int __open_2(const char *, int);" });
add("__open64_2", `__open64_2("f.txt", O_RDONLY);`, { glibcOnly: true, global: "extern int __open64_2(const char *, int);" });
add("openat", `openat(AT_FDCWD, "f.txt", O_RDONLY);`);
add("openat64", `openat64(AT_FDCWD, "f.txt", O_RDONLY);`, { glibcOnly: true });
add("__openat_2", `__openat_2(AT_FDCWD, "f.txt", O_RDONLY);`, { glibcOnly: true, global: "extern int __openat_2(int, const char *, int);" });
add("creat", `creat("new.txt", 0644);`);
add("creat64", `creat64("new.txt", 0644);`, { glibcOnly: true });
add("close", `close(fd); close(-1);`, { setup: OPEN_RO });
add("close_range", `close_range(100, 200, 0);`, { glibcOnly: true });
add("closefrom", `closefrom(100);`, { glibcOnly: true });
add("read", "read(fd, buf, sizeof buf);", { setup: OPEN_RO });
add("__read_chk", "__read_chk(fd, buf, 10, sizeof buf);", { setup: OPEN_RO, glibcOnly: true,
  global: "extern ssize_t __read_chk(int, void *, size_t, size_t);" });
add("write", `write(fd, "x", 1);`, { setup: OPEN_RW });
add("pread", "pread(fd, buf, 10, 2);", { setup: OPEN_RO });
add("pread64", "pread64(fd, buf, 10, 2);", { setup: OPEN_RO, glibcOnly: true });
add("__pread_chk", "__pread_chk(fd, buf, 10, 2, sizeof buf);", { setup: OPEN_RO, glibcOnly: true,
  global: "extern ssize_t __pread_chk(int, void *, size_t, off_t, size_t);" });
add("pwrite", `pwrite(fd, "x", 1, 3);`, { setup: OPEN_RW });
add("pwrite64", `pwrite64(fd, "x", 1, 3);`, { setup: OPEN_RW, glibcOnly: true });
add("readv", "struct iovec v = {buf, 10}; readv(fd, &v, 1);", { setup: OPEN_RO });
add("writev", `struct iovec v = {"xy", 2}; writev(fd, &v, 1);`, { setup: OPEN_RW });
add("preadv", "struct iovec v = {buf, 10}; preadv(fd, &v, 1, 0);", { setup: OPEN_RO });
add("pwritev", `struct iovec v = {"xy", 2}; pwritev(fd, &v, 1, 0);`, { setup: OPEN_RW });
add("preadv2", "struct iovec v = {buf, 10}; preadv2(fd, &v, 1, 0, 0); preadv2(fd, &v, 1, -1, 0);", { setup: OPEN_RO, glibcOnly: true });
add("pwritev2", `struct iovec v = {"xy", 2}; pwritev2(fd, &v, 1, 0, 0); pwritev2(fd, &v, 1, -1, 0);`, { setup: OPEN_RW, glibcOnly: true });
add("lseek", "lseek(fd, 0, SEEK_END);", { setup: OPEN_RO });
add("lseek64", "lseek64(fd, 0, SEEK_END);", { setup: OPEN_RO, glibcOnly: true });
add("stat", `stat("f.txt", &st);`);
add("stat64", `stat64("f.txt", (struct stat64 *)&st);`, { glibcOnly: true });
add("fstat", "fstat(fd, &st);", { setup: OPEN_RO });
add("fstat64", "fstat64(fd, (struct stat64 *)&st);", { setup: OPEN_RO, glibcOnly: true });
add("lstat", `lstat("l", &st);`);
add("lstat64", `lstat64("l", (struct stat64 *)&st);`, { glibcOnly: true });
add("fstatat", `fstatat(AT_FDCWD, "f.txt", &st, 0);`);
add("fstatat64", `fstatat64(AT_FDCWD, "f.txt", (struct stat64 *)&st, 0);`, { glibcOnly: true });
add("__xstat", `int (*fn)(int, const char *, struct stat *); ${DLV("__xstat", "GLIBC_2.2.5", "fn")} fn(1, "f.txt", &st);`, { glibcOnly: true, libs: ["-ldl"] });
add("__xstat64", `int (*fn)(int, const char *, struct stat *); ${DLV("__xstat64", "GLIBC_2.2.5", "fn")} fn(1, "f.txt", &st);`, { glibcOnly: true, libs: ["-ldl"] });
add("__fxstat", `int (*fn)(int, int, struct stat *); ${DLV("__fxstat", "GLIBC_2.2.5", "fn")} fn(1, fd, &st);`, { setup: OPEN_RO, glibcOnly: true, libs: ["-ldl"] });
add("__fxstat64", `int (*fn)(int, int, struct stat *); ${DLV("__fxstat64", "GLIBC_2.2.5", "fn")} fn(1, fd, &st);`, { setup: OPEN_RO, glibcOnly: true, libs: ["-ldl"] });
add("__lxstat", `int (*fn)(int, const char *, struct stat *); ${DLV("__lxstat", "GLIBC_2.2.5", "fn")} fn(1, "l", &st);`, { glibcOnly: true, libs: ["-ldl"] });
add("__lxstat64", `int (*fn)(int, const char *, struct stat *); ${DLV("__lxstat64", "GLIBC_2.2.5", "fn")} fn(1, "l", &st);`, { glibcOnly: true, libs: ["-ldl"] });
add("__fxstatat", `int (*fn)(int, int, const char *, struct stat *, int); ${DLV("__fxstatat", "GLIBC_2.4", "fn")} fn(1, AT_FDCWD, "f.txt", &st, 0);`, { glibcOnly: true, libs: ["-ldl"] });
add("__fxstatat64", `int (*fn)(int, int, const char *, struct stat *, int); ${DLV("__fxstatat64", "GLIBC_2.4", "fn")} fn(1, AT_FDCWD, "f.txt", &st, 0);`, { glibcOnly: true, libs: ["-ldl"] });
add("statx", `struct statx sx; statx(AT_FDCWD, "f.txt", 0, STATX_BASIC_STATS, &sx);`, { glibcOnly: true });
add("statfs", `struct statfs sf; statfs(".", &sf);`);
add("fstatfs", `struct statfs sf; fstatfs(fd, &sf);`, { setup: OPEN_RO });
add("statvfs", `struct statvfs sv; statvfs(".", &sv);`);
add("fstatvfs", `struct statvfs sv; fstatvfs(fd, &sv);`, { setup: OPEN_RO });
add("access", `access("f.txt", R_OK); access("nonexistent", F_OK);`);
add("euidaccess", `euidaccess("f.txt", R_OK);`, { glibcOnly: true });
add("eaccess", `eaccess("f.txt", R_OK);`, { glibcOnly: true });
add("faccessat", `faccessat(AT_FDCWD, "f.txt", R_OK, 0); faccessat(AT_FDCWD, "f.txt", R_OK, AT_EACCESS);`);
add("mkdir", `mkdir("nd", 0755); mkdir("d", 0755);`);
add("mkdirat", `mkdirat(AT_FDCWD, "nd", 0755);`);
add("rmdir", `rmdir("d"); rmdir("nonexistent");`);
add("unlink", `unlink("f.txt");`);
add("unlinkat", `unlinkat(AT_FDCWD, "f.txt", 0);`);
add("remove", `remove("f.txt"); remove("d");`);
add("rename", `rename("f.txt", "g.txt");`);
add("renameat", `renameat(AT_FDCWD, "f.txt", AT_FDCWD, "g.txt");`);
add("renameat2", `renameat2(AT_FDCWD, "f.txt", AT_FDCWD, "g.txt", 0);`, { glibcOnly: true });
add("link", `link("f.txt", "h.txt");`);
add("linkat", `linkat(AT_FDCWD, "f.txt", AT_FDCWD, "h.txt", 0);`);
add("symlink", `symlink("f.txt", "s2");`);
add("symlinkat", `symlinkat("f.txt", AT_FDCWD, "s2");`);
add("readlink", `readlink("l", buf, sizeof buf);`);
add("readlinkat", `readlinkat(AT_FDCWD, "l", buf, sizeof buf);`);
add("chmod", `chmod("f.txt", 0600);`);
add("fchmod", `fchmod(fd, 0600);`, { setup: OPEN_RO });
add("fchmodat", `fchmodat(AT_FDCWD, "f.txt", 0600, 0); fchmodat(AT_FDCWD, "f.txt", 0600, AT_SYMLINK_NOFOLLOW);`);
add("chown", `chown("f.txt", 0, 0);`);
add("fchown", `fchown(fd, 0, 0);`, { setup: OPEN_RO });
add("lchown", `lchown("l", 0, 0);`);
add("fchownat", `fchownat(AT_FDCWD, "f.txt", 0, 0, 0);`);
add("truncate", `truncate("f.txt", 3);`);
add("truncate64", `truncate64("f.txt", 3);`, { glibcOnly: true });
add("ftruncate", "ftruncate(fd, 3);", { setup: OPEN_RW });
add("ftruncate64", "ftruncate64(fd, 3);", { setup: OPEN_RW, glibcOnly: true });
add("fsync", "fsync(fd);", { setup: OPEN_RW });
add("fdatasync", "fdatasync(fd);", { setup: OPEN_RW });
add("sync", "sync();");
add("syncfs", "syncfs(fd);", { setup: OPEN_RO });
add("sync_file_range", "sync_file_range(fd, 0, 0, 0);", { setup: OPEN_RW, glibcOnly: true });
add("dup", "dup(fd);", { setup: OPEN_RO });
add("dup2", "dup2(fd, 10); dup2(fd, fd);", { setup: OPEN_RO });
add("dup3", "dup3(fd, 10, O_CLOEXEC);", { setup: OPEN_RO });
add("fcntl", "fcntl(fd, F_GETFL); fcntl(fd, F_SETFD, FD_CLOEXEC); struct flock fl = {F_RDLCK, SEEK_SET, 0, 0, 0}; fcntl(fd, F_SETLK, &fl);", { setup: OPEN_RW });
add("fcntl64", "fcntl64(fd, F_GETFL);", { setup: OPEN_RO, glibcOnly: true });
add("ioctl", "int n; ioctl(fd, FIONREAD, &n);", { setup: OPEN_RO });
add("flock", "flock(fd, LOCK_EX); flock(fd, LOCK_UN);", { setup: OPEN_RO });
add("lockf", "lockf(fd, F_TLOCK, 0);", { setup: OPEN_RW });
add("opendir", `DIR *dp = opendir("d"); opendir("nonexistent");`);
add("fdopendir", `DIR *dp = fdopendir(fd);`, { setup: `fd = open("d", O_RDONLY|O_DIRECTORY);` });
add("readdir", "while (readdir(dp)) {}", { setup: `DIR *dp = opendir("d");` });
add("readdir64", "while (readdir64(dp)) {}", { setup: `DIR *dp = opendir("d");`, glibcOnly: true });
add("readdir_r", "struct dirent e, *res; readdir_r(dp, &e, &res);", { setup: `DIR *dp = opendir("d");` });
add("closedir", "closedir(dp);", { setup: `DIR *dp = opendir("d");` });
add("rewinddir", "rewinddir(dp);", { setup: `DIR *dp = opendir("d"); readdir(dp);` });
add("dirfd", "dirfd(dp);", { setup: `DIR *dp = opendir("d");` });
add("scandir", `struct dirent **nl; scandir("d", &nl, 0, alphasort);`);
add("scandir64", `struct dirent64 **nl; scandir64("d", &nl, 0, 0);`, { glibcOnly: true });
add("getdents64", `getdents64(fd, buf, sizeof buf);`, { setup: `fd = open("d", O_RDONLY|O_DIRECTORY);`, glibcOnly: true });
add("glob", `glob_t g; glob("d/*", 0, 0, &g); glob("nonexistent/*", 0, 0, &g);`);
add("nftw", `nftw(".", (int(*)(const char*, const struct stat*, int, struct FTW*))thr_noop, 8, FTW_PHYS);`);
add("ftw", `ftw(".", (int(*)(const char*, const struct stat*, int))thr_noop, 8);`);
add("getcwd", "getcwd(buf, sizeof buf); getcwd(0, 0);");
add("get_current_dir_name", "get_current_dir_name();", { glibcOnly: true });
add("chdir", `chdir("d");`);
add("fchdir", "fchdir(fd);", { setup: `fd = open("d", O_RDONLY|O_DIRECTORY);` });
add("umask", "umask(022);");
add("mknod", `mknod("nod", S_IFIFO|0644, 0);`);
add("mknodat", `mknodat(AT_FDCWD, "nod", S_IFIFO|0644, 0);`);
add("mkfifo", `mkfifo("fifo", 0644);`);
add("mkfifoat", `mkfifoat(AT_FDCWD, "fifo", 0644);`);
add("utime", `utime("f.txt", 0);`);
add("utimes", `utimes("f.txt", 0);`);
add("lutimes", `lutimes("l", 0);`);
add("futimes", `futimes(fd, 0);`, { setup: OPEN_RO });
add("futimesat", `futimesat(AT_FDCWD, "f.txt", 0);`, { glibcOnly: true });
add("utimensat", `utimensat(AT_FDCWD, "f.txt", 0, 0);`);
add("futimens", `futimens(fd, 0);`, { setup: OPEN_RO });
add("__realpath_chk", `__realpath_chk("l", buf, sizeof buf); __realpath_chk("nonexistent/x", buf, sizeof buf);`, {
  global: "extern char *__realpath_chk(const char *, char *, size_t);", glibcOnly: true });
add("realpath", `realpath("l", buf); realpath("nonexistent/x", buf); free(realpath("d/../f.txt", 0));`);
add("canonicalize_file_name", `free(canonicalize_file_name("l"));`, { glibcOnly: true });
add("sendfile", "sendfile(fd2, fd, 0, 5);", { setup: `${OPEN_RO} int fd2 = open("o.txt", O_CREAT|O_WRONLY, 0644);` });
add("sendfile64", "sendfile64(fd2, fd, 0, 5);", { setup: `${OPEN_RO} int fd2 = open("o.txt", O_CREAT|O_WRONLY, 0644);`, glibcOnly: true });
add("copy_file_range", "copy_file_range(fd, 0, fd2, 0, 5, 0);", { setup: `${OPEN_RO} int fd2 = open("o.txt", O_CREAT|O_WRONLY, 0644);`, glibcOnly: true });
add("splice", "splice(fd, 0, p[1], 0, 5, 0);", { setup: `${OPEN_RO} int p[2]; pipe(p);` });
add("tee", "tee(p[0], q[1], 5, SPLICE_F_NONBLOCK);", { setup: `int p[2], q[2]; pipe(p); pipe(q); write(p[1], "abc", 3);` });
add("vmsplice", `struct iovec v = {"abc", 3}; vmsplice(p[1], &v, 1, 0);`, { setup: "int p[2]; pipe(p);" });
add("posix_fallocate", "posix_fallocate(fd, 0, 4096);", { setup: OPEN_RW });
add("posix_fallocate64", "posix_fallocate64(fd, 0, 4096);", { setup: OPEN_RW, glibcOnly: true });
add("fallocate", "fallocate(fd, 0, 0, 4096);", { setup: OPEN_RW });
add("posix_fadvise", "posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);", { setup: OPEN_RO });
add("readahead", "readahead(fd, 0, 4096);", { setup: OPEN_RO, glibcOnly: true });
add("mkstemp", `char t[] = "tmpXXXXXX"; mkstemp(t);`);
add("mkostemp", `char t[] = "tmpXXXXXX"; mkostemp(t, O_CLOEXEC);`);
add("mkdtemp", `char t[] = "tmpXXXXXX"; mkdtemp(t);`);
add("mktemp", `char t[] = "tmpXXXXXX"; mktemp(t);`);
add("tmpfile", `tmpfile();`);
add("tmpfile64", `tmpfile64();`, { glibcOnly: true });
add("tmpnam", `tmpnam(buf);`);
add("chroot", `chroot("/nonexistent"); chroot(".");`);
add("getxattr", `getxattr("f.txt", "user.x", buf, sizeof buf);`);
add("setxattr", `setxattr("f.txt", "user.x", "v", 1, 0);`);
add("listxattr", `listxattr("f.txt", buf, sizeof buf);`);
add("inotify_init", "inotify_init();");
add("inotify_init1", "inotify_init1(IN_CLOEXEC);");
add("inotify_add_watch", `inotify_add_watch(fd, ".", IN_CREATE);`, { setup: "fd = inotify_init1(0);" });
add("isatty", "isatty(0); isatty(fd);", { setup: OPEN_RO });
add("ttyname", "ttyname(fd);", { setup: OPEN_RO });
add("ttyname_r", "ttyname_r(fd, buf, sizeof buf);", { setup: OPEN_RO });
add("tcgetattr", "struct termios t; tcgetattr(fd, &t);", { setup: OPEN_RO });
add("tcsetattr", "struct termios t = {0}; tcsetattr(fd, TCSANOW, &t);", { setup: OPEN_RO });
add("posix_openpt", "posix_openpt(O_RDWR|O_NOCTTY);");
add("openpty", "int m, s; openpty(&m, &s, 0, 0, 0);", { glibcOnly: true, libs: ["-lutil"] });
add("grantpt", "grantpt(fd);", { setup: "fd = posix_openpt(O_RDWR|O_NOCTTY);" });
add("unlockpt", "unlockpt(fd);", { setup: "fd = posix_openpt(O_RDWR|O_NOCTTY);" });
add("ptsname", "ptsname(fd);", { setup: "fd = posix_openpt(O_RDWR|O_NOCTTY);" });
add("fpathconf", "fpathconf(fd, _PC_NAME_MAX); fpathconf(fd, _PC_LINK_MAX);", { setup: OPEN_RO });
add("pathconf", `pathconf("f.txt", _PC_NAME_MAX); pathconf("f.txt", _PC_LINK_MAX);`);

// --- stdio ------------------------------------------------------------------------------------------------------
add("fopen", `f = fopen("f.txt", "r"); fopen("nonexistent", "r"); fopen("new.txt", "w");`);
add("fopen64", `f = fopen64("f.txt", "r");`, { glibcOnly: true });
add("freopen", `f = freopen("f.txt", "r", f);`, { setup: `f = fopen("f.txt", "r");` });
add("fdopen", `f = fdopen(fd, "r");`, { setup: OPEN_RO });
add("fmemopen", `f = fmemopen(buf, sizeof buf, "r");`);
add("open_memstream", `char *p; size_t n; f = open_memstream(&p, &n); fputs("x", f); fclose(f);`);
add("fclose", "fclose(f);", { setup: `f = fopen("f.txt", "r"); fgetc(f);` });
add("fcloseall", "fcloseall();", { setup: `f = fopen("f.txt", "w"); fputs("x", f);`, glibcOnly: true });
add("fread", "fread(buf, 1, 4, f);", { setup: `f = fopen("f.txt", "r");` });
add("__fread_chk", "__fread_chk(buf, sizeof buf, 1, 4, f);", { setup: `f = fopen("f.txt", "r");`, glibcOnly: true,
  global: "extern size_t __fread_chk(void *, size_t, size_t, size_t, FILE *);" });
add("fread_unlocked", "fread_unlocked(buf, 1, 4, f);", { setup: `f = fopen("f.txt", "r");` });
add("fwrite", `fwrite("abc", 1, 3, f); fflush(f);`, { setup: `f = fopen("f.txt", "w");` });
add("fwrite_unlocked", `fwrite_unlocked("abc", 1, 3, f); fflush(f);`, { setup: `f = fopen("f.txt", "w");` });
add("fgets", "fgets(buf, sizeof buf, f);", { setup: `f = fopen("f.txt", "r");` });
add("__fgets_chk", "__fgets_chk(buf, sizeof buf, 100, f);", { setup: `f = fopen("f.txt", "r");`, glibcOnly: true,
  global: "extern char *__fgets_chk(char *, size_t, int, FILE *);" });
add("fgetc", "fgetc(f);", { setup: `f = fopen("f.txt", "r");` });
add("getc", "getc(f);", { setup: `f = fopen("f.txt", "r");` });
add("ungetc", "ungetc('x', f);", { setup: `f = fopen("f.txt", "r");` });
add("fputs", `fputs("abc", f); fflush(f);`, { setup: `f = fopen("f.txt", "w");` });
add("fputc", `fputc('a', f); fflush(f);`, { setup: `f = fopen("f.txt", "w");` });
add("putc", `putc('a', f); fflush(f);`, { setup: `f = fopen("f.txt", "w");` });
add("fscanf", `fscanf(f, "%s", buf);`, { setup: `f = fopen("f.txt", "r");` });
add("__isoc99_fscanf", `fscanf(f, "%s", buf);`, { setup: `f = fopen("f.txt", "r");`, glibcOnly: true });
add("scanf", `scanf("%s", buf);`, { setup: `fd = open("f.txt", O_RDONLY); dup2(fd, 0);` });
add("__isoc99_scanf", `scanf("%s", buf);`, { setup: `fd = open("f.txt", O_RDONLY); dup2(fd, 0);`, glibcOnly: true });
add("puts", `puts("hello");`, { setup: TO_DEVNULL });
add("putchar", `putchar('x'); fflush(stdout);`, { setup: TO_DEVNULL });
add("getchar", `getchar();`, { setup: `fd = open("f.txt", O_RDONLY); dup2(fd, 0);` });
add("printf", `printf("%d\\n", 42);`, { setup: TO_DEVNULL });
add("__printf_chk", `__printf_chk(1, "%d\\n", 42);`, { setup: TO_DEVNULL, glibcOnly: true, global: "extern int __printf_chk(int, const char *, ...);" });
add("vprintf", `va_printf("%d\\n", 42);`, { setup: TO_DEVNULL,
  global: "#include <stdarg.h>\nstatic void va_printf(const char *fmt, ...) { va_list ap; va_start(ap, fmt); vprintf(fmt, ap); va_end(ap); }" });
add("fprintf", `fprintf(stderr, "%d\\n", 42); fprintf(f, "%d\\n", 42); fflush(f);`, { setup: `${TO_DEVNULL} f = fopen("o.txt", "w");` });
add("__fprintf_chk", `__fprintf_chk(stderr, 1, "%d\\n", 42);`, { setup: TO_DEVNULL, glibcOnly: true, global: "extern int __fprintf_chk(FILE *, int, const char *, ...);" });
add("vfprintf", `va_fprintf(stderr, "%d\\n", 42);`, { setup: TO_DEVNULL,
  global: "#include <stdarg.h>\nstatic void va_fprintf(FILE *f, const char *fmt, ...) { va_list ap; va_start(ap, fmt); vfprintf(f, fmt, ap); va_end(ap); }" });
add("__vfprintf_chk", `va_fprintf(stderr, "%d\\n", 42);`, { setup: TO_DEVNULL, glibcOnly: true,
  global: "#include <stdarg.h>\nextern int __vfprintf_chk(FILE *, int, const char *, va_list);\nstatic void va_fprintf(FILE *f, const char *fmt, ...) { va_list ap; va_start(ap, fmt); __vfprintf_chk(f, 1, fmt, ap); va_end(ap); }" });
add("dprintf", `dprintf(fd, "%d\\n", 42);`, { setup: OPEN_RW });
add("__dprintf_chk", `__dprintf_chk(fd, 1, "%d\\n", 42);`, { setup: OPEN_RW, glibcOnly: true, global: "extern int __dprintf_chk(int, int, const char *, ...);" });
add("snprintf", `snprintf(buf, sizeof buf, "%d %s", 42, "x");`);
add("asprintf", `char *p; asprintf(&p, "%d", 42);`);
add("fflush", `fputs("abc", f); MARK_BEGIN(); fflush(f); fflush(0);`, { setup: `f = fopen("f.txt", "w");` });
add("fseek", "fseek(f, 2, SEEK_SET);", { setup: `f = fopen("f.txt", "r"); fgetc(f);` });
add("fseeko", "fseeko(f, 2, SEEK_SET);", { setup: `f = fopen("f.txt", "r"); fgetc(f);` });
add("fseeko64", "fseeko64(f, 2, SEEK_SET);", { setup: `f = fopen("f.txt", "r"); fgetc(f);`, glibcOnly: true });
add("ftell", "ftell(f);", { setup: `f = fopen("f.txt", "r"); fgetc(f);` });
add("ftello", "ftello(f);", { setup: `f = fopen("f.txt", "r"); fgetc(f);` });
add("ftello64", "ftello64(f);", { setup: `f = fopen("f.txt", "r"); fgetc(f);`, glibcOnly: true });
add("rewind", "rewind(f);", { setup: `f = fopen("f.txt", "r"); fgetc(f);` });
add("fgetpos", "fpos_t p; fgetpos(f, &p);", { setup: `f = fopen("f.txt", "r"); fgetc(f);` });
add("fsetpos", "fpos_t p; fgetpos(f, &p); MARK_BEGIN(); fsetpos(f, &p);", { setup: `f = fopen("f.txt", "r"); fgetc(f);` });
add("fileno", "fileno(f);", { setup: `f = fopen("f.txt", "r");` });
add("setvbuf", "setvbuf(f, 0, _IONBF, 0);", { setup: `f = fopen("f.txt", "r");` });
add("setbuf", "setbuf(f, 0);", { setup: `f = fopen("f.txt", "r");` });
add("getline", "char *p = 0; size_t n = 0; getline(&p, &n, f);", { setup: `f = fopen("f.txt", "r");` });
add("getdelim", "char *p = 0; size_t n = 0; getdelim(&p, &n, ',', f);", { setup: `f = fopen("f.txt", "r");` });
add("perror", `errno = ENOENT; perror("probe");`, { setup: TO_DEVNULL });
add("strerror", `strerror(ENOENT);`);
add("psignal", `psignal(SIGINT, "probe");`, { setup: TO_DEVNULL });
add("err", `err(0, "x");`, { setup: TO_DEVNULL, global: "#include <err.h>" });
add("warn", `warn("x");`, { setup: TO_DEVNULL, global: "#include <err.h>" });
add("error", `error(0, ENOENT, "x");`, { setup: TO_DEVNULL, glibcOnly: true, global: "#include <error.h>" });
add("syslog", `syslog(LOG_INFO, "probe %d", 1);`);
add("openlog", `openlog("probe", LOG_NDELAY, LOG_USER);`);
add("closelog", `closelog();`, { setup: `openlog("probe", LOG_NDELAY, LOG_USER);` });
add("fputws", `fputws(L"abc", f); fflush(f);`, { setup: `f = fopen("f.txt", "w");` });
add("fgetws", "fgetws((wchar_t *)buf, 100, f);", { setup: `f = fopen("f.txt", "r");` });
add("setlocale", `setlocale(LC_ALL, ""); setlocale(LC_ALL, "C.UTF-8");`, { global: "#include <locale.h>" });

// --- memory -----------------------------------------------------------------------------------------------------
add("malloc", "void *p = malloc(100); void *q = malloc(1 << 20); void *z = malloc(200000); (void)p; (void)q; (void)z;");
add("calloc", "calloc(10, 10); calloc(1, 1 << 20);");
add("realloc", "void *p = malloc(100); p = realloc(p, 1 << 20); p = realloc(p, 1 << 22); p = realloc(p, 10);");
add("reallocarray", "void *p = reallocarray(0, 10, 10); reallocarray(p, 10, 1 << 18);");
add("free", "free(p); free(q); free(big); malloc_trim(0);", { setup: "void *p = malloc(100); void *q = malloc(1 << 20); void *big = malloc(300000); for (int i = 0; i < 200; i++) malloc(1000); void *top = malloc(200000); free(top);", global: "#include <malloc.h>" });
add("malloc_trim", "malloc_trim(0);", { setup: "void *p[400]; for (int i = 0; i < 400; i++) p[i] = malloc(1000); for (int i = 0; i < 400; i++) free(p[i]);", global: "#include <malloc.h>" });
add("posix_memalign", "void *p; posix_memalign(&p, 4096, 100); posix_memalign(&p, 1 << 16, 1 << 20);");
add("aligned_alloc", "aligned_alloc(4096, 4096);");
add("memalign", "memalign(4096, 100);", { global: "#include <malloc.h>" });
add("valloc", "valloc(100);");
add("pvalloc", "pvalloc(100);", { glibcOnly: true, global: "#include <malloc.h>" });
add("mallopt", "mallopt(M_TRIM_THRESHOLD, 1000);", { glibcOnly: true, global: "#include <malloc.h>" });
add("mmap", "void *p = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);");
add("mmap64", "void *p = mmap64(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);", { glibcOnly: true });
add("munmap", "munmap(p, 4096);", { setup: "void *p = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);" });
add("mprotect", "mprotect(p, 4096, PROT_READ);", { setup: "void *p = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);" });
add("mremap", "mremap(p, 4096, 8192, MREMAP_MAYMOVE);", { setup: "void *p = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);" });
add("madvise", "madvise(p, 4096, MADV_DONTNEED);", { setup: "void *p = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);" });
add("posix_madvise", "posix_madvise(p, 4096, POSIX_MADV_NORMAL);", { setup: "void *p = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);" });
add("msync", "msync(p, 4096, MS_SYNC);", { setup: "void *p = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);" });
add("mincore", "unsigned char v; mincore(p, 4096, &v);", { setup: "void *p = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);" });
add("mlock", "mlock(p, 4096);", { setup: "void *p = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);" });
add("munlock", "munlock(p, 4096);", { setup: "void *p = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);" });
add("mlockall", "mlockall(MCL_CURRENT);", { after: "munlockall();" });
add("munlockall", "munlockall();");
add("brk", "brk(sbrk(0));");
add("sbrk", "sbrk(0); sbrk(4096);");
add("memfd_create", `memfd_create("probe", MFD_CLOEXEC);`, { glibcOnly: true });
add("shm_open", `fd = shm_open("/unifit-probe-shm", O_CREAT|O_RDWR, 0600);`, { after: `shm_unlink("/unifit-probe-shm");`, libs: ["-lrt"] });
add("shm_unlink", `shm_unlink("/unifit-probe-shm2");`, { setup: `shm_open("/unifit-probe-shm2", O_CREAT|O_RDWR, 0600);`, libs: ["-lrt"] });
add("getpagesize", "getpagesize();");

// --- sockets ----------------------------------------------------------------------------------------------------
const TCP_LISTEN = `int ls = socket(AF_INET, SOCK_STREAM, 0); struct sockaddr_in sa = {0}; sa.sin_family = AF_INET; sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); bind(ls, (struct sockaddr *)&sa, sizeof sa); listen(ls, 4); socklen_t sl = sizeof sa; getsockname(ls, (struct sockaddr *)&sa, &sl);`;
const TCP_CONN = `${TCP_LISTEN} int cs = socket(AF_INET, SOCK_STREAM, 0); connect(cs, (struct sockaddr *)&sa, sizeof sa);`;
add("socket", "socket(AF_INET, SOCK_STREAM, 0); socket(AF_INET6, SOCK_DGRAM, 0); socket(AF_UNIX, SOCK_STREAM, 0);");
add("socketpair", "int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);");
add("bind", "struct sockaddr_in sa = {0}; sa.sin_family = AF_INET; bind(fd, (struct sockaddr *)&sa, sizeof sa);", { setup: SOCK_UDP });
add("listen", "listen(fd, 4);", { setup: "fd = socket(AF_INET, SOCK_STREAM, 0);" });
add("accept", "accept(ls, 0, 0);", { setup: TCP_CONN });
add("accept4", "accept4(ls, 0, 0, SOCK_CLOEXEC);", { setup: TCP_CONN });
add("connect", "connect(cs, (struct sockaddr *)&sa, sizeof sa);", { setup: `${TCP_LISTEN} int cs = socket(AF_INET, SOCK_STREAM, 0);` });
add("send", `send(sv[0], "x", 1, 0);`, { setup: SOCK_PAIR });
add("sendto", `sendto(sv[0], "x", 1, 0, 0, 0);`, { setup: SOCK_PAIR });
add("sendmsg", `struct iovec v = {"x", 1}; struct msghdr m = {0}; m.msg_iov = &v; m.msg_iovlen = 1; sendmsg(sv[0], &m, 0);`, { setup: SOCK_PAIR });
add("sendmmsg", `struct iovec v = {"x", 1}; struct mmsghdr m = {0}; m.msg_hdr.msg_iov = &v; m.msg_hdr.msg_iovlen = 1; sendmmsg(sv[0], &m, 1, 0);`, { setup: SOCK_PAIR });
add("recv", `recv(sv[1], buf, 10, 0);`, { setup: `${SOCK_PAIR} write(sv[0], "x", 1);` });
add("recvfrom", `recvfrom(sv[1], buf, 10, 0, 0, 0);`, { setup: `${SOCK_PAIR} write(sv[0], "x", 1);` });
add("recvmsg", `struct iovec v = {buf, 10}; struct msghdr m = {0}; m.msg_iov = &v; m.msg_iovlen = 1; recvmsg(sv[1], &m, 0);`, { setup: `${SOCK_PAIR} write(sv[0], "x", 1);` });
add("recvmmsg", `struct iovec v = {buf, 10}; struct mmsghdr m = {0}; m.msg_hdr.msg_iov = &v; m.msg_hdr.msg_iovlen = 1; recvmmsg(sv[1], &m, 1, 0, 0);`, { setup: `${SOCK_PAIR} write(sv[0], "x", 1);` });
add("shutdown", "shutdown(sv[0], SHUT_WR);", { setup: SOCK_PAIR });
add("getsockopt", "int v; socklen_t l = sizeof v; getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l);", { setup: SOCK_UDP });
add("setsockopt", "int v = 1; setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v);", { setup: SOCK_UDP });
add("getsockname", "struct sockaddr_in sa; socklen_t l = sizeof sa; getsockname(fd, (struct sockaddr *)&sa, &l);", { setup: SOCK_UDP });
add("getpeername", "struct sockaddr_in sa; socklen_t l = sizeof sa; getpeername(fd, (struct sockaddr *)&sa, &l);", { setup: SOCK_UDP });
add("getaddrinfo", `struct addrinfo *ai; getaddrinfo("localhost", "80", 0, &ai); getaddrinfo("127.0.0.1", 0, 0, &ai); getaddrinfo("unifit-probe.invalid", 0, 0, &ai);`);
add("freeaddrinfo", `freeaddrinfo(ai);`, { setup: `struct addrinfo *ai; getaddrinfo("127.0.0.1", 0, 0, &ai);` });
add("getnameinfo", `struct sockaddr_in sa = {0}; sa.sin_family = AF_INET; sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); char h[256], s[32]; getnameinfo((struct sockaddr *)&sa, sizeof sa, h, sizeof h, s, sizeof s, 0);`);
add("gethostbyname", `gethostbyname("localhost"); gethostbyname("unifit-probe.invalid");`);
add("gethostbyname_r", `struct hostent he, *res; int e; gethostbyname_r("localhost", &he, buf, sizeof buf, &res, &e);`);
add("gethostbyaddr", `struct in_addr a; a.s_addr = htonl(INADDR_LOOPBACK); gethostbyaddr(&a, sizeof a, AF_INET);`);
add("getservbyport_r", `struct servent se, *res; getservbyport_r(htons(80), "tcp", &se, buf, sizeof buf, &res);`);
add("setgrent", "setgrent(); getgrent(); endgrent();");
add("endgrent", "endgrent();", { setup: "setgrent(); getgrent();" });
add("getservbyname", `getservbyname("http", "tcp");`);
add("getprotobyname", `getprotobyname("tcp");`);
add("gethostname", "gethostname(buf, sizeof buf);");
add("getdomainname", "getdomainname(buf, sizeof buf);", { glibcOnly: true });
add("getifaddrs", "struct ifaddrs *ia; getifaddrs(&ia);");
add("if_nametoindex", `if_nametoindex("lo");`, { global: "#include <net/if.h>" });
add("if_indextoname", `char n[IF_NAMESIZE]; if_indextoname(1, n);`, { global: "#include <net/if.h>" });
add("res_init", "res_init();", { global: "#include <resolv.h>", libs: ["-lresolv"] });
add("poll", "struct pollfd p = {fd, POLLIN, 0}; poll(&p, 1, 0);", { setup: SOCK_UDP });
add("ppoll", "struct pollfd p = {fd, POLLIN, 0}; struct timespec ts = {0, 0}; ppoll(&p, 1, &ts, 0);", { setup: SOCK_UDP });
add("select", "fd_set s; FD_ZERO(&s); FD_SET(fd, &s); struct timeval tv = {0, 0}; select(fd + 1, &s, 0, 0, &tv);", { setup: SOCK_UDP });
add("pselect", "fd_set s; FD_ZERO(&s); FD_SET(fd, &s); struct timespec ts = {0, 0}; pselect(fd + 1, &s, 0, 0, &ts, 0);", { setup: SOCK_UDP });
add("epoll_create", "epoll_create(1);");
add("epoll_create1", "epoll_create1(EPOLL_CLOEXEC);");
add("epoll_ctl", "struct epoll_event ev = {EPOLLIN, {0}}; epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);", { setup: `${SOCK_UDP} int ep = epoll_create1(0);` });
add("epoll_wait", "struct epoll_event ev; epoll_wait(ep, &ev, 1, 0);", { setup: "int ep = epoll_create1(0);" });
add("epoll_pwait", "struct epoll_event ev; epoll_pwait(ep, &ev, 1, 0, 0);", { setup: "int ep = epoll_create1(0);" });
add("eventfd", "eventfd(0, EFD_CLOEXEC);");
add("eventfd_write", "eventfd_write(fd, 1);", { setup: "fd = eventfd(0, 0);" });
add("eventfd_read", "eventfd_t v; eventfd_read(fd, &v);", { setup: "fd = eventfd(1, 0);" });
add("signalfd", "sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR1); signalfd(-1, &s, SFD_CLOEXEC);");
add("timerfd_create", "timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);");
add("timerfd_settime", "struct itimerspec its = {{0, 0}, {1, 0}}; timerfd_settime(fd, 0, &its, 0);", { setup: "fd = timerfd_create(CLOCK_MONOTONIC, 0);" });
add("timerfd_gettime", "struct itimerspec its; timerfd_gettime(fd, &its);", { setup: "fd = timerfd_create(CLOCK_MONOTONIC, 0);" });

// --- signals ----------------------------------------------------------------------------------------------------
add("signal", "signal(SIGUSR1, on_sig); signal(SIGUSR2, SIG_IGN);");
add("sigaction", "struct sigaction sa = {0}; sa.sa_handler = on_sig; sigaction(SIGUSR1, &sa, 0);");
add("sigprocmask", "sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR1); sigprocmask(SIG_BLOCK, &s, 0);");
add("sigpending", "sigset_t s; sigpending(&s);");
add("sigaltstack", "static char stk[65536]; stack_t ss = {stk, 0, sizeof stk}; sigaltstack(&ss, 0);");
add("kill", "kill(pid, 0); kill(-1234567, 0);", { setup: "pid = getpid();" });
add("killpg", "killpg(pid, 0);", { setup: "pid = getpgrp();" });
add("raise", "raise(SIGUSR1);", { setup: "signal(SIGUSR1, on_sig);" });
add("sigqueue", "union sigval v = {0}; sigqueue(pid, SIGUSR1, v);", { setup: "signal(SIGUSR1, on_sig); pid = getpid();" });
add("tgkill", "tgkill(pid, t, 0);", { glibcOnly: true, setup: "pid = getpid(); pid_t t = gettid();" });
add("sigsuspend", "sigset_t s; sigemptyset(&s); sigsuspend(&s);", { setup: "signal(SIGALRM, on_sig); alarm(1);" });
add("sigwait", "sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR1); int sg; sigwait(&s, &sg);", { setup: "sigset_t b; sigemptyset(&b); sigaddset(&b, SIGUSR1); sigprocmask(SIG_BLOCK, &b, 0); raise(SIGUSR1);" });
add("sigwaitinfo", "sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR1); siginfo_t si; sigwaitinfo(&s, &si);", { setup: "sigset_t b; sigemptyset(&b); sigaddset(&b, SIGUSR1); sigprocmask(SIG_BLOCK, &b, 0); raise(SIGUSR1);" });
add("sigtimedwait", "sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR1); struct timespec ts = {0, 0}; sigtimedwait(&s, 0, &ts);");
add("alarm", "alarm(10); alarm(0);");
add("pause", "pause();", { setup: "signal(SIGALRM, on_sig); alarm(1);" });
add("setitimer", "struct itimerval it = {{0, 0}, {10, 0}}; setitimer(ITIMER_REAL, &it, 0);");
add("getitimer", "struct itimerval it; getitimer(ITIMER_REAL, &it);");
add("siginterrupt", "siginterrupt(SIGUSR1, 1);");
add("sigsetjmp", "sigjmp_buf jb; if (!sigsetjmp(jb, 1)) siglongjmp(jb, 1);", { global: "#include <setjmp.h>" });
add("siglongjmp", "sigjmp_buf jb; if (!sigsetjmp(jb, 1)) { MARK_BEGIN(); siglongjmp(jb, 1); }", { global: "#include <setjmp.h>" });
add("timer_create", "timer_t t; struct sigevent se = {0}; se.sigev_notify = SIGEV_NONE; timer_create(CLOCK_MONOTONIC, &se, &t); se.sigev_notify = SIGEV_THREAD; se.sigev_notify_function = (void(*)(union sigval))thr_noop; timer_create(CLOCK_MONOTONIC, &se, &t);", { libs: ["-lrt"] });
add("timer_settime", "struct itimerspec its = {{0, 0}, {10, 0}}; timer_settime(t, 0, &its, 0);", { setup: "timer_t t; struct sigevent se = {0}; se.sigev_notify = SIGEV_NONE; timer_create(CLOCK_MONOTONIC, &se, &t);", libs: ["-lrt"] });
add("timer_delete", "timer_delete(t);", { setup: "timer_t t; struct sigevent se = {0}; se.sigev_notify = SIGEV_NONE; timer_create(CLOCK_MONOTONIC, &se, &t);", libs: ["-lrt"] });

// --- time -------------------------------------------------------------------------------------------------------
add("nanosleep", "struct timespec ts = {0, 1000}; nanosleep(&ts, 0);");
add("sleep", "sleep(0); sleep(1);");
add("usleep", "usleep(10);");
add("clock_gettime", "struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);");
add("clock_getres", "struct timespec ts; clock_getres(CLOCK_MONOTONIC, &ts);");
add("clock_settime", "struct timespec ts = {0, 0}; clock_settime(CLOCK_MONOTONIC, &ts);");
add("clock_nanosleep", "struct timespec ts = {0, 1000}; clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, 0);");
add("gettimeofday", "struct timeval tv; gettimeofday(&tv, 0);");
add("settimeofday", "struct timeval tv = {0, 2000000}; settimeofday(&tv, 0);");
add("time", "time(0);");
add("times", "struct tms t; times(&t);");
add("clock", "clock();");
add("adjtimex", "struct timex tx = {0}; adjtimex(&tx);");
add("localtime", "time_t t = 0; localtime(&t);");
add("localtime_r", "time_t t = 0; struct tm tm; localtime_r(&t, &tm);");
add("tzset", "tzset();");
add("timegm", "struct tm tm = {0}; tm.tm_year = 100; timegm(&tm);");
add("mktime", "struct tm tm = {0}; tm.tm_year = 100; mktime(&tm);");
add("strftime", `time_t t = 0; struct tm tm; gmtime_r(&t, &tm); MARK_BEGIN(); strftime(buf, sizeof buf, "%c %Z", &tm);`);

// --- IPC --------------------------------------------------------------------------------------------------------
add("pipe", "int p[2]; pipe(p);");
add("pipe2", "int p[2]; pipe2(p, O_CLOEXEC);");
add("shmget", "int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600);", { after: "shmctl(id, IPC_RMID, 0);" });
add("shmat", "void *p = shmat(id, 0, 0);", { setup: "int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600);", after: "shmctl(id, IPC_RMID, 0);" });
add("shmdt", "shmdt(p);", { setup: "int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600); void *p = shmat(id, 0, 0);", after: "shmctl(id, IPC_RMID, 0);" });
add("shmctl", "struct shmid_ds ds; shmctl(id, IPC_STAT, &ds); shmctl(id, IPC_RMID, 0);", { setup: "int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600);" });
add("semget", "int id = semget(IPC_PRIVATE, 1, IPC_CREAT|0600);", { after: "semctl(id, 0, IPC_RMID);" });
add("semop", "struct sembuf sb = {0, 1, 0}; semop(id, &sb, 1);", { setup: "int id = semget(IPC_PRIVATE, 1, IPC_CREAT|0600);", after: "semctl(id, 0, IPC_RMID);" });
add("semtimedop", "struct sembuf sb = {0, 1, 0}; struct timespec ts = {0, 0}; semtimedop(id, &sb, 1, &ts);", { setup: "int id = semget(IPC_PRIVATE, 1, IPC_CREAT|0600);", after: "semctl(id, 0, IPC_RMID);" });
add("semctl", "semctl(id, 0, GETVAL); semctl(id, 0, IPC_RMID);", { setup: "int id = semget(IPC_PRIVATE, 1, IPC_CREAT|0600);" });
add("msgget", "int id = msgget(IPC_PRIVATE, IPC_CREAT|0600);", { after: "msgctl(id, IPC_RMID, 0);" });
add("msgsnd", "struct { long t; char c[4]; } m = {1, \"abc\"}; msgsnd(id, &m, 4, 0);", { setup: "int id = msgget(IPC_PRIVATE, IPC_CREAT|0600);", after: "msgctl(id, IPC_RMID, 0);" });
add("msgrcv", "struct { long t; char c[4]; } m; msgrcv(id, &m, 4, 0, IPC_NOWAIT);", { setup: "int id = msgget(IPC_PRIVATE, IPC_CREAT|0600);", after: "msgctl(id, IPC_RMID, 0);" });
add("msgctl", "struct msqid_ds ds; msgctl(id, IPC_STAT, &ds); msgctl(id, IPC_RMID, 0);", { setup: "int id = msgget(IPC_PRIVATE, IPC_CREAT|0600);" });
add("ftok", `ftok("f.txt", 1);`);
const MQ = `struct mq_attr at = {0, 4, 16, 0}; mqd_t q = mq_open("/unifit-probe-mq", O_CREAT|O_RDWR|O_NONBLOCK, 0600, &at);`;
add("mq_open", `${MQ}`, { after: `mq_unlink("/unifit-probe-mq");`, libs: ["-lrt"] });
add("mq_send", `mq_send(q, "x", 1, 0);`, { setup: MQ, after: `mq_unlink("/unifit-probe-mq");`, libs: ["-lrt"] });
add("mq_timedsend", `struct timespec ts = {0, 0}; mq_timedsend(q, "x", 1, 0, &ts);`, { setup: MQ, after: `mq_unlink("/unifit-probe-mq");`, libs: ["-lrt"] });
add("mq_receive", `mq_receive(q, buf, 16, 0);`, { setup: `${MQ} mq_send(q, "x", 1, 0);`, after: `mq_unlink("/unifit-probe-mq");`, libs: ["-lrt"] });
add("mq_timedreceive", `struct timespec ts = {0, 0}; mq_timedreceive(q, buf, 16, 0, &ts);`, { setup: MQ, after: `mq_unlink("/unifit-probe-mq");`, libs: ["-lrt"] });
add("mq_getattr", `mq_getattr(q, &at);`, { setup: MQ, after: `mq_unlink("/unifit-probe-mq");`, libs: ["-lrt"] });
add("mq_setattr", `mq_setattr(q, &at, 0);`, { setup: MQ, after: `mq_unlink("/unifit-probe-mq");`, libs: ["-lrt"] });
add("mq_notify", `mq_notify(q, 0);`, { setup: MQ, after: `mq_unlink("/unifit-probe-mq");`, libs: ["-lrt"] });
add("mq_close", `mq_close(q);`, { setup: MQ, after: `mq_unlink("/unifit-probe-mq");`, libs: ["-lrt"] });
add("mq_unlink", `mq_unlink("/unifit-probe-mq");`, { setup: MQ, libs: ["-lrt"] });

// --- identity ---------------------------------------------------------------------------------------------------
for (const fn of ["getuid", "geteuid", "getgid", "getegid"]) add(fn, `${fn}();`);
add("getgroups", "gid_t g[64]; getgroups(64, g);");
add("getresuid", "uid_t a, b, c; getresuid(&a, &b, &c);");
add("getresgid", "gid_t a, b, c; getresgid(&a, &b, &c);");
add("setuid", "setuid(u);", { setup: "uid_t u = getuid();" });
add("setgid", "setgid(g);", { setup: "gid_t g = getgid();" });
add("seteuid", "seteuid(u);", { setup: "uid_t u = geteuid();" });
add("setegid", "setegid(g);", { setup: "gid_t g = getegid();" });
add("setreuid", "setreuid(-1, -1);");
add("setregid", "setregid(-1, -1);");
add("setresuid", "setresuid(-1, -1, -1);");
add("setresgid", "setresgid(-1, -1, -1);");
add("setfsuid", "setfsuid(-1);");
add("setfsgid", "setfsgid(-1);");
add("setgroups", "gid_t g[64]; int n = getgroups(64, g); MARK_BEGIN(); setgroups(n, g);");
add("initgroups", `initgroups("root", 0);`);
add("getgrouplist", `gid_t g[64]; int n = 64; getgrouplist("root", 0, g, &n);`);
add("getpwnam", `getpwnam("root"); getpwnam("unifit-nonexistent-user");`);
add("getpwnam_r", `struct passwd pw, *res; getpwnam_r("root", &pw, buf, sizeof buf, &res);`);
add("getpwuid", `getpwuid(0);`);
add("getpwuid_r", `struct passwd pw, *res; getpwuid_r(0, &pw, buf, sizeof buf, &res);`);
add("getpwent", `getpwent(); endpwent();`);
add("getgrnam", `getgrnam("root");`);
add("getgrgid", `getgrgid(0);`);
add("getgrgid_r", `struct group gr, *res; getgrgid_r(0, &gr, buf, sizeof buf, &res);`);
add("getlogin", `getlogin();`);
add("getlogin_r", `getlogin_r(buf, sizeof buf);`);
add("getspnam", `getspnam("root");`, { glibcOnly: true, global: "#include <shadow.h>" });
add("capget", "struct { unsigned v; int p; } h = {0x20080522, 0}; unsigned d[6]; capget((void *)&h, (void *)d);", {
  glibcOnly: true, global: "extern int capget(void *, void *);" });

// --- filesystem admin -------------------------------------------------------------------------------------------
add("mount", `mount("none", "/nonexistent", "tmpfs", 0, 0);`);
add("umount", `umount("/nonexistent");`);
add("umount2", `umount2("/nonexistent", 0);`);
add("sethostname", `char h[300]; memset(h, 'x', sizeof h); sethostname(h, sizeof h);`);
add("setdomainname", `char h[300]; memset(h, 'x', sizeof h); setdomainname(h, sizeof h);`);
add("syscall", "syscall(SYS_getpid);");
add("swapon", `swapon("/nonexistent", 0);`, { global: "#include <sys/swap.h>" });
add("acct", `acct(0);`);
add("ptrace", "ptrace(PTRACE_PEEKDATA, 1, 0, 0);");
add("iopl", "iopl(0);", { glibcOnly: true, global: "#include <sys/io.h>" });
add("ioperm", "ioperm(0, 0, 0);", { glibcOnly: true, global: "#include <sys/io.h>" });

// --- misc -------------------------------------------------------------------------------------------------------
add("uname", "struct utsname u; uname(&u);");
add("sysinfo", "struct sysinfo si; sysinfo(&si);");
add("getrlimit", "struct rlimit rl; getrlimit(RLIMIT_NOFILE, &rl);");
add("getrlimit64", "struct rlimit64 rl; getrlimit64(RLIMIT_NOFILE, &rl);", { glibcOnly: true });
add("setrlimit", "struct rlimit rl; getrlimit(RLIMIT_CORE, &rl); MARK_BEGIN(); setrlimit(RLIMIT_CORE, &rl);");
add("setrlimit64", "struct rlimit64 rl; getrlimit64(RLIMIT_CORE, &rl); MARK_BEGIN(); setrlimit64(RLIMIT_CORE, &rl);", { glibcOnly: true });
add("prlimit", "struct rlimit rl; prlimit(0, RLIMIT_NOFILE, 0, &rl);", { glibcOnly: true });
add("getrusage", "struct rusage ru; getrusage(RUSAGE_SELF, &ru);");
add("sysconf", "sysconf(_SC_NPROCESSORS_ONLN); sysconf(_SC_NPROCESSORS_CONF); sysconf(_SC_OPEN_MAX); sysconf(_SC_PHYS_PAGES); sysconf(_SC_CHILD_MAX); sysconf(_SC_PAGESIZE); sysconf(_SC_CLK_TCK); sysconf(_SC_LEVEL1_DCACHE_LINESIZE); sysconf(_SC_NGROUPS_MAX);");
add("get_nprocs", "get_nprocs();");
add("get_nprocs_conf", "get_nprocs_conf();");
add("get_phys_pages", "get_phys_pages();");
add("getloadavg", "double l[3]; getloadavg(l, 3);");
add("getrandom", "getrandom(buf, 16, 0);");
add("getentropy", "getentropy(buf, 16);");
add("rand", "rand();");
add("random", "random();");
add("arc4random", "arc4random();", { glibcOnly: true });
add("getauxval", "getauxval(AT_PAGESZ);");
add("getenv", `getenv("HOME");`);
add("setenv", `setenv("UNIFIT", "1", 1);`);
add("putenv", `putenv("UNIFIT=1");`);
add("clearenv", `clearenv();`);
add("qsort", "int a[3] = {3, 1, 2}; qsort(a, 3, sizeof a[0], (int(*)(const void*, const void*))strcmp);");
add("dlopen", `dlopen("libm.so.6", RTLD_NOW); dlopen("libunifit-nonexistent.so", RTLD_NOW);`, { libs: ["-ldl"] });
add("dlsym", `dlsym(RTLD_DEFAULT, "printf");`, { libs: ["-ldl"] });
add("dlclose", "dlclose(h);", { setup: `void *h = dlopen("libm.so.6", RTLD_NOW);`, libs: ["-ldl"] });
add("dladdr", "Dl_info di; dladdr((void *)printf, &di);", { libs: ["-ldl"] });
add("dl_iterate_phdr", "dl_iterate_phdr((int(*)(struct dl_phdr_info*, size_t, void*))thr_noop, 0);", { global: "#include <link.h>" });
add("backtrace", "void *a[8]; backtrace(a, 8);", { global: "#include <execinfo.h>" });
add("__cxa_atexit", "__cxa_atexit((void(*)(void*))thr_noop, 0, 0);", { global: "extern int __cxa_atexit(void (*)(void *), void *, void *);" });
add("__libc_current_sigrtmin", "__libc_current_sigrtmin();", { glibcOnly: true, global: "extern int __libc_current_sigrtmin(void);" });
add("__stack_chk_fail", "__stack_chk_fail();", { setup: TO_DEVNULL, global: "extern void __stack_chk_fail(void);" });
add("__assert_fail", `__assert_fail("x", "f.c", 1, "fn");`, { setup: TO_DEVNULL, global: "extern void __assert_fail(const char *, const char *, unsigned, const char *);" });
add("__fortify_fail", `__fortify_fail("probe");`, { setup: TO_DEVNULL, glibcOnly: true, global: "extern void __fortify_fail(const char *);" });
add("__chk_fail", `__chk_fail();`, { setup: TO_DEVNULL, glibcOnly: true, global: "extern void __chk_fail(void);" });
add("posix_spawn_file_actions_addopen", `posix_spawn_file_actions_t fa; posix_spawn_file_actions_init(&fa); posix_spawn_file_actions_addopen(&fa, 3, "f.txt", O_RDONLY, 0); posix_spawn_file_actions_adddup2(&fa, 3, 4); posix_spawn_file_actions_addclose(&fa, 3); char *a[] = {"true", 0}; posix_spawn(&pid, "/bin/true", &fa, 0, a, environ);`, { after: WAIT_ALL });
add("posix_spawnattr_setflags", `posix_spawnattr_t at; posix_spawnattr_init(&at); posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK|POSIX_SPAWN_SETSIGDEF|POSIX_SPAWN_SETPGROUP|POSIX_SPAWN_RESETIDS|POSIX_SPAWN_SETSID|POSIX_SPAWN_SETSCHEDULER); sigset_t s; sigfillset(&s); posix_spawnattr_setsigdefault(&at, &s); char *a[] = {"true", 0}; posix_spawn(&pid, "/bin/true", 0, &at, a, environ);`, { after: WAIT_ALL,
  note: "exercises posix_spawn's optional child steps; reported under posix_spawn" });

// Startup probe: a trivial program.
const STARTUP = { name: "<startup>", body: "", startup: true };

// ---------------------------------------------------------------------------------------------------------------
// strace parsing.

const LINE = /^(\d+)\s+(.*)$/;

/** Parse one strace -f output file into events { pid, name, idx, ret, args, unfinished }. */
function parseTrace(text) {
  const lines = text.split("\n");
  const events = [];
  const pending = new Map(); // pid -> event awaiting "resumed"
  lines.forEach((raw, idx) => {
    const m = LINE.exec(raw);
    if (!m) return;
    const pid = Number(m[1]);
    const rest = m[2];
    if (rest.startsWith("---") || rest.startsWith("+++")) return;
    let r;
    if ((r = /^<\.\.\. (\w+) resumed>(.*)$/.exec(rest))) {
      const ev = pending.get(pid);
      pending.delete(pid);
      const ret = /\)\s+=\s+(-?\d+|\?|0x[0-9a-f]+)/.exec(r[2]);
      if (ev) {
        ev.args += r[2];
        ev.ret = ret ? ret[1] : "?";
      }
      return;
    }
    if ((r = /^(\w+)\((.*)$/.exec(rest))) {
      const ev = { pid, name: r[1], idx, args: r[2], ret: "?" };
      if (/<unfinished \.\.\.>$/.test(rest)) pending.set(pid, ev);
      else {
        const ret = /\)\s+=\s+(-?\d+|\?|0x[0-9a-f]+)/.exec(r[2]);
        ev.ret = ret ? ret[1] : "?";
      }
      events.push(ev);
    }
  });
  return events;
}

const isMarker = (ev, n) => ev.name === "close" && new RegExp(`^${n}[) ]`).test(ev.args);
const CREATORS = new Set(["clone", "clone3", "fork", "vfork"]);

function label(ev) {
  if (ev.name === "clone" || ev.name === "clone3") return `${ev.name}:${/CLONE_THREAD/.test(ev.args) ? "thread" : "process"}`;
  return ev.name;
}

/** Syscalls attributable to the probed call (see the header comment for the rules). */
function attribute(events, { startup = false } = {}) {
  if (events.length === 0) return { calls: [], problem: "empty trace" };
  const mainPid = events[0].pid;
  const byPid = new Map();
  for (const ev of events) {
    if (!byPid.has(ev.pid)) byPid.set(ev.pid, []);
    byPid.get(ev.pid).push(ev);
  }
  const mainEv = byPid.get(mainPid);
  const firstEnd = mainEv.findIndex((e) => isMarker(e, -434343));
  // The last begin marker before the end marker: a body may re-mark after its own preparation.
  const bi = mainEv.findLastIndex((e, i) => isMarker(e, -424242) && (firstEnd < 0 || i < firstEnd));
  if (startup) {
    if (bi < 0) return { calls: [], problem: "no begin marker" };
    return { calls: [...new Set(mainEv.slice(1, bi).map(label))].sort() };
  }
  if (bi < 0) return { calls: [], problem: "no begin marker (probe crashed or exec'd before it?)" };
  // Windows: pid -> [startIdx, endIdx] in global line index, inclusive.
  const windows = new Map();
  // The main process's window closes at the end marker or at a successful execve (what runs next is another program).
  const ei = mainEv.findIndex((e, i) => i > bi && (isMarker(e, -434343) || (/^execve(at)?$/.test(e.name) && e.ret === "0")));
  windows.set(mainPid, [mainEv[bi].idx, ei >= 0 ? mainEv[ei].idx : Infinity]);
  // Creator events: child pid -> creating event (return value).
  const creator = new Map();
  for (const ev of events) if (CREATORS.has(ev.name) && /^\d+$/.test(ev.ret) && Number(ev.ret) > 0) creator.set(Number(ev.ret), ev);
  const active = (pid, seen = new Set()) => {
    if (windows.has(pid)) return windows.get(pid);
    if (seen.has(pid)) return null;
    seen.add(pid);
    const cev = creator.get(pid);
    if (!cev) return null;
    const pw = active(cev.pid, seen);
    if (!pw || cev.idx < pw[0] || cev.idx > pw[1]) { windows.set(pid, null); return null; }
    const evs = byPid.get(pid) ?? [];
    let end = Infinity;
    for (const e of evs) {
      if (isMarker(e, -434343)) { end = e.idx; break; }
      if (/^execve(at)?$/.test(e.name) && e.ret === "0") { end = e.idx; break; }
    }
    const w = [evs.length ? evs[0].idx : Infinity, end];
    windows.set(pid, w);
    return w;
  };
  const calls = new Set();
  for (const [pid, evs] of byPid) {
    const w = active(pid);
    if (!w) continue;
    for (const e of evs) {
      if (e.idx <= w[0] && pid === mainPid) continue; // the begin marker itself
      if (e.idx > w[1]) continue;
      if (e.idx === w[1] && isMarker(e, -434343)) continue;
      if (isMarker(e, -424242)) continue;
      calls.add(label(e));
    }
  }
  return { calls: [...calls].sort() };
}

// ---------------------------------------------------------------------------------------------------------------
// Driver.

function run(cmd, argv, { cwd, timeout = 20000 } = {}) {
  return new Promise((resolve) => {
    const ch = spawn(cmd, argv, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    ch.stdout.on("data", (d) => (out += d));
    ch.stderr.on("data", (d) => (err += d));
    const t = setTimeout(() => ch.kill("SIGKILL"), timeout);
    ch.on("close", (code, signal) => { clearTimeout(t); resolve({ code, signal, out, err }); });
  });
}

async function probe(p) {
  const dir = join(WORK, p.name.replace(/[^A-Za-z0-9_]/g, "_") || "x");
  mkdirSync(dir, { recursive: true });
  const src = join(dir, "probe.c");
  const exe = join(dir, "probe");
  writeFileSync(src, program(p));
  const libs = p.libs ?? [];
  const cc = await run(CC, ["-O0", "-w", "-o", exe, src, "-pthread", ...libs]);
  if (cc.code !== 0) return { name: p.name, error: `compile failed: ${cc.err.split("\n").slice(0, 3).join(" | ")}` };
  const run1 = join(dir, "run");
  mkdirSync(run1, { recursive: true });
  const trace = join(dir, "trace.txt");
  await run("strace", ["-f", "-qq", "-e", "trace=all", "-o", trace, exe], { cwd: run1 });
  if (!existsSync(trace)) return { name: p.name, error: "no trace" };
  const res = attribute(parseTrace(readFileSync(trace, "utf8")), { startup: p.startup });
  return { name: p.name, calls: res.calls, error: res.problem };
}

async function main() {
  for (const tool of [CC, "strace"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
      console.error(`${tool} not found`);
      process.exit(2);
    }
  }
  mkdirSync(WORK, { recursive: true });
  let list = P.filter((p) => LIBC === "glibc" || !p.glibcOnly);
  if (ONLY) list = list.filter((p) => ONLY.has(p.name));
  const queue = [STARTUP, ...list];
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: JOBS }, async () => {
    while (next < queue.length) {
      const p = queue[next++];
      results.push(await probe(p));
    }
  }));
  const version = LIBC === "glibc"
    ? spawnSync("dpkg-query", ["-W", "-f", "${Version}", "libc6"]).stdout?.toString() ?? ""
    : spawnSync("dpkg-query", ["-W", "-f", "${Version}", "musl"]).stdout?.toString() ?? "";
  const out = { libc: LIBC, libcVersion: version, arch: process.arch === "x64" ? "x86_64" : process.arch,
    kernel: os.release(), startup: [], functions: {}, errors: {} };
  results.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const r of results) {
    if (r.name === "<startup>") { out.startup = r.calls ?? []; continue; }
    if (r.error) out.errors[r.name] = r.error;
    if (r.calls) out.functions[r.name] = r.calls;
  }
  // posix_spawnattr/file-actions probes exercise posix_spawn's optional steps.
  for (const extra of ["posix_spawn_file_actions_addopen", "posix_spawnattr_setflags"]) {
    if (out.functions[extra]) {
      out.functions.posix_spawn = [...new Set([...(out.functions.posix_spawn ?? []), ...out.functions[extra]])].sort();
      delete out.functions[extra];
    }
  }
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
  if (!KEEP) rmSync(WORK, { recursive: true, force: true });
  else console.error(`kept ${WORK}`);
}

main();
