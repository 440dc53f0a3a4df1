/* socket.h: sockets as files: what the socket files of libc-port share. */
#ifndef LIBC_PORT_SOCKET_H
#define LIBC_PORT_SOCKET_H

#include "fd.h"
#include "pollwait.h"
#include <netinet/in.h>
#include <netstack/netstack.h>
#include <stdbool.h>
#include <sys/socket.h>

/* TCP options that a listening socket hands to the connections it accepts; -1: not set. */
struct port_socket_inherit {
  int nodelay, keepidle, keepintvl, keepcnt;
};

/*
 * The stack never blocks (netstack.h); a call that would waits here until
 * the stack reports a change on the socket. events counts those reports,
 * so that one arriving between a try and the wait is not lost.
 */
struct port_socket {
  struct port_file file;
  int s; /* netstack socket */
  bool stream;
  bool listening;
  unsigned events;
  struct guest_waitq waiters;
  struct port_poll_head pollers;
  uint64_t rcvtimeo_ns, sndtimeo_ns; /* 0: wait without limit */
  struct port_socket_inherit inherit;
};

/* The socket fd names, with a reference the caller drops (port_file_unref); NULL and *err. */
struct port_socket *port_socket_get(int fd, int *err);

/* A file and an fd for netstack socket s; the fd or -errno (then s is closed). */
int port_socket_install(int s, bool stream, int flags);

/* Waits for a change after the one counted in seen, or the deadline: 0, or -EAGAIN at it. */
int port_socket_wait(struct port_socket *ps, unsigned seen, uint64_t deadline_ns);
uint64_t port_socket_deadline(uint64_t timeout_ns);
/* Blocked calls and pollers look again (after a local change such as shutdown). */
void port_socket_changed(struct port_socket *ps);

/* recv/send with POSIX flags, blocking unless nonblock or MSG_DONTWAIT. */
ssize_t port_socket_recv(struct port_socket *ps, const struct netstack_iov *iov, int iovcnt,
                         struct netstack_addr *from, int flags, unsigned *out_flags);
ssize_t port_socket_send(struct port_socket *ps, const struct netstack_iov *iov, int iovcnt,
                         const struct netstack_addr *to, int flags);

/* POSIX addresses to and from the stack's: AF_INET only. 0 or -errno. */
int port_sockaddr_in(const struct sockaddr *sa, socklen_t len, struct netstack_addr *a);
/* Stores as much as *len allows and sets *len to the full size, as POSIX says. */
void port_sockaddr_out(const struct netstack_addr *a, struct sockaddr *sa, socklen_t *len);

/* Applies TCP options a listener collected to a connection it accepted. */
void port_socket_inherit_apply(const struct port_socket_inherit *in, int s);

#endif
