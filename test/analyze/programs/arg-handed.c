/* A deciding argument in a local whose address is handed to a function of the program, for
 * test/analyze/argument-rules.test.ts. Built at -O2, gcc passes the address of the struct at the bottom of the frame
 * as `mov rdi, rsp` (a copy of the stack pointer, not a lea), stores AF_UNIX in it, and reads the family back after
 * the call; fill() (kept out of main by noipa) has changed it to AF_INET. The socket's family is whatever fill() left:
 * never the AF_UNIX stored before the call. */
#include <sys/socket.h>
#include <unistd.h>

struct request {
  int family;
  int pad[15];
};

__attribute__((noipa)) void fill(struct request *r) {
  r->family = AF_INET;
}

int main(void) {
  struct request r;
  r.family = AF_UNIX;
  fill(&r);
  int s = socket(r.family, SOCK_STREAM, 0);
  if (s >= 0) close(s);
  return 0;
}
