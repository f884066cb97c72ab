/* A raw clone(SIGCHLD) through syscall() (built static with musl-gcc): exits 3 when the clone fails. */
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  long p = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (p < 0) {
    perror("clone");
    return 3;
  }
  if (p == 0) _exit(0);
  int st;
  if (waitpid((pid_t)p, &st, 0) != p) return 4;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 5;
}
