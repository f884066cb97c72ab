/* rm -rf of a tree with files and a subdirectory, then of a path that is not there. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  mkdir("cache", 0777);
  mkdir("cache/sub", 0777);
  fclose(fopen("cache/a", "w"));
  fclose(fopen("cache/sub/b", "w"));
  fclose(fopen("keep", "w"));
  system("rm -rf cache");
  system("rm -rf missing");
  printf("cache %s\n", access("cache", F_OK) == 0 ? "still there" : "removed");
  return access("keep", F_OK);
}
