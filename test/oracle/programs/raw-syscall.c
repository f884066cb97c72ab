/* Makes system calls through syscall(SYS_...) instead of the libc wrappers. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  long tid = syscall(SYS_gettid);
  long pid = syscall(SYS_getpid);
  char buf[64];
  long n = syscall(SYS_getcwd, buf, sizeof buf);
  syscall(SYS_sched_yield);
  printf("tid %ld pid %ld cwd bytes %ld\n", tid, pid, n);
  return 0;
}
