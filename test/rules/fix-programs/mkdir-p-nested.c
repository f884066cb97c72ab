/* mkdir -p of a nested path, twice (the second finds it there), then a file inside. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  system("mkdir -p spool/incoming/today");
  system("mkdir -p spool/incoming/today");
  FILE *f = fopen("spool/incoming/today/job", "w");
  if (f == NULL) {
    perror("job");
    return 1;
  }
  fputs("job\n", f);
  fclose(f);
  puts("queued");
  return 0;
}
