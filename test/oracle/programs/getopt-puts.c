// A four-line tool: options with getopt(), output with puts(). Nothing in it needs more than one process.
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int c, verbose = 0;
  while ((c = getopt(argc, argv, "v")) != -1) if (c == 'v') verbose = 1;
  puts(verbose ? "hello, verbosely" : "hello");
  return 0;
}
