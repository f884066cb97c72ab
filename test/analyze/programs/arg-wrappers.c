/* The deciding argument passed through the program's own functions, for test/analyze/argument-rules.test.ts: a
 * wrapper that hands its parameter to socket() (each caller's domain is a value of the site), a gnulib-style
 * rpl_fcntl that switches on its command before passing it on, and an mmap whose flags get MAP_ANONYMOUS or-ed in
 * on the way. Nothing here is a constant at the libc call itself. get_option is also called through a pointer with a
 * value known only at run time: its prctl option is unknown as well as PR_GET_DUMPABLE. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

__attribute__((noinline)) static int my_socket(int domain) {
  int s = socket(domain, SOCK_DGRAM, 0);
  if (s < 0) perror("socket");
  return s;
}

__attribute__((noinline)) static int my_fcntl(int fd, int action, ...) {
  va_list ap;
  va_start(ap, action);
  int r;
  switch (action) {
    case F_GETFD:
    case F_GETFL:
      r = fcntl(fd, action);
      break;
    default:
      r = fcntl(fd, action, va_arg(ap, int));
  }
  va_end(ap);
  return r;
}

__attribute__((noinline)) static void *my_map(size_t n, int flags) {
  return mmap(NULL, n, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
}

__attribute__((noinline)) static int get_option(int option) { return prctl(option, 0, 0, 0, 0); }
int (*volatile option_getter)(int) = get_option;

int main(int argc, char **argv) {
  (void)argv;
  int e = get_option(PR_GET_DUMPABLE) + option_getter(argc > 5 ? PR_GET_DUMPABLE : PR_GET_KEEPCAPS);
  int a = my_socket(AF_INET);
  int b = argc > 5 ? my_socket(AF_NETLINK) : -1;
  int c = my_fcntl(0, F_GETFL);
  int d = my_fcntl(0, F_DUPFD_CLOEXEC, 10);
  void *p = my_map(4096, MAP_SHARED);
  printf("%d %d %d %d %d %d\n", a >= 0, b >= 0, c >= 0, d >= 0, p != MAP_FAILED, e);
  return 0;
}
