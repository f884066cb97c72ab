/* Plain file I/O: create, write, read back, stat, rename, remove. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "/tmp";
  char path[512], moved[512];
  snprintf(path, sizeof path, "%s/unifit-file-io.txt", dir);
  snprintf(moved, sizeof moved, "%s/unifit-file-io.moved", dir);
  int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  if (fd < 0) return 1;
  const char msg[] = "hello, unikernel\n";
  write(fd, msg, strlen(msg));
  fsync(fd);
  close(fd);
  FILE *f = fopen(path, "r");
  if (f == NULL) return 1;
  char buf[64] = {0};
  fgets(buf, sizeof buf, f);
  fclose(f);
  struct stat st;
  stat(path, &st);
  rename(path, moved);
  unlink(moved);
  printf("read %zu bytes: %s", (size_t)st.st_size, buf);
  return 0;
}
