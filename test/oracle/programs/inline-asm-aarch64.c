/* Issues system calls with inline assembly on aarch64 (svc #0, number in x8), bypassing libc entirely for them. */
#include <stdio.h>

static long raw0(long nr) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0");
  __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
  return x0;
}

static long raw3(long nr, long a, long b, long c) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}

int main(void) {
  static const char msg[] = "hello from inline asm\n";
  raw3(64 /* write */, 1, (long)msg, sizeof msg - 1);
  long uid = raw0(174 /* getuid */);
  printf("uid %ld\n", uid);
  return 0;
}
