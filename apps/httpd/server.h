/* server.h: the state shared by the event loop and the connections. */
#ifndef HTTPD_SERVER_H
#define HTTPD_SERVER_H

#include <stdbool.h>
#include <stdint.h>

struct server {
  int listen_fd;
  const char *root;       /* -r: document root, or NULL */
  uint64_t max_requests;  /* -n: exit after this many requests, 0 for never */
  uint64_t requests;      /* requests answered so far (errors included) */
  unsigned max_conns;     /* -c: open connections at most */
  double now;             /* monotonic seconds, read once per loop turn */
  bool reset_per_request; /* unikvm resets the VM after each closed connection */
};

/* Serves until -n is reached (returns 0) or a fatal error (returns 1). */
int server_run(struct server *s);

#endif
