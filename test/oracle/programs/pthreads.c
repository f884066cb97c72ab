/* Threads only: no process is created. */
#include <pthread.h>
#include <stdio.h>

static long total;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *arg) {
  long n = (long)arg;
  for (long i = 0; i < 100000; i++) {
    pthread_mutex_lock(&lock);
    total += n;
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

int main(void) {
  pthread_t t[4];
  for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, work, (void *)(i + 1));
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  printf("total %ld\n", total);
  return 0;
}
