/* kill(own pid, 0) and kill(1, 0), tgkill(own pid, own tid, 0): prints each result and errno. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
  errno = 0;
  int self = kill(getpid(), 0);
  int e1 = errno;
  errno = 0;
  int other = kill(1, 0);
  int e2 = errno;
  errno = 0;
  int thread = tgkill(getpid(), gettid(), 0);
  int e3 = errno;
  printf("self=%d/%d other=%d/%d tgkill-self=%d/%d\n", self, e1, other, e2, thread, e3);
  return self == 0 && thread == 0 ? 0 : 1;
}
