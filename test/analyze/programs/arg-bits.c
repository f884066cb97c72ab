// mmap flags known only in part. Built -static, the program carries glibc's malloc, whose large allocation maps
// memory with MAP_PRIVATE|MAP_ANONYMOUS or-ed into mp_.hp_flags, a global that only __malloc_hugepage_config writes
// (0, or MAP_HUGETLB and the page size's shift in bits 26-31): the mapping type is known, the huge-page bits are not.
// Built without -DMALLOC_ONLY, three more calls read flags from the program's own globals: masked_flags is stored
// with the mapping-type bits cleared (known, whatever the rest is), any_flags is stored a value read from argv
// (nothing known), and scanned_flags' address is handed to sscanf (it may write anything there).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MALLOC_ONLY
static int masked_flags, any_flags, scanned_flags;

__attribute__((noinline)) static void configure(int argc, char **argv) {
  masked_flags = atoi(argc > 1 ? argv[1] : "0") & ~(MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS);
  any_flags = atoi(argc > 2 ? argv[2] : "0");
  if (argc > 3 && sscanf(argv[3], "%d", &scanned_flags) != 1) exit(2);
}

__attribute__((noinline)) static void *map_masked(void) {
  return mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | masked_flags, -1, 0);
}
__attribute__((noinline)) static void *map_any(void) {
  return mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | any_flags, -1, 0);
}
__attribute__((noinline)) static void *map_scanned(void) {
  return mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | scanned_flags, -1, 0);
}
#endif

int main(int argc, char **argv) {
  // Above the mmap threshold (128 KiB): malloc maps it.
  char *big = malloc(1 << 20);
  if (big == NULL) return 1;
  memset(big, 1, 1 << 20);
#ifndef MALLOC_ONLY
  configure(argc, argv);
  printf("%p %p %p\n", map_masked(), map_any(), map_scanned());
#endif
  printf("%d\n", big[argc]);
  free(big);
  return 0;
}
