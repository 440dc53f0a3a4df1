/* send_queue.h: the bytes a non-blocking socket did not take yet, sent again on POLLOUT.
 * Header-only (static inline), like app_util.h: each app is built from its own folder. */
#ifndef APPS_LIB_SEND_QUEUE_H
#define APPS_LIB_SEND_QUEUE_H

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

struct send_queue {
  char *buf; /* buf[off..len) waits for the socket */
  size_t off, len;
};

static inline bool send_queue_empty(const struct send_queue *q) {
  return q->off == q->len;
}

static inline void send_queue_free(struct send_queue *q) {
  free(q->buf);
  *q = (struct send_queue){0};
}

/* Sends [buf, buf + len) until it is gone or the socket is full: the count sent, or -1 on a
 * connection error (EINTR is retried; a full socket is not an error). */
static inline ssize_t send_queue_push(int fd, const char *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = send(fd, buf + done, len - done, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      return -1;
    if (n <= 0)
      break; /* the socket buffer is full: what is left waits for POLLOUT */
    done += (size_t)n;
  }
  return (ssize_t)done;
}

/* Sends buf; what the socket does not take now is copied into the (empty) queue. False on a
 * connection error or out of memory. */
static inline bool send_or_queue(int fd, struct send_queue *q, const void *buf, size_t len) {
  ssize_t done = send_queue_push(fd, buf, len);
  if (done < 0)
    return false;
  if ((size_t)done == len)
    return true;
  size_t left = len - (size_t)done;
  if (!(q->buf = malloc(left)))
    return false;
  memcpy(q->buf, (const char *)buf + done, left);
  q->off = 0;
  q->len = left;
  return true;
}

/* Sends what the queue holds; an emptied queue lets its memory go. False on a connection
 * error (a full socket is not one: send_queue_empty tells whether all went). */
static inline bool send_queue_flush(int fd, struct send_queue *q) {
  ssize_t n = send_queue_push(fd, q->buf + q->off, q->len - q->off);
  if (n < 0)
    return false;
  q->off += (size_t)n;
  if (send_queue_empty(q))
    send_queue_free(q);
  return true;
}

#endif
