/* streams.c: the data connections. One thread polls the control connection, the listening
 * socket (to turn other clients away) and every stream, so a sending server still hears the
 * client's TEST_END and a receiving one never blocks on a quiet stream. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io.h"
#include "test.h"

#define ACCEPT_TIMEOUT 15.0 /* seconds for the client to open all its streams */
#define SLACK          10.0 /* seconds past the announced duration before giving up */
#define OPS_PER_WAKE   4    /* sends or receives per stream per poll(), for fairness */

static char rbuf[256 * 1024];

void deny(int fd) {
  signed char denied = ACCESS_DENIED;
  (void)!send(fd, &denied, 1, 0);
  close(fd);
}

static void tune(int fd, const struct params *p) {
  int one = 1;
  if (p->nodelay)
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (p->window > 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &p->window, sizeof p->window);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &p->window, sizeof p->window);
  }
}

/* iperf3 numbers streams 1, 3, 4, 5, ... in the order they connect, on both sides. */
static int stream_id(int index) {
  return index == 0 ? 1 : index + 2;
}

static int add_stream(struct test *t, int fd) {
  char cookie[COOKIE_SIZE];
  if (fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || io_read_full(fd, cookie, COOKIE_SIZE, 5000) != 0) {
    close(fd);
    return 0;
  }
  if (memcmp(cookie, t->cookie, COOKIE_SIZE) != 0) {
    deny(fd); /* another client, not one of this test's streams */
    return 0;
  }
  int receivers = t->p.reverse ? 0 : t->p.parallel;
  struct stream *s = &t->streams[t->nstreams];
  *s = (struct stream){.fd = fd, .id = stream_id(t->nstreams), .sender = t->nstreams >= receivers};
  tune(fd, &t->p);
  t->nstreams++;
  return 1;
}

int streams_accept(struct test *t, int listen_fd) {
  int want = t->p.bidir ? 2 * t->p.parallel : t->p.parallel;
  double deadline = io_now() + ACCEPT_TIMEOUT;
  while (t->nstreams < want) {
    double left = deadline - io_now();
    if (left <= 0)
      return -1;
    struct pollfd p[2] = {{.fd = listen_fd, .events = POLLIN}, {.fd = t->ctrl, .events = POLLIN}};
    if (poll(p, 2, (int)(left * 1000) + 1) < 0 && errno != EINTR)
      return -1;
    if (p[1].revents)
      return -1; /* the client gave up (or broke the protocol) before its streams were up */
    if (p[0].revents & POLLIN) {
      int fd = accept(listen_fd, NULL, NULL);
      if (fd >= 0)
        add_stream(t, fd);
    }
  }
  return 0;
}

static bool send_limit_reached(const struct test *t) {
  uint64_t sent = 0;
  for (int i = 0; i < t->nstreams; i++)
    if (t->streams[i].sender)
      sent += t->streams[i].bytes;
  if (t->p.bytes && sent >= t->p.bytes)
    return true;
  return t->p.blocks && sent >= t->p.blocks * t->p.blksize;
}

static void receive(struct stream *s) {
  for (int op = 0; op < OPS_PER_WAKE; op++) {
    ssize_t n = recv(s->fd, rbuf, sizeof rbuf, 0);
    if (n > 0) {
      if (s->bytes == 0)
        s->first = io_now();
      s->bytes += (uint64_t)n;
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
      s->ended = true;
    return;
  }
}

static void transmit(struct stream *s, const struct test *t) {
  for (int op = 0; op < OPS_PER_WAKE; op++) {
    ssize_t n = send(s->fd, t->block, t->p.blksize, 0);
    if (n > 0) {
      if (s->bytes == 0)
        s->first = io_now();
      s->bytes += (uint64_t)n;
      if ((size_t)n < t->p.blksize)
        return;
      continue;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      s->ended = true;
    return;
  }
}

/* After the omitted seconds, counting starts over. */
static void end_omit(struct test *t, double now) {
  for (int i = 0; i < t->nstreams; i++) {
    t->streams[i].bytes = 0;
    t->streams[i].first = 0;
  }
  t->start = now;
}

int streams_run(struct test *t, int listen_fd) {
  struct pollfd p[2 + 2 * MAX_STREAMS];
  int index[2 * MAX_STREAMS];
  double omit_end = t->start + t->p.omit;
  bool omitting = t->p.omit > 0;
  double deadline = t->start + (t->p.duration ? t->p.duration + t->p.omit : 3600) + SLACK;
  for (;;) {
    double now = io_now();
    if (now >= deadline)
      return -1;
    if (omitting && now >= omit_end) {
      end_omit(t, now);
      omitting = false;
    }
    bool sending = !send_limit_reached(t);
    nfds_t np = 2;
    p[0] = (struct pollfd){.fd = t->ctrl, .events = POLLIN};
    p[1] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
    for (int i = 0; i < t->nstreams; i++) {
      struct stream *s = &t->streams[i];
      if (s->ended || (s->sender && !sending))
        continue;
      index[np - 2] = i;
      p[np++] = (struct pollfd){.fd = s->fd, .events = s->sender ? POLLOUT : POLLIN};
    }
    double wake = omitting && omit_end < deadline ? omit_end : deadline;
    int timeout = (int)((wake - now) * 1000) + 1;
    if (poll(p, np, timeout > 1000 ? 1000 : timeout) < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    for (nfds_t k = 2; k < np; k++) {
      struct stream *s = &t->streams[index[k - 2]];
      if (!p[k].revents)
        continue;
      if (s->sender)
        transmit(s, t);
      else
        receive(s);
    }
    if (p[1].revents & POLLIN) {
      int fd = accept(listen_fd, NULL, NULL);
      if (fd >= 0)
        deny(fd);
    }
    if (p[0].revents) {
      signed char state;
      if (io_read_full(t->ctrl, &state, 1, 1000) != 0)
        return -1;
      if (state == TEST_END)
        return 0;
      return -1; /* CLIENT_TERMINATE or anything unexpected */
    }
  }
}

void streams_close(struct test *t) {
  for (int i = 0; i < t->nstreams; i++) {
    struct stream *s = &t->streams[i];
    if (s->fd < 0)
      continue;
    /* The client stopped before TEST_END; what already arrived still counts. */
    while (!s->sender && !s->ended) {
      ssize_t n = recv(s->fd, rbuf, sizeof rbuf, 0);
      if (n <= 0)
        break;
      s->bytes += (uint64_t)n;
    }
    close(s->fd);
    s->fd = -1;
  }
}
