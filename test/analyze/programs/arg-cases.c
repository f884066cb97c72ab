/* One argument-level case per build (-DARGCASE=N), for test/analyze/argument-rules.test.ts: each makes the one call
 * whose deciding argument the scan must resolve, and prints what the call did. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* musl's headers have no <linux/futex.h> or <linux/filter.h>: the UAPI numbers and the classic BPF program layout. */
#ifndef FUTEX_LOCK_PI
#define FUTEX_LOCK_PI 6
#endif
#ifndef FUTEX_WAKE_OP
#define FUTEX_WAKE_OP 5
#endif
#ifndef SO_ATTACH_FILTER
#define SO_ATTACH_FILTER 26
#endif
struct classic_bpf_insn {
  uint16_t code;
  uint8_t jt, jf;
  uint32_t k;
};
struct classic_bpf_prog {
  unsigned short len;
  struct classic_bpf_insn *filter;
};

static int report(const char *what, int ok) {
  printf("%s: %s\n", what, ok ? "ok" : strerror(errno));
  return ok ? 0 : 3;
}

#if ARGCASE == 6
static char *shared;
static void *writer(void *arg) {
  (void)arg;
  strcpy(shared, "thread");
  return NULL;
}
#endif

int main(void) {
#if ARGCASE == 1
  return report("socket AF_INET", socket(AF_INET, SOCK_STREAM, 0) >= 0);
#elif ARGCASE == 2
  return report("socket AF_UNIX", socket(AF_UNIX, SOCK_STREAM, 0) >= 0);
#elif ARGCASE == 3
  return report("socket AF_NETLINK", socket(AF_NETLINK, SOCK_RAW, 0) >= 0);
#elif ARGCASE == 4
  return report("socket AF_PACKET", socket(AF_PACKET, SOCK_DGRAM, 0) >= 0);
#elif ARGCASE == 5
  char path[] = "/tmp/unifit-arg-case-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return report("mkstemp", 0);
  unlink(path);
  if (ftruncate(fd, 4096) != 0) return report("ftruncate", 0);
  char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return report("mmap MAP_SHARED file", 0);
  pid_t pid = fork();
  if (pid < 0) return report("fork", 0);
  if (pid == 0) {
    strcpy(p, "child");
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  strcpy(p + 16, "parent");
  char back[32] = {0};
  pread(fd, back, 5, 0);
  return report("mmap MAP_SHARED file written by two processes", strcmp(p, "child") == 0 && strcmp(back, "child") == 0);
#elif ARGCASE == 6
  shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) return report("mmap MAP_SHARED|MAP_ANONYMOUS", 0);
  pthread_t t;
  if (pthread_create(&t, NULL, writer, NULL) != 0) return report("pthread_create", 0);
  pthread_join(t, NULL);
  return report("mmap MAP_SHARED|MAP_ANONYMOUS between threads", strcmp(shared, "thread") == 0);
#elif ARGCASE == 7
  char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return report("mmap MAP_PRIVATE|MAP_ANONYMOUS", 0);
  p[0] = 1;
  return report("mmap MAP_PRIVATE|MAP_ANONYMOUS", 1);
#elif ARGCASE == 8
  errno = 0;
  int t = isatty(0);
  printf("isatty(0): %d (%s)\n", t, strerror(errno));
  return 0;
#elif ARGCASE == 9
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  return report("ioctl FIONBIO", s >= 0 && ioctl(s, FIONBIO, &on) == 0);
#elif ARGCASE == 10
  return report("prctl PR_SET_NAME", prctl(PR_SET_NAME, "unifit-case", 0, 0, 0) == 0);
#elif ARGCASE == 11
  /* SECCOMP_MODE_FILTER (2) with no program: Linux fails with EFAULT; a target that refuses the option differs. */
  int r = prctl(PR_SET_SECCOMP, 2, NULL, 0, 0);
  printf("prctl PR_SET_SECCOMP: %d (%s)\n", r, r == 0 ? "ok" : strerror(errno));
  return 0;
#elif ARGCASE == 12
  /* A lease on a file of our own: Linux grants it (or fails EAGAIN); targets without leases refuse the command. */
  char path[] = "/tmp/unifit-arg-case-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return report("mkstemp", 0);
  unlink(path);
  int r = fcntl(fd, F_SETLEASE, F_RDLCK);
  printf("fcntl F_SETLEASE: %d (%s)\n", r, r == 0 ? "ok" : strerror(errno));
  return 0;
#elif ARGCASE == 13
  return report("fcntl F_GETFL", fcntl(1, F_GETFL) >= 0);
#elif ARGCASE == 14 || ARGCASE == 15 || ARGCASE == 16
  char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return report("mmap", 0);
  p[0] = 1;
#if ARGCASE == 14
  int r = madvise(p, 4096, MADV_FREE);
#elif ARGCASE == 15
  int r = madvise(p, 4096, MADV_DONTNEED);
#else
  int r = madvise(p, 4096, MADV_WILLNEED);
#endif
  printf("madvise: %d (%s)\n", r, r == 0 ? "ok" : strerror(errno));
  return 0;
#elif ARGCASE == 17 || ARGCASE == 18 || ARGCASE == 19
  int s = socket(AF_INET, ARGCASE == 18 ? SOCK_DGRAM : SOCK_STREAM, 0);
  if (s < 0) return report("socket", 0);
  int on = 1;
#if ARGCASE == 17
  int r = setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
#elif ARGCASE == 18
  /* A classic BPF program that accepts every packet (BPF_RET | BPF_K, 0xffff). */
  struct classic_bpf_insn accept_all[] = {{0x06, 0, 0, 0xffff}};
  struct classic_bpf_prog prog = {1, accept_all};
  int r = setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
#else
  int r = setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
#endif
  printf("setsockopt: %d (%s)\n", r, r == 0 ? "ok" : strerror(errno));
  return 0;
#elif ARGCASE == 20 || ARGCASE == 21
  /* An unowned PI lock: Linux takes it (the word becomes our tid); WAKE_OP on an unwatched word wakes nobody. */
  static uint32_t word, other;
#if ARGCASE == 20
  long r = syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL, NULL, 0);
#else
  long r = syscall(SYS_futex, &word, FUTEX_WAKE_OP, 1, 1, &other, 0);
#endif
  printf("futex: %ld (%s)\n", r, r >= 0 ? "ok" : strerror(errno));
  return 0;
#elif ARGCASE == 22
  /* A time before the epoch: Linux checks it before anything else (do_sys_settimeofday64) and fails with EINVAL, so
   * the clock is never changed, even as root; libc passes it on (glibc checks only tv_nsec); a target that ignores
   * or refuses the call answers otherwise. */
  struct timespec ts = {-1, 0};
  int r = clock_settime(CLOCK_REALTIME, &ts);
  printf("clock_settime: %d (%s)\n", r, r == 0 ? "ok" : strerror(errno));
  return 0;
#elif ARGCASE == 23 || ARGCASE == 26
  /* A CPU-time clock (its time, its resolution): not served by the vDSO, so the call reaches the kernel (and the
   * filter). */
  struct timespec ts;
#if ARGCASE == 23
  int r = clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
#else
  int r = clock_getres(CLOCK_PROCESS_CPUTIME_ID, &ts);
#endif
  printf("clock_get%s CLOCK_PROCESS_CPUTIME_ID: %d (%s)\n", ARGCASE == 23 ? "time" : "res", r, r == 0 ? "ok" : strerror(errno));
  return 0;
#elif ARGCASE == 24 || ARGCASE == 25
  /* Reading an option back: lwIP answers no SO_SNDBUF, gVisor and lwIP no SO_PRIORITY (ENOPROTOOPT). */
  int s = socket(AF_INET, SOCK_STREAM, 0), v = 0;
  socklen_t len = sizeof v;
  if (s < 0) return report("socket", 0);
#if ARGCASE == 24
  int r = getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len);
#else
  int r = getsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, &len);
#endif
  printf("getsockopt: %d = %d (%s)\n", r, v, r == 0 ? "ok" : strerror(errno));
  return 0;
#elif ARGCASE == 27
  /* A millisecond on the monotonic clock: OSv refuses the clock, Unikraft returns at once without sleeping. */
  struct timespec ts = {0, 1000000};
  int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
  printf("clock_nanosleep CLOCK_MONOTONIC: %d (%s)\n", r, r == 0 ? "ok" : strerror(r));
  return 0;
#else
#error "ARGCASE must be 1..27"
#endif
}
