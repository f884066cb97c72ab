// Starts a new process with a raw clone() system call (no CLONE_THREAD): the child exits 7, the parent waits.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) { perror("clone"); return 1; }
  if (pid == 0) _exit(7);
  int st = 0;
  if (waitpid((pid_t)pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7) { puts("bad child"); return 1; }
  puts("ok");
  return 0;
}
