/* conn.h: one client connection's state machine: read requests, answer them in order,
 * stream large bodies, then keep the connection, close it or linger before closing. */
#ifndef HTTPD_CONN_H
#define HTTPD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/send_queue.h"
#include "body.h"
#include "server.h"

struct conn {
  int fd;
  char *in; /* received bytes not yet consumed: in[in_off..in_len) */
  size_t in_off, in_len, in_cap;
  size_t scan;           /* how far in[in_off..] was searched for the end of a head */
  uint64_t skip;         /* request body bytes still to discard */
  struct send_queue out; /* response bytes that send() did not take yet */
  struct body body;      /* the rest of the current response body */
  bool close_after;      /* close once everything queued is sent */
  bool linger;           /* ...but the client may still be sending: linger before closing */
  bool peer_eof;         /* the client will send nothing more */
  bool lingering;        /* write side shut: discarding input until the client closes */
  double deadline;       /* drop the connection if nothing happens until then */
};

/* Takes ownership of an accepted, non-blocking socket. NULL when out of memory. */
struct conn *conn_new(int fd, double now);

/* The poll() events the connection waits for. */
short conn_events(const struct conn *c);

/* Acts on poll() results (revents may be 0 for a timeout check). Returns false once the
 * connection is closed and freed. */
bool conn_handle(struct conn *c, short revents, struct server *s);

/* True when nothing is queued or streaming (safe to close at shutdown). */
bool conn_idle(const struct conn *c);

void conn_free(struct conn *c);

#endif
