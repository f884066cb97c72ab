/* wait4 with no child (Linux: -1 ECHILD) and chown of a missing file (Linux: -1 ENOENT): prints both results. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  int st = 0;
  long w = (long)wait4(-1, &st, WNOHANG, NULL);
  int c = chown("/nonexistent/unifit-try", 0, 0);
  printf("wait4=%ld chown=%d\n", w, c);
  return 0;
}
