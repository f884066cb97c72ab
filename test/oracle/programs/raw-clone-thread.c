// Starts a thread with the libc clone() wrapper and CLONE_THREAD (no pthread library): the thread sets a flag and
// exits; the program waits for the flag. On a single-process target this is the supported kind of clone.
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
static volatile int done;
static int worker(void *arg) {
  (void)arg;
  done = 1;
  syscall(SYS_exit, 0);
  return 0;
}
int main(void) {
  size_t size = 64 * 1024;
  char *stack = malloc(size);
  if (stack == NULL) return 1;
  int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
  if (clone(worker, stack + size, flags, NULL) < 0) { perror("clone"); return 1; }
  for (int i = 0; i < 2000 && !done; i++) usleep(1000);
  if (!done) { puts("thread did not run"); return 1; }
  puts("ok");
  return 0;
}
