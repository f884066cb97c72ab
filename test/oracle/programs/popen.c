/* Reads a helper's output through popen. */
#include <stdio.h>

int main(void) {
  FILE *p = popen("echo hello", "r");
  if (p == NULL) return 1;
  char line[64] = {0};
  fgets(line, sizeof line, p);
  int rc = pclose(p);
  printf("got %s (rc %d)\n", line, rc);
  return 0;
}
