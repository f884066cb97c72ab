/* Daemonizes, then does its work: with the fix it does the same work in the foreground. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void) {
  if (daemon(1, 1) != 0) {
    perror("daemon");
    return 1;
  }
  FILE *f = fopen("served", "w");
  if (f == NULL) return 1;
  fputs("one request\n", f);
  fclose(f);
  return 0;
}
