/* socket_conn.c: making and ending connections: socket, bind, listen, accept, connect, shutdown. */
#include "port.h"
#include "socket.h"
#include <fcntl.h>

int socket(int domain, int type, int protocol) {
  int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (domain != AF_INET)
    return (int)port_syscall_ret(-EAFNOSUPPORT);
  if (kind != SOCK_STREAM && kind != SOCK_DGRAM && kind != SOCK_RAW && kind != SOCK_SEQPACKET)
    return (int)port_syscall_ret(-EINVAL);
  /* The stack has TCP and UDP only (no raw sockets). */
  if ((kind != SOCK_STREAM && kind != SOCK_DGRAM) ||
      (protocol != 0 && protocol != (kind == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP)))
    return (int)port_syscall_ret(-EPROTONOSUPPORT);
  int s = netstack_socket(kind == SOCK_STREAM ? NETSTACK_TCP : NETSTACK_UDP);
  if (s < 0)
    return (int)port_syscall_ret(s);
  int flags = (type & SOCK_NONBLOCK) ? O_NONBLOCK : 0;
  return (int)port_syscall_ret(port_socket_install(s, kind == SOCK_STREAM, flags));
}

/* The stack has IPv4 only: no AF_UNIX. */
int socketpair(int domain, int type, int protocol, int sv[2]) {
  (void)type;
  (void)protocol;
  (void)sv;
  return (int)port_syscall_ret(domain == AF_UNIX ? -EOPNOTSUPP : -EAFNOSUPPORT);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  struct netstack_addr a;
  int err, r = port_sockaddr_in(addr, len, &a);
  struct port_socket *ps = r == 0 ? port_socket_get(fd, &err) : NULL;
  if (r == 0 && ps == NULL)
    r = err;
  if (ps != NULL) {
    r = netstack_bind(ps->s, &a);
    port_file_unref(&ps->file);
  }
  return (int)port_syscall_ret(r);
}

int listen(int fd, int backlog) {
  int r;
  struct port_socket *ps = port_socket_get(fd, &r);
  if (ps == NULL)
    return (int)port_syscall_ret(r);
  r = ps->stream ? netstack_listen(ps->s, backlog) : -EOPNOTSUPP;
  if (r == 0)
    ps->listening = true;
  port_file_unref(&ps->file);
  return (int)port_syscall_ret(r);
}

static int accept_wait(struct port_socket *ps, struct netstack_addr *peer) {
  uint64_t deadline = port_socket_deadline(ps->rcvtimeo_ns);
  for (;;) {
    unsigned seen = ps->events;
    int ns = netstack_accept(ps->s, peer);
    if (ns != -EAGAIN || (ps->file.flags & O_NONBLOCK))
      return ns;
    if (port_socket_wait(ps, seen, deadline) != 0)
      return -EAGAIN;
  }
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  int r;
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
    return (int)port_syscall_ret(-EINVAL);
  struct port_socket *ps = port_socket_get(fd, &r);
  if (ps == NULL)
    return (int)port_syscall_ret(r);
  struct netstack_addr peer;
  r = ps->listening ? accept_wait(ps, &peer) : -EINVAL;
  if (r >= 0) {
    port_socket_inherit_apply(&ps->inherit, r);
    r = port_socket_install(r, true, (flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
    if (r >= 0)
      port_sockaddr_out(&peer, addr, len);
  }
  port_file_unref(&ps->file);
  return (int)port_syscall_ret(r);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
  return accept4(fd, addr, len, 0);
}

/* A blocking connect waits for the handshake (up to SO_SNDTIMEO, as on Linux). */
static int connect_wait(struct port_socket *ps, const struct netstack_addr *a) {
  int r = netstack_connect(ps->s, a);
  if (r != -EINPROGRESS || (ps->file.flags & O_NONBLOCK))
    return r;
  uint64_t deadline = port_socket_deadline(ps->sndtimeo_ns);
  for (;;) {
    unsigned seen = ps->events;
    if (netstack_poll(ps->s) & (NETSTACK_WRITABLE | NETSTACK_ERROR))
      break;
    if (port_socket_wait(ps, seen, deadline) != 0)
      return -EINPROGRESS;
  }
  int err = 0;
  r = netstack_getopt(ps->s, NETSTACK_SO_ERROR, &err);
  return r != 0 ? r : -err;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  struct netstack_addr a;
  int err, r = port_sockaddr_in(addr, len, &a);
  struct port_socket *ps = r == 0 ? port_socket_get(fd, &err) : NULL;
  if (r == 0 && ps == NULL)
    r = err;
  if (ps != NULL) {
    r = connect_wait(ps, &a);
    port_file_unref(&ps->file);
  }
  return (int)port_syscall_ret(r);
}

int shutdown(int fd, int how) {
  int r;
  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
    return (int)port_syscall_ret(-EINVAL);
  struct port_socket *ps = port_socket_get(fd, &r);
  if (ps == NULL)
    return (int)port_syscall_ret(r);
  r = netstack_shutdown(ps->s, how != SHUT_WR, how != SHUT_RD);
  /* Threads blocked on the socket see the new state. */
  port_socket_changed(ps);
  port_file_unref(&ps->file);
  return (int)port_syscall_ret(r);
}

static int socket_name(int fd, bool peer, struct sockaddr *addr, socklen_t *len) {
  int r;
  struct port_socket *ps = port_socket_get(fd, &r);
  if (ps == NULL)
    return (int)port_syscall_ret(r);
  struct netstack_addr a;
  r = netstack_getname(ps->s, peer, &a);
  if (r == 0)
    port_sockaddr_out(&a, addr, len);
  port_file_unref(&ps->file);
  return (int)port_syscall_ret(r);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len) {
  return socket_name(fd, false, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len) {
  return socket_name(fd, true, addr, len);
}
