/* cp of a file (twice: the second overwrites), then mv and chmod of the copy, and ln -s to it. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(void) {
  FILE *f = fopen("config", "w");
  if (f == NULL) return 1;
  for (int i = 0; i < 5000; i++) fprintf(f, "line %d\n", i);
  fclose(f);
  system("cp config config.bak");
  system("cp config config.bak");
  system("mv config.bak config.old");
  system("chmod 600 config.old");
  system("ln -s config.old current");
  struct stat st;
  if (stat("config.old", &st) != 0) return 2;
  printf("config.old: mode %o, %ld bytes\n", (unsigned)(st.st_mode & 0777), (long)st.st_size);
  return 0;
}
