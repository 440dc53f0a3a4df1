/* server.c: the event loop: one thread, one poll() over the listening socket and every
 * connection, so a client that stalls holds only its own connection. */
#define _DEFAULT_SOURCE
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "reply.h"

#define ACCEPTS_PER_WAKE 32

static double monotonic(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void tick(struct server *s) {
  struct timespec ts;
  s->now = monotonic();
  if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
    reply_set_clock(ts.tv_sec);
}

/* Accepts pending connections. Returns false when out of descriptors or memory, so
 * that the caller stops listening for a moment instead of spinning. */
static bool accept_all(struct server *s, struct conn **conns, size_t *n) {
  /* Bounded, so that a stream of new connections cannot starve the open ones. */
  for (int i = 0; i < ACCEPTS_PER_WAKE && *n < s->max_conns; i++) {
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    int one = 1;
    /* Heads and bodies go out in as few sends as possible; Nagle would only delay the
     * last segment of each answer. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct conn *c = fcntl(fd, F_SETFL, O_NONBLOCK) == 0 ? conn_new(fd, s->now) : NULL;
    if (!c) {
      close(fd);
      return false;
    }
    /* The request often arrives with the handshake: answer it now, saving a poll(). */
    if (conn_handle(c, POLLIN, s))
      conns[(*n)++] = c;
  }
  return true;
}

int server_run(struct server *s) {
  struct conn **conns = calloc(s->max_conns, sizeof *conns);
  struct pollfd *pfds = calloc(s->max_conns + 1, sizeof *pfds);
  if (!conns || !pfds) {
    fprintf(stderr, "httpd: out of memory\n");
    return 1;
  }
  size_t n = 0;
  double paused_until = 0;
  for (;;) {
    tick(s);
    bool done = s->max_requests && s->requests >= s->max_requests;
    if (done) {
      size_t kept = 0;
      for (size_t i = 0; i < n; i++) {
        if (conn_idle(conns[i]) && !conns[i]->lingering)
          conn_free(conns[i]);
        else
          conns[kept++] = conns[i];
      }
      n = kept;
      if (n == 0)
        break;
    }

    nfds_t np = 0;
    bool listening = !done && n < s->max_conns && s->now >= paused_until;
    if (listening)
      pfds[np++] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
    for (size_t i = 0; i < n; i++)
      pfds[np++] = (struct pollfd){.fd = conns[i]->fd, .events = conn_events(conns[i])};
    int timeout = n > 0 ? 1000 : -1;
    if (s->now < paused_until)
      timeout = 100;
    if (poll(pfds, np, timeout) < 0) {
      if (errno == EINTR)
        continue;
      perror("httpd: poll");
      return 1;
    }
    tick(s);

    size_t base = listening ? 1 : 0, kept = 0;
    for (size_t i = 0; i < n; i++) {
      short revents = pfds[base + i].revents;
      if ((revents == 0 && s->now < conns[i]->deadline) || conn_handle(conns[i], revents, s))
        conns[kept++] = conns[i];
    }
    n = kept;
    if (listening && (pfds[0].revents & POLLIN) && !accept_all(s, conns, &n))
      paused_until = s->now + 0.1;
  }
  free(conns);
  free(pfds);
  return 0;
}
