/* A counter in SysV shared memory, incremented by a child process and read by the parent. */
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int id = shmget(IPC_PRIVATE, sizeof(long), IPC_CREAT | 0600);
  if (id < 0) return 1;
  long *counter = shmat(id, NULL, 0);
  if (counter == (void *)-1) return 1;
  *counter = 0;
  pid_t pid = fork();
  if (pid == 0) {
    *counter += 41;
    shmdt(counter);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  *counter += 1;
  printf("counter %ld\n", *counter);
  shmdt(counter);
  shmctl(id, IPC_RMID, NULL);
  return 0;
}
