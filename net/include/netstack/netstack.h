/* netstack.h: the network stack (lwIP, in net/) as libc-port sees it: non-blocking IPv4 sockets. */
#ifndef NETSTACK_NETSTACK_H
#define NETSTACK_NETSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Neither POSIX's socket headers nor lwIP's are visible here (they define
 * the same names differently): addresses, options and flags cross this
 * line in the neutral forms below, and libc-port translates POSIX's.
 *
 * Sockets are lwIP's socket numbers, not fds. Every call returns at once:
 * what would block fails with -EAGAIN (connect: -EINPROGRESS), and the
 * caller waits for the socket's notify callback before trying again.
 * Results are counts, 0, or negative errno values (newlib's numbering).
 * The first netstack_socket or netstack_resolve brings the stack up and
 * waits until the NIC has an address (DHCP: up to 10 s, else -ENETDOWN).
 */

/* An IPv4 endpoint, both fields in network byte order. */
struct netstack_addr {
  uint32_t ip;
  uint16_t port;
};

/* Same layout as POSIX's struct iovec. */
struct netstack_iov {
  void *base;
  size_t len;
};

enum netstack_type { NETSTACK_TCP = 1, NETSTACK_UDP = 2 };

/* Message flags (in and out). */
#define NETSTACK_MSG_PEEK  0x1u
#define NETSTACK_MSG_MORE  0x2u /* in: more data follows (no push yet) */
#define NETSTACK_MSG_TRUNC 0x4u /* out: the datagram was longer than the buffers */

/* netstack_poll bits. */
#define NETSTACK_READABLE 0x1u /* data, end of stream, a connection to accept, or an error */
#define NETSTACK_WRITABLE 0x2u
#define NETSTACK_ERROR    0x4u

enum netstack_opt {
  NETSTACK_SO_REUSEADDR,
  NETSTACK_SO_KEEPALIVE,
  NETSTACK_SO_BROADCAST,
  NETSTACK_SO_RCVBUF,
  NETSTACK_SO_SNDBUF,
  NETSTACK_SO_LINGER, /* seconds, or -1: off */
  NETSTACK_SO_ERROR,  /* get only: the pending error, cleared */
  NETSTACK_SO_TYPE,   /* get only: enum netstack_type */
  NETSTACK_SO_ACCEPTCONN,
  NETSTACK_TCP_NODELAY,
  NETSTACK_TCP_KEEPIDLE, /* seconds */
  NETSTACK_TCP_KEEPINTVL,
  NETSTACK_TCP_KEEPCNT,
  NETSTACK_TCP_MAXSEG, /* get only */
  NETSTACK_IP_TOS,
  NETSTACK_IP_TTL,
};

int netstack_socket(enum netstack_type type);
/* Closes s; its notify callback is never called again. */
int netstack_close(int s);

/* fn(ctx) runs whenever s may have become readable, writable or failed (in any thread; must not
 * block). */
void netstack_set_notify(int s, void (*fn)(void *ctx), void *ctx);
unsigned netstack_poll(int s);

int netstack_bind(int s, const struct netstack_addr *addr);
int netstack_listen(int s, int backlog);
/* A new socket for a pending connection, or -EAGAIN; *peer gets its address. */
int netstack_accept(int s, struct netstack_addr *peer);
/* TCP: -EINPROGRESS, then -EALREADY while it lasts; the result is NETSTACK_SO_ERROR. */
int netstack_connect(int s, const struct netstack_addr *addr);
int netstack_shutdown(int s, bool rd, bool wr);
int netstack_getname(int s, bool peer, struct netstack_addr *addr);

/* to: NULL for a connected socket. Returns bytes taken (TCP may take part) or -errno. */
ssize_t netstack_send(int s, const struct netstack_iov *iov, int iovcnt,
                      const struct netstack_addr *to, unsigned flags);
/* from may be NULL; *out_flags gets NETSTACK_MSG_TRUNC. Returns bytes stored, 0 at end of stream.
 */
ssize_t netstack_recv(int s, const struct netstack_iov *iov, int iovcnt, struct netstack_addr *from,
                      unsigned flags, unsigned *out_flags);

int netstack_setopt(int s, enum netstack_opt opt, int value);
int netstack_getopt(int s, enum netstack_opt opt, int *value);

/* The IPv4 address of a host name through DNS (blocks up to ~15 s): 0, -ENOENT, -EAGAIN, ... */
int netstack_resolve(const char *name, uint32_t *ip);

#endif
