/* Runs a helper program the classic way: fork, exec in the child, waitpid in the parent. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    execl("/bin/true", "true", (char *)NULL);
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return 1;
  printf("child exited with %d\n", WEXITSTATUS(status));
  return 0;
}
