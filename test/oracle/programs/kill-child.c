// Starts a child process with fork() and stops it with kill(): signals to another process.
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); return 1; }
  if (pid == 0) { pause(); _exit(0); }
  if (kill(pid, SIGTERM) != 0) { perror("kill"); return 1; }
  int st = 0;
  if (waitpid(pid, &st, 0) != pid || !WIFSIGNALED(st)) { puts("child not stopped"); return 1; }
  puts("ok");
  return 0;
}
