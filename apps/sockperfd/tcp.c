/* tcp.c: a TCP client's byte stream, cut into messages by their length fields. Replies to
 * everything one read completed go out in one send. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msg.h"
#include "serve.h"

#define IN_INITIAL 4096
#define IN_MAX     (2 * MSG_MAX)

static unsigned char replies[2 * MSG_MAX];

struct tcp_conn *tcp_conn_new(int fd) {
  struct tcp_conn *c = calloc(1, sizeof *c);
  if (c && !(c->in = malloc(IN_INITIAL))) {
    free(c);
    c = NULL;
  }
  if (!c)
    return NULL;
  c->fd = fd;
  c->in_cap = IN_INITIAL;
  return c;
}

static void tcp_conn_free(struct tcp_conn *c) {
  close(c->fd);
  free(c->in);
  send_queue_free(&c->out);
  free(c);
}

short tcp_conn_events(const struct tcp_conn *c) {
  return send_queue_empty(&c->out) ? POLLIN : POLLOUT;
}

/* Sends buf, queueing what the socket does not take. False on a connection error. */
static bool send_replies(struct tcp_conn *c, const unsigned char *buf, size_t len) {
  return send_or_queue(c->fd, &c->out, buf, len);
}

/* Answers the complete messages in the input. False when the stream is not sockperf's. */
static bool process(struct tcp_conn *c) {
  size_t off = 0, rlen = 0;
  while (c->in_len - off >= MSG_HEADER) {
    uint32_t len = msg_length(c->in + off);
    if (len < MSG_HEADER || len > MSG_MAX)
      return false; /* cannot be framed: sockperf's own server drops such a client too */
    if (c->in_len - off < len)
      break;
    if (rlen + len > sizeof replies) {
      if (!send_replies(c, replies, rlen))
        return false;
      rlen = 0;
      if (!send_queue_empty(&c->out))
        break; /* the socket is full; the rest waits in the input */
    }
    if (msg_make_reply(c->in + off, len)) {
      memcpy(replies + rlen, c->in + off, len);
      rlen += len;
    }
    off += len;
  }
  memmove(c->in, c->in + off, c->in_len - off);
  c->in_len -= off;
  return rlen == 0 || send_replies(c, replies, rlen);
}

static bool read_input(struct tcp_conn *c) {
  if (c->in_len == c->in_cap) {
    size_t cap = c->in_cap * 2 > IN_MAX ? IN_MAX : c->in_cap * 2;
    unsigned char *bigger = cap > c->in_cap ? realloc(c->in, cap) : NULL;
    if (!bigger)
      return false;
    c->in = bigger;
    c->in_cap = cap;
  }
  ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
  if (n > 0) {
    c->in_len += (size_t)n;
    return process(c);
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return true;
  return false; /* end of stream or error */
}

bool tcp_conn_handle(struct tcp_conn *c, short revents) {
  bool open = true;
  if (!send_queue_empty(&c->out)) {
    open = send_queue_flush(c->fd, &c->out);
    if (open && send_queue_empty(&c->out))
      open = process(c); /* messages that waited for the socket to drain */
  } else if (revents & (POLLIN | POLLHUP | POLLERR)) {
    open = read_input(c);
  }
  if (revents & POLLNVAL)
    open = false;
  if (!open)
    tcp_conn_free(c);
  return open;
}
