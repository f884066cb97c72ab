// Deciding arguments read from the program's own globals. listen_family is never written: its initial value (in the
// file's .data) is what the socket call reads. map_kind is written only with constants (by the option parser): the
// mmap call reads one of those or its initial value. name_option's address is handed to sscanf, which may write any
// value there: the prctl call's option stays unknown. Built with -DKIND_FROM_ARGV, the parser stores a value it
// computes in map_kind, and the mmap call's flags are not known. With -DKIND_TOGGLED the parser computes map_kind from
// itself, `(map_kind & ~MAP_PRIVATE) | MAP_SHARED`, which only ever gives MAP_PRIVATE or MAP_SHARED: both are known;
// with -DKIND_COUNTED it adds to itself on every option, `map_kind += 16`, and no set of values is closed: unknown.
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

int listen_family = AF_NETLINK;
int map_kind = MAP_PRIVATE;
int name_option = PR_SET_NAME;

__attribute__((noinline)) static void parse(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
#if defined(KIND_FROM_ARGV)
    if (strncmp(argv[i], "--kind=", 7) == 0) map_kind = (int)strlen(argv[i] + 7);
#elif defined(KIND_TOGGLED)
    if (strcmp(argv[i], "--shared") == 0) map_kind = (map_kind & ~MAP_PRIVATE) | MAP_SHARED;
#elif defined(KIND_COUNTED)
    if (strcmp(argv[i], "--more") == 0) map_kind += 16;
#else
    if (strcmp(argv[i], "--shared") == 0) map_kind = MAP_SHARED;
#endif
}

int main(int argc, char **argv) {
  parse(argc, argv);
  if (argc > 2 && sscanf(argv[2], "%d", &name_option) != 1) return 2;
  int s = socket(listen_family, SOCK_DGRAM, 0);
  void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, map_kind | MAP_ANONYMOUS, -1, 0);
  int r = prctl(name_option, (unsigned long)"unifit-test", 0, 0, 0);
  printf("socket %d, mmap %s, prctl %d\n", s, p == MAP_FAILED ? "failed" : "ok", r);
  if (s >= 0) close(s);
  return 0;
}
