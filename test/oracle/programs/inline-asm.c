/* Issues system calls with inline assembly, bypassing libc entirely for them. */
#include <stdio.h>

static long raw0(long nr) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
  return ret;
}

static long raw3(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}

int main(void) {
  static const char msg[] = "hello from inline asm\n";
  raw3(1 /* write */, 1, (long)msg, sizeof msg - 1);
  long uid = raw0(102 /* getuid */);
  printf("uid %ld\n", uid);
  return 0;
}
