/* fork: the child exits 0, the parent waits and checks; exits 3 when fork fails. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  pid_t p = fork();
  if (p < 0) {
    perror("fork");
    return 3;
  }
  if (p == 0) _exit(0);
  int st;
  if (waitpid(p, &st, 0) != p) return 4;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 5;
}
