/* A prefork pool: a listening socket shared by worker processes forked in a loop; the parent reaps them. */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 3

int main(void) {
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 8) < 0) return 1;
  pid_t pids[WORKERS];
  for (int i = 0; i < WORKERS; i++) {
    pids[i] = fork();
    if (pids[i] == 0) {
      /* a real worker would accept() here; this one leaves at once so the test ends */
      close(lfd);
      _exit(0);
    }
  }
  for (int i = 0; i < WORKERS; i++) {
    kill(pids[i], SIGTERM);
    waitpid(pids[i], NULL, 0);
  }
  close(lfd);
  printf("pool of %d done\n", WORKERS);
  return 0;
}
