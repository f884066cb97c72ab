/* Threads only: four pthreads add to a counter; exits 0 when all ran (glibc: clone3 with CLONE_THREAD). */
#include <pthread.h>
#include <stdio.h>
static int sum;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static void *work(void *arg) {
  pthread_mutex_lock(&m);
  sum += (int)(long)arg;
  pthread_mutex_unlock(&m);
  return NULL;
}
int main(void) {
  pthread_t t[4];
  for (long i = 0; i < 4; i++)
    if (pthread_create(&t[i], NULL, work, (void *)(i + 1)) != 0) return 9;
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  printf("sum=%d\n", sum);
  return sum == 10 ? 0 : 7;
}
