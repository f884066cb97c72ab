/* Deciding arguments that come from the program's own wrappers and from getaddrinfo's answer, for
 * test/analyze/argument-rules.test.ts. mk() is called with AF_INET and AF_UNIX only: its socket() is both. mk_any()
 * is called with AF_INET and with a number read at run time: unknown. open_listed() walks the list getaddrinfo
 * returned and opens a socket of each node's ai_family, which getaddrinfo sets to AF_INET or AF_INET6 only.
 * open_retagged() hands its node to a function that writes ai_family first, open_held() the address of the local
 * holding the list: unknown both. open_reused() sets SO_REUSEADDR through the address of a local before it binds each
 * node's socket: setsockopt only reads it, so the families are still getaddrinfo's. open_peeked() hands a local's
 * address to getsockopt, which writes through it, and open_lent() to a function of the program's own: unknown both. */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

__attribute__((noinline, noclone)) static int mk(int domain) { return socket(domain, SOCK_STREAM, 0); }

__attribute__((noinline, noclone)) static int mk_any(int domain) { return socket(domain, SOCK_DGRAM, 0); }

__attribute__((noinline, noclone)) static int open_listed(const char *host) {
  struct addrinfo hints;
  struct addrinfo *res;
  int s = -1;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, "80", &hints, &res) != 0) return -1;
  for (struct addrinfo *p = res; p != NULL; p = p->ai_next) {
    s = socket(p->ai_family, p->ai_socktype, p->ai_protocol);
    if (s >= 0) break;
  }
  freeaddrinfo(res);
  return s;
}

__attribute__((noinline, noclone)) static void retag(struct addrinfo *p, int family) { p->ai_family = family; }

__attribute__((noinline, noclone)) static int open_retagged(const char *host, int family) {
  struct addrinfo *res;
  if (getaddrinfo(host, NULL, NULL, &res) != 0) return -1;
  retag(res, family);
  int s = socket(res->ai_family, SOCK_DGRAM, 0);
  freeaddrinfo(res);
  return s;
}

struct holder {
  struct addrinfo *head;
};

__attribute__((noinline, noclone)) static void retag_held(struct holder *h, int family) { h->head->ai_family = family; }

__attribute__((noinline, noclone)) static int open_held(const char *host, int family) {
  struct holder h;
  if (getaddrinfo(host, NULL, NULL, &h.head) != 0) return -1;
  struct addrinfo *p = h.head;
  retag_held(&h, family);
  int s = socket(p->ai_family, SOCK_DGRAM, 0);
  freeaddrinfo(p);
  return s;
}

__attribute__((noinline, noclone)) static int open_reused(const char *host) {
  struct addrinfo *res;
  int on = 1;
  int s = -1;
  if (getaddrinfo(host, NULL, NULL, &res) != 0) return -1;
  for (struct addrinfo *p = res; p != NULL; p = p->ai_next) {
    s = socket(p->ai_family, SOCK_STREAM, 0);
    if (s < 0) continue;
    if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 && bind(s, p->ai_addr, p->ai_addrlen) == 0) break;
    close(s);
    s = -1;
  }
  freeaddrinfo(res);
  return s;
}

__attribute__((noinline, noclone)) static int open_peeked(const char *host) {
  struct addrinfo *res;
  int type = 0;
  socklen_t len = sizeof type;
  int s = -1;
  if (getaddrinfo(host, NULL, NULL, &res) != 0) return -1;
  for (struct addrinfo *p = res; p != NULL; p = p->ai_next) {
    s = socket(p->ai_family, SOCK_STREAM, 0);
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &len) == 0) break;
  }
  freeaddrinfo(res);
  return s;
}

static int lent;
__attribute__((noinline, noclone)) static void lend(const int *on) { lent += *on; }

__attribute__((noinline, noclone)) static int open_lent(const char *host) {
  struct addrinfo *res;
  int on = 1;
  int s = -1;
  if (getaddrinfo(host, NULL, NULL, &res) != 0) return -1;
  for (struct addrinfo *p = res; p != NULL; p = p->ai_next) {
    s = socket(p->ai_family, SOCK_STREAM, 0);
    lend(&on);
    if (s >= 0) break;
  }
  freeaddrinfo(res);
  return s;
}

int main(int argc, char **argv) {
  int a = mk(AF_INET);
  int b = mk(AF_UNIX);
  int c = mk_any(AF_INET);
  int d = argc > 1 ? mk_any(atoi(argv[1])) : -1;
  int e = open_listed("localhost");
  int f = open_retagged("localhost", argc > 2 ? AF_NETLINK : AF_INET);
  int g = open_held("localhost", argc > 3 ? AF_PACKET : AF_INET);
  int h = open_reused("localhost");
  int i = open_peeked("localhost");
  int j = open_lent("localhost");
  printf("%d %d %d %d %d %d %d %d %d %d %d\n", a >= 0, b >= 0, c >= 0, d >= 0, e >= 0, f >= 0, g >= 0, h >= 0, i >= 0, j >= 0, lent);
  return 0;
}
