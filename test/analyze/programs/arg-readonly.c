/* A deciding argument kept in a stack slot across a library call handed the address of another local, for
 * test/analyze/argument-rules.test.ts. Built at -O0, each local lives in a slot. kept() hands &on to setsockopt, which
 * only reads it (src/analyze/read-only-calls.ts): the slot holding the domain still holds AF_NETLINK or AF_PACKET at
 * socket(). filled() hands &on and &len to getsockopt, which writes at most len bytes at &on and len itself: with len
 * a known 4, the domain's slot is kept too. lost() passes a length the analysis cannot know (the caller's): getsockopt
 * may then write past `on`, over any slot: unknown. bumped() adds to the domain's slot in place (x86-64 `addl $1,
 * -4(%rbp)`): never the value stored before the addition. */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

__attribute__((noinline, noclone)) static int kept(int fd, int raw) {
  int domain = raw ? AF_PACKET : AF_NETLINK;
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  return socket(domain, SOCK_RAW, 0);
}

__attribute__((noinline, noclone)) static int filled(int fd, int raw) {
  int domain = raw ? AF_PACKET : AF_NETLINK;
  int on = 1;
  socklen_t len = sizeof on;
  getsockopt(fd, SOL_SOCKET, SO_TYPE, &on, &len);
  return socket(domain, SOCK_RAW, 0);
}

__attribute__((noinline, noclone)) static int lost(int fd, int raw, socklen_t room) {
  int domain = raw ? AF_PACKET : AF_NETLINK;
  int on = 1;
  socklen_t len = room;
  getsockopt(fd, SOL_SOCKET, SO_TYPE, &on, &len);
  return socket(domain, SOCK_RAW, 0);
}

__attribute__((noinline, noclone)) static int bumped(void) {
  int domain = AF_UNIX;
  domain++; /* AF_INET */
  return socket(domain, SOCK_STREAM, 0);
}

int main(int argc, char **argv) {
  (void)argv;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int a = kept(fd, argc > 1);
  int b = filled(fd, argc > 2);
  int c = lost(fd, argc > 3, (socklen_t)(sizeof(int) * (unsigned)argc));
  int d = bumped();
  printf("%d %d %d %d\n", a >= 0, b >= 0, c >= 0, d >= 0);
  return 0;
}
