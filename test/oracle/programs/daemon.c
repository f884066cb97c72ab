/* Daemonizes, then writes a line to a file and exits. The parent's exit is all the caller sees. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *out = argc > 1 ? argv[1] : "/tmp/unifit-daemon.out";
  if (daemon(0, 0) < 0) return 1;
  int fd = open(out, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  if (fd >= 0) {
    const char msg[] = "daemonized\n";
    write(fd, msg, strlen(msg));
    close(fd);
  }
  return 0;
}
