/* Shells out with system(). */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  int rc = system("exit 3");
  printf("system returned %d\n", rc);
  return 0;
}
