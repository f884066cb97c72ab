/* Starts a helper with posix_spawn and waits for it. */
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>

extern char **environ;

int main(void) {
  pid_t pid;
  char *argv[] = {"true", NULL};
  if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) != 0) return 1;
  int status = 0;
  waitpid(pid, &status, 0);
  printf("spawned %d, status %d\n", (int)pid, WEXITSTATUS(status));
  return 0;
}
