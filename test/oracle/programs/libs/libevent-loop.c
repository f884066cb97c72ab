/* An event loop on Debian's libevent with the epoll back-end: a socketpair read event and a timer. The timer writes
 * a byte into the socketpair, the read event takes it and ends the loop. Exits 0 when the loop ran as expected. */
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fds[2];
static int got;

static void on_read(evutil_socket_t fd, short what, void *arg) {
  char c;
  (void)what;
  if (read(fd, &c, 1) == 1 && c == 'x') got = 1;
  event_base_loopbreak((struct event_base *)arg);
}

static void on_timer(evutil_socket_t fd, short what, void *arg) {
  (void)fd;
  (void)what;
  (void)arg;
  if (write(fds[1], "x", 1) != 1) perror("write");
}

int main(void) {
  struct event_config *cfg = event_config_new();
  /* Only epoll: the back-end the test is about (no poll/select fallback). */
  event_config_avoid_method(cfg, "poll");
  event_config_avoid_method(cfg, "select");
  struct event_base *base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  if (base == NULL || strcmp(event_base_get_method(base), "epoll") != 0) {
    fprintf(stderr, "no epoll back-end\n");
    return 1;
  }
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return 1;
  struct event *rd = event_new(base, fds[0], EV_READ | EV_PERSIST, on_read, base);
  struct event *tm = evtimer_new(base, on_timer, NULL);
  struct timeval tv = {0, 10000};
  event_add(rd, NULL);
  evtimer_add(tm, &tv);
  event_base_dispatch(base);
  event_free(rd);
  event_free(tm);
  event_base_free(base);
  close(fds[0]);
  close(fds[1]);
  return got ? 0 : 1;
}
