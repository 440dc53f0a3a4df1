/* serve.h: answering sockperf clients over UDP (per datagram) and TCP (a byte stream cut
 * into messages by the header's length field). */
#ifndef SOCKPERFD_SERVE_H
#define SOCKPERFD_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/send_queue.h"

/* Answers the datagrams waiting on a non-blocking UDP socket. */
void udp_serve(int fd);

struct tcp_conn {
  int fd;
  unsigned char *in; /* bytes of messages not complete yet */
  size_t in_len, in_cap;
  struct send_queue out; /* replies the socket did not take yet */
};

/* Takes ownership of an accepted, non-blocking socket; NULL when out of memory. */
struct tcp_conn *tcp_conn_new(int fd);
short tcp_conn_events(const struct tcp_conn *c);
/* Acts on poll() results; returns false once the connection is closed and freed. */
bool tcp_conn_handle(struct tcp_conn *c, short revents);

#endif
