/* touch creates a stamp file; rm -f of a missing file is quiet; mkdir of one level. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(void) {
  system("touch stamp");
  system("rm -f not-there");
  system("mkdir logs");
  struct stat st;
  int ok = stat("stamp", &st) == 0;
  printf("stamp %s, %ld bytes\n", ok ? "present" : "missing", ok ? (long)st.st_size : -1L);
  return 0;
}
