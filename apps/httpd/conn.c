/* conn.c: one connection: read, answer requests in order (pipelined answers go out in one
 * send), stream bodies from the shared pattern or a file, and close or linger at the end.
 * Responses are assembled in one shared scratch buffer and sent at once; only what the
 * socket does not take is copied into the connection, so an idle connection holds just its
 * input buffer. */
#define _DEFAULT_SOURCE
#include "conn.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unikvm_snapshot.h>
#include <unistd.h>

#include "parse.h"
#include "reply.h"
#include "route.h"

#define IN_INITIAL      4096
#define IN_MAX          32768 /* > HTTP_MAX_HEAD: a head that does not fit is a 414 or 431 */
#define SCRATCH_SIZE    (64 * 1024)
#define IDLE_TIMEOUT    60.0 /* seconds without progress before a connection is dropped */
#define LINGER_TIMEOUT  2.0
#define BODY_SENDS_TURN 8 /* body sends per wake-up, so one download cannot starve others */

static char scratch[SCRATCH_SIZE];

struct conn *conn_new(int fd, double now) {
  struct conn *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->in = malloc(IN_INITIAL);
  if (!c->in) {
    free(c);
    return NULL;
  }
  c->fd = fd;
  c->in_cap = IN_INITIAL;
  c->body.fd = -1;
  c->deadline = now + IDLE_TIMEOUT;
  return c;
}

void conn_free(struct conn *c) {
  body_end(&c->body);
  close(c->fd);
  free(c->in);
  send_queue_free(&c->out);
  free(c);
}

bool conn_idle(const struct conn *c) {
  return send_queue_empty(&c->out) && c->body.kind == BODY_NONE;
}

short conn_events(const struct conn *c) {
  return c->lingering || conn_idle(c) ? POLLIN : POLLOUT;
}

/* Reads what the socket has. False on a connection error. */
static bool read_input(struct conn *c) {
  for (;;) {
    if (c->in_off == c->in_len)
      c->in_off = c->in_len = c->scan = 0;
    if (c->in_len == c->in_cap) {
      if (c->in_off > 0) {
        memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
        c->in_len -= c->in_off;
        c->in_off = 0;
      } else if (c->in_cap < IN_MAX) {
        char *bigger = realloc(c->in, c->in_cap * 2);
        if (!bigger)
          return false;
        c->in = bigger;
        c->in_cap *= 2;
      } else {
        return true; /* full: the parser answers 414 or 431, or consumes a head */
      }
    }
    size_t room = c->in_cap - c->in_len;
    ssize_t n = recv(c->fd, c->in + c->in_len, room, 0);
    if (n > 0) {
      c->in_len += (size_t)n;
      if ((size_t)n < room)
        return true;
    } else if (n == 0) {
      c->peer_eof = true;
      return true;
    } else if (errno != EINTR) {
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
  }
}

/* Sends buf; what the socket does not take is queued in c->out. False on error. */
static bool send_buffer(struct conn *c, const char *buf, size_t len) {
  return send_or_queue(c->fd, &c->out, buf, len);
}

static void consume(struct conn *c, size_t n) {
  c->in_off += n;
  c->scan = 0;
}

/* Answers the next complete request in the input into buf. Returns the bytes written, or
 * 0 when there is nothing to answer yet. */
static size_t next_response(struct conn *c, struct server *s, char *buf, size_t cap) {
  if (c->skip > 0) {
    size_t avail = c->in_len - c->in_off;
    size_t k = c->skip < avail ? (size_t)c->skip : avail;
    consume(c, k);
    c->skip -= k;
    if (c->skip > 0)
      return 0;
  }
  while (c->in_off < c->in_len && (c->in[c->in_off] == '\r' || c->in[c->in_off] == '\n'))
    consume(c, 1); /* empty lines before a request line are allowed */
  if (c->in_off == c->in_len || (s->max_requests && s->requests >= s->max_requests))
    return 0;

  const char *p = c->in + c->in_off;
  size_t avail = c->in_len - c->in_off;
  size_t head = http_head_end(p, avail, &c->scan);
  struct http_request req;
  int status;
  if (head == 0) {
    status = http_check_partial(p, avail);
    if (status == 0 && !c->peer_eof)
      return 0;
    if (status == 0)
      status = 400; /* the client ended in the middle of a head */
  } else {
    status = http_parse(p, head, &req);
  }

  size_t n;
  if (status != 0) {
    n = reply_error(buf, cap, status, false, false);
    c->close_after = c->linger = true;
    consume(c, avail); /* nothing after a bad head can be framed */
  } else {
    if (req.chunked) { /* request bodies are not decoded, so they cannot be skipped */
      req.keep_alive = false;
      c->linger = true;
    }
    n = route_request(&req, s->root, buf, cap, &c->body, &status);
    consume(c, head);
    c->skip = req.content_len;
    if (!req.keep_alive || status == 400 || status == 500)
      c->close_after = true;
  }
  s->requests++;
  return n;
}

/* Everything is sent and the connection must end. */
static bool finish(struct conn *c, struct server *s) {
  /* Under --reset-per-request the VM is reset once the connection is closed: linger until
   * the client has read everything and closed, or the reset could cut the answer short. */
  if (c->peer_eof || (!c->linger && !s->reset_per_request && c->in_off == c->in_len))
    return false;
  /* Input the server did not read (a rejected request's rest, pipelined requests after a
   * close): closing now would reset the connection, which can destroy the answer before
   * the client reads it. Shut the write side and discard input for a while instead. */
  shutdown(c->fd, SHUT_WR);
  c->lingering = true;
  c->deadline = s->now + LINGER_TIMEOUT;
  return true;
}

/* Lingering: reads and drops input. False once the client closed or failed. */
static bool discard_input(struct conn *c) {
  for (int i = 0; i < 16; i++) { /* bounded: a client that keeps sending cannot hog us */
    ssize_t n = recv(c->fd, scratch, sizeof scratch, 0);
    if (n == 0 || (n < 0 && errno != EINTR))
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
  return true;
}

/* Sends as much as the socket takes. False once the connection is to be closed. */
static bool conn_run(struct conn *c, struct server *s) {
  int body_sends = 0;
  for (;;) {
    if (!send_queue_empty(&c->out)) {
      if (!send_queue_flush(c->fd, &c->out))
        return false;
      if (!send_queue_empty(&c->out))
        return true;
      continue;
    }
    if (c->body.kind != BODY_NONE) {
      if (++body_sends > BODY_SENDS_TURN)
        return true; /* still writable: poll() reports it at once, after the others */
      if (c->body.kind == BODY_PATTERN) {
        size_t want = c->body.left < PATTERN_RUN ? (size_t)c->body.left : PATTERN_RUN;
        ssize_t n = send(c->fd, pattern_at(c->body.pos), want, 0);
        if (n < 0 && errno == EINTR)
          continue;
        if (n < 0)
          return errno == EAGAIN || errno == EWOULDBLOCK;
        c->body.pos += (uint64_t)n;
        c->body.left -= (uint64_t)n;
        if (c->body.left == 0)
          body_end(&c->body);
        else if ((size_t)n < want)
          return true;
      } else {
        long k = body_fill(&c->body, scratch, sizeof scratch);
        if (k < 0)
          return false;
        if (c->body.left == 0)
          body_end(&c->body);
        if (!send_buffer(c, scratch, (size_t)k))
          return false;
      }
      continue;
    }
    if (c->close_after)
      return finish(c, s);

    size_t len = 0;
    while (sizeof scratch - len >= REPLY_MIN_ROOM && c->body.kind == BODY_NONE && !c->close_after) {
      size_t n = next_response(c, s, scratch + len, sizeof scratch - len);
      if (n == 0)
        break;
      len += n;
    }
    if (len == 0)
      return !c->peer_eof && !c->close_after;
    if (!send_buffer(c, scratch, len))
      return false;
  }
}

bool conn_handle(struct conn *c, short revents, struct server *s) {
  bool open;
  if (revents == 0) {
    open = s->now < c->deadline; /* called for a deadline check */
  } else if (c->lingering) {
    open = discard_input(c) && s->now < c->deadline;
  } else {
    open = true;
    if (revents & (POLLIN | POLLHUP | POLLERR))
      open = read_input(c);
    if (open) {
      c->deadline = s->now + IDLE_TIMEOUT;
      open = conn_run(c, s);
    }
  }
  if (!open) {
    conn_free(c);
    /* The request is over and its connection closed: under --reset-per-request this does
     * not return, the VM goes back to its snapshot (main.c). */
    if (s->reset_per_request)
      unikvm_request_done();
  }
  return open;
}
