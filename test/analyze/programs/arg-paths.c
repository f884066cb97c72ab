// The deciding argument set on the branches of main and kept across calls (in a callee-saved register or a stack
// slot): socket's domain is AF_PACKET or AF_NETLINK, mmap's flags MAP_SHARED or MAP_PRIVATE, decided by paths the
// straight-line run before the call does not see. `unifit scan` must give each call both values.
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int domain;
  int flags;
  if (argc > 2) {
    domain = AF_PACKET;
    flags = MAP_SHARED | MAP_ANONYMOUS;
    puts(argv[2]);
  } else {
    domain = AF_NETLINK;
    flags = MAP_PRIVATE | MAP_ANONYMOUS;
    fprintf(stderr, "%d arguments\n", argc);
  }
  int s = socket(domain, SOCK_RAW, 0);
  printf("socket: %d\n", s);
  void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, flags, -1, 0);
  printf("mmap: %s\n", p == MAP_FAILED ? "failed" : "ok");
  if (s >= 0) close(s);
  return 0;
}
