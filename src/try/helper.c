/*
 * unifit try helper: runs one program under a seccomp filter that emulates a target's syscall surface, and counts
 * the calls the target would refuse or stub. Built on first use by src/try/helper.ts (cc ... -lseccomp) into the
 * unifit cache, keyed by a hash of this file.
 *
 *   unifit-try-helper [--spec FILE | --plain] --result FILE --timeout MS -- PATH ARGV0 ARGS...
 *
 * The spec (written by src/try/spec.ts) has one line per trapped case: "rule ID NR WHEN ACTION ERRNO", WHEN one of
 * always, clone-thread, clone-process, pid-self, pid-other, clone3-thread, clone3-process, arg-eq, arg-other,
 * arg-pair; ACTION errno, stub or allow (arg-pair only). Argument rules add "INDEX MASK COUNT VALUE...": arg-eq traps
 * when the masked argument equals its one value, arg-other when it equals none of them (src/db/args.ts). arg-pair
 * rules add "INDEX MASK VALUE INDEX MASK VALUE" (VALUE "*": any): their syscall traps whatever its arguments, and
 * the first arg-pair rule whose two values match decides (allow: the call continues).
 * Everything else is allowed and never traps.
 *
 * The helper forks. The child sets no_new_privs, loads the filter (default allow; SCMP_ACT_NOTIFY for the trapped
 * cases), passes the notification fd to the parent over a socketpair (SCM_RIGHTS) and execs PATH. The parent answers
 * each notification (the row's errno, 0 for a stub, or CONTINUE when a clone3 turns out to be an allowed mode),
 * counts per rule, and stops when every user of the filter is gone (POLLHUP after the program is reaped), or
 * GRACE_MS after the program exits when descendants keep the filter alive. It writes the result file and exits
 * with the program's status (128+n for a signal). Its own errors: a line on stderr, exit 125, no result file.
 *
 * Two calls of the helper itself run under the filter before the program does: the sendmsg that passes the fd
 * and the execve. Where the target refuses them, the filter exempts exactly these calls by their pointer
 * arguments (addresses in the helper that the exec'd program cannot know).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif
#ifndef CLONE_THREAD
#define CLONE_THREAD 0x00010000
#endif

#define EXIT_HELPER 125
#define MAX_RULES 4096
#define GRACE_MS 2000

enum when { W_ALWAYS, W_CLONE_THREAD, W_CLONE_PROCESS, W_PID_SELF, W_PID_OTHER, W_CLONE3_THREAD, W_CLONE3_PROCESS, W_ARG_EQ, W_ARG_OTHER, W_ARG_PAIR };
static const char *const WHEN_NAMES[] = {"always", "clone-thread", "clone-process", "pid-self", "pid-other", "clone3-thread", "clone3-process", "arg-eq", "arg-other", "arg-pair"};
#define MAX_ARG_VALUES 64

struct rule {
  int id, nr, when, stub, allow, err;
  /* Argument rules: the argument's index, its mask, and the values (arg-eq: one; arg-other: those it excludes). */
  int arg, nvalues;
  uint64_t mask, values[MAX_ARG_VALUES];
  /* arg-pair: the second argument, its mask and value; any1/any2: the first / second value is "*". */
  int arg2, any1, any2;
  uint64_t mask2, value2;
  unsigned long count;
};

/* One "INDEX MASK VALUE" part of an arg-pair rule; VALUE "*" sets *any. Returns the position after it. */
static char *pair_part(char *p, int *index, uint64_t *mask, uint64_t *value, int *any) {
  char *end;
  *index = (int)strtol(p, &end, 10);
  if (end == p || *index < 0 || *index > 5) return NULL;
  p = end;
  *mask = strtoull(p, &end, 10);
  if (end == p) return NULL;
  p = end;
  while (*p == ' ') p++;
  if (*p == '*') {
    *any = 1;
    return p + 1;
  }
  *value = strtoull(p, &end, 10);
  return end == p ? NULL : end;
}

/* Whether the masked argument is among the rule's values. */
static int arg_listed(const struct rule *r, uint64_t a) {
  for (int k = 0; k < r->nvalues; k++)
    if ((a & r->mask) == r->values[k]) return 1;
  return 0;
}

static struct rule rules[MAX_RULES];
static int nrules;
static unsigned long clone3_unread;
static volatile pid_t child_pid;

static void die(const char *what) {
  fprintf(stderr, "unifit-try-helper: %s: %s\n", what, strerror(errno));
  exit(EXIT_HELPER);
}

static void fail(const char *msg) {
  fprintf(stderr, "unifit-try-helper: %s\n", msg);
  exit(EXIT_HELPER);
}

static void read_spec(const char *file) {
  FILE *f = fopen(file, "r");
  if (f == NULL) die(file);
  char line[2048];
  while (fgets(line, sizeof line, f) != NULL) {
    if (line[0] == '#' || line[0] == '\n') continue;
    char when[32], action[16];
    struct rule r = {0};
    int used = 0;
    if (sscanf(line, "rule %d %d %31s %15s %d%n", &r.id, &r.nr, when, action, &r.err, &used) != 5) fail("bad spec line");
    r.when = -1;
    for (int i = 0; i < (int)(sizeof WHEN_NAMES / sizeof *WHEN_NAMES); i++)
      if (strcmp(when, WHEN_NAMES[i]) == 0) r.when = i;
    if (r.when < 0) fail("bad spec: unknown WHEN");
    if (r.when == W_ARG_EQ || r.when == W_ARG_OTHER) {
      /* INDEX MASK COUNT VALUE... */
      char *p = line + used, *end;
      r.arg = (int)strtol(p, &end, 10);
      if (end == p || r.arg < 0 || r.arg > 5) fail("bad spec: argument index");
      p = end;
      r.mask = strtoull(p, &end, 10);
      if (end == p) fail("bad spec: argument mask");
      p = end;
      r.nvalues = (int)strtol(p, &end, 10);
      if (end == p || r.nvalues < 0 || r.nvalues > MAX_ARG_VALUES || (r.when == W_ARG_EQ && r.nvalues != 1)) fail("bad spec: argument values");
      p = end;
      for (int k = 0; k < r.nvalues; k++) {
        r.values[k] = strtoull(p, &end, 10);
        if (end == p) fail("bad spec: argument value");
        p = end;
      }
    }
    if (r.when == W_ARG_PAIR) {
      char *p = pair_part(line + used, &r.arg, &r.mask, &r.values[0], &r.any1);
      if (p == NULL || pair_part(p, &r.arg2, &r.mask2, &r.value2, &r.any2) == NULL) fail("bad spec: arg-pair values");
    }
    if (strcmp(action, "stub") == 0) r.stub = 1;
    else if (strcmp(action, "allow") == 0 && r.when == W_ARG_PAIR) r.allow = 1;
    else if (strcmp(action, "errno") != 0) fail("bad spec: unknown ACTION");
    if (r.nr < 0 || r.err < 0 || r.err > 4095 || nrules == MAX_RULES) fail("bad spec: value out of range");
    rules[nrules++] = r;
  }
  fclose(f);
}

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* Adds the NOTIFY rules (default allow), exempting the helper's own sendmsg and execve (see the header). */
static scmp_filter_ctx build_filter(pid_t self, int sock, const void *msg, const char *path) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == NULL) fail("seccomp_init failed");
  int clone3_trapped = 0, rc = 0, pair_trapped = -1;
  for (int i = 0; i < nrules && rc == 0; i++) {
    const struct rule *r = &rules[i];
    switch (r->when) {
    case W_ALWAYS:
      if (r->nr == SYS_execve) {
        rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 1, SCMP_A0(SCMP_CMP_NE, (uint64_t)(uintptr_t)path));
      } else if (r->nr == SYS_sendmsg) {
        rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 1, SCMP_A0(SCMP_CMP_NE, (uint64_t)sock));
        if (rc == 0)
          rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 2, SCMP_A0(SCMP_CMP_EQ, (uint64_t)sock),
                                SCMP_A1(SCMP_CMP_NE, (uint64_t)(uintptr_t)msg));
      } else {
        rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 0);
      }
      break;
    case W_CLONE_THREAD:
      rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
      break;
    case W_CLONE_PROCESS:
      rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
      break;
    case W_PID_SELF:
      rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 1, SCMP_A0(SCMP_CMP_EQ, (uint64_t)self));
      break;
    case W_PID_OTHER:
      rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 1, SCMP_A0(SCMP_CMP_NE, (uint64_t)self));
      break;
    case W_CLONE3_THREAD:
    case W_CLONE3_PROCESS:
      /* clone3's flags are in memory the filter cannot read: trap every clone3, decide in the supervisor. */
      if (!clone3_trapped) rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 0);
      clone3_trapped = 1;
      break;
    case W_ARG_EQ:
      rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 1, SCMP_CMP((unsigned)r->arg, SCMP_CMP_MASKED_EQ, r->mask, r->values[0]));
      break;
    case W_ARG_OTHER:
      /* "Not any of these" is one comparison per value, which a single filter rule cannot AND on one argument:
         trap the call and let the supervisor compare (a listed value that is allowed continues). */
      rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 0);
      break;
    case W_ARG_PAIR:
      /* The rules of one syscall are consecutive: trap it once, the supervisor tries them in order. */
      if (pair_trapped != r->nr) rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, r->nr, 0);
      pair_trapped = r->nr;
      break;
    }
  }
  if (rc != 0) {
    errno = -rc;
    die("seccomp_rule_add");
  }
  return ctx;
}

static int recv_fd(int sock) {
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  ssize_t n;
  do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (c == NULL || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

/* clone3's flags: the first u64 of struct clone_args, read from the caller's memory. -1 when unreadable. */
static int64_t clone3_flags(int nfd, const struct seccomp_notif *req) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%u/mem", req->pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  uint64_t flags;
  ssize_t n = pread(fd, &flags, sizeof flags, (off_t)req->data.args[0]);
  close(fd);
  /* The request must still be live, else the pid may have been reused and the bytes read are someone else's. */
  if (n != (ssize_t)sizeof flags || seccomp_notify_id_valid(nfd, req->id) != 0) return -1;
  return (int64_t)(flags & 0x7fffffffffffffffULL);
}

static void answer(int nfd, const struct seccomp_notif *req, struct seccomp_notif_resp *resp, pid_t self) {
  memset(resp, 0, sizeof *resp);
  resp->id = req->id;
  int64_t c3 = -2;
  struct rule *hit = NULL;
  for (int i = 0; i < nrules && hit == NULL; i++) {
    struct rule *r = &rules[i];
    if (r->nr != req->data.nr) continue;
    uint64_t a0 = req->data.args[0];
    int match = 0;
    switch (r->when) {
    case W_ALWAYS: match = 1; break;
    case W_CLONE_THREAD: match = (a0 & CLONE_THREAD) != 0; break;
    case W_CLONE_PROCESS: match = (a0 & CLONE_THREAD) == 0; break;
    case W_PID_SELF: match = (int32_t)a0 == self; break;
    case W_PID_OTHER: match = (int32_t)a0 != self; break;
    case W_ARG_EQ: match = arg_listed(r, req->data.args[r->arg]); break;
    case W_ARG_OTHER: match = !arg_listed(r, req->data.args[r->arg]); break;
    case W_ARG_PAIR:
      match = (r->any1 || (req->data.args[r->arg] & r->mask) == r->values[0]) && (r->any2 || (req->data.args[r->arg2] & r->mask2) == r->value2);
      break;
    case W_CLONE3_THREAD:
    case W_CLONE3_PROCESS:
      if (c3 == -2) c3 = clone3_flags(nfd, req);
      if (c3 == -1) {
        /* Unreadable: ENOSYS, so glibc falls back to clone, whose flags the filter sees. */
        clone3_unread++;
        resp->error = -ENOSYS;
        seccomp_notify_respond(nfd, resp);
        return;
      }
      match = ((c3 & CLONE_THREAD) != 0) == (r->when == W_CLONE3_THREAD);
      break;
    }
    if (match) hit = r;
  }
  if (hit == NULL) {
    resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE; /* an allowed mode of a trapped call (clone3, kill self) */
  } else {
    hit->count++;
    if (hit->allow) resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    else if (!hit->stub) resp->error = -hit->err;
  }
  /* ENOENT: the caller died (or was interrupted by a signal) meanwhile; nothing to answer. */
  seccomp_notify_respond(nfd, resp);
}

static void forward(int sig) {
  if (child_pid > 0) kill(child_pid, sig);
}

int main(int argc, char **argv) {
  const char *spec = NULL, *result = NULL;
  long timeout_ms = 0;
  int plain = 0, i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--spec") == 0 && i + 1 < argc) spec = argv[++i];
    else if (strcmp(argv[i], "--plain") == 0) plain = 1;
    else if (strcmp(argv[i], "--result") == 0 && i + 1 < argc) result = argv[++i];
    else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) timeout_ms = atol(argv[++i]);
    else if (strcmp(argv[i], "--") == 0) { i++; break; }
    else fail("usage: unifit-try-helper [--spec FILE | --plain] --result FILE --timeout MS -- PATH ARGV0 ARGS...");
  }
  if (result == NULL || (spec == NULL) == (plain == 0) || argc - i < 2) fail("usage: unifit-try-helper [--spec FILE | --plain] --result FILE --timeout MS -- PATH ARGV0 ARGS...");
  const char *path = argv[i];
  char **args = &argv[i + 1];
  if (!plain) read_spec(spec);

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) die("socketpair");
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    close(sv[0]);
    pid_t self = getpid();
    /* Everything that can fail is done before the filter is loaded, so its messages are not themselves refused. */
    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
      struct cmsghdr h;
      char buf[CMSG_SPACE(sizeof(int))];
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("prctl(PR_SET_NO_NEW_PRIVS)");
    if (!plain) {
      scmp_filter_ctx ctx = build_filter(self, sv[1], &msg, path);
      int rc = seccomp_load(ctx);
      if (rc != 0) {
        errno = -rc;
        die("seccomp_load");
      }
      int nfd = seccomp_notify_fd(ctx);
      if (nfd < 0) fail("the filter has no notification fd");
      struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      memcpy(CMSG_DATA(c), &nfd, sizeof nfd);
      if (sendmsg(sv[1], &msg, 0) < 0) _exit(EXIT_HELPER);
      /* The notification fd is close-on-exec (the kernel opens it so), as is the socket. */
    }
    execve(path, args, environ);
    int e = errno;
    (void)!write(sv[1], &e, sizeof e);
    _exit(127);
  }
  child_pid = pid;
  close(sv[1]);
  signal(SIGINT, SIG_IGN); /* the terminal sends these to the program too; it decides (as system() does) */
  signal(SIGQUIT, SIG_IGN);
  signal(SIGTERM, forward);
  signal(SIGHUP, forward);

  int nfd = -1;
  if (!plain) {
    nfd = recv_fd(sv[0]);
    if (nfd < 0) {
      int st;
      waitpid(pid, &st, 0);
      fail("the filter could not be installed in the child");
    }
  }
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) die("pidfd_open");

  struct seccomp_notif *req = NULL;
  struct seccomp_notif_resp *resp = NULL;
  if (!plain && seccomp_notify_alloc(&req, &resp) != 0) fail("seccomp_notify_alloc failed");

  long start = now_ms(), exited_at = -1;
  int status = 0, reaped = 0, timed_out = 0, outlived = 0, exec_errno = 0, sock_open = 1;
  for (;;) {
    struct pollfd p[3] = {{.fd = pidfd, .events = POLLIN}, {.fd = sock_open ? sv[0] : -1, .events = POLLIN}, {.fd = nfd, .events = POLLIN}};
    long wait = -1;
    if (!reaped && timeout_ms > 0 && !timed_out) wait = start + timeout_ms - now_ms();
    if (reaped) wait = exited_at + GRACE_MS - now_ms();
    if (wait < -1) wait = 0;
    int n = poll(p, nfd >= 0 ? 3 : 2, (int)(wait > 1000000000L ? 1000000000L : wait));
    if (n < 0 && errno != EINTR) die("poll");
    if (n > 0 && (p[1].revents & (POLLIN | POLLHUP))) {
      int e;
      ssize_t r = read(sv[0], &e, sizeof e);
      if (r == (ssize_t)sizeof e) exec_errno = e;
      if (r <= 0 || r == (ssize_t)sizeof e) sock_open = 0;
    }
    if (nfd >= 0 && n > 0 && (p[2].revents & POLLIN)) {
      memset(req, 0, sizeof *req);
      if (seccomp_notify_receive(nfd, req) == 0) answer(nfd, req, resp, pid);
      continue; /* serve every pending notification before looking at the program's state */
    }
    if (!reaped && n > 0 && (p[0].revents & POLLIN)) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        reaped = 1;
        exited_at = now_ms();
        close(pidfd); /* stays readable once the program is gone */
        pidfd = -1;
        if (nfd < 0) break;
      }
    }
    if (nfd >= 0 && reaped && n > 0 && (p[2].revents & POLLHUP)) break; /* every user of the filter is gone */
    if (!reaped && !timed_out && timeout_ms > 0 && now_ms() >= start + timeout_ms) {
      timed_out = 1;
      kill(pid, SIGKILL);
    }
    if (reaped && now_ms() >= exited_at + GRACE_MS) {
      outlived = 1;
      break;
    }
  }

  FILE *f = fopen(result, "w");
  if (f == NULL) die(result);
  for (int k = 0; k < nrules; k++)
    if (rules[k].count > 0) fprintf(f, "count %d %lu\n", rules[k].id, rules[k].count);
  if (clone3_unread > 0) fprintf(f, "clone3-unread %lu\n", clone3_unread);
  if (exec_errno != 0) fprintf(f, "exec-error %d\n", exec_errno);
  if (timed_out) fprintf(f, "timeout\n");
  if (outlived) fprintf(f, "outlived\n");
  int code;
  if (WIFSIGNALED(status)) {
    fprintf(f, "signal %d\n", WTERMSIG(status));
    code = 128 + WTERMSIG(status);
  } else {
    code = WEXITSTATUS(status);
    fprintf(f, "exit %d\n", code);
  }
  if (fclose(f) != 0) die(result);
  return code;
}
