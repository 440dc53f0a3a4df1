/* socket_io.c: send, recv, sendto, recvfrom, sendmsg and recvmsg. */
#include "port.h"
#include "socket.h"
#include <limits.h>

_Static_assert(sizeof(struct iovec) == sizeof(struct netstack_iov) &&
                   offsetof(struct iovec, iov_len) == offsetof(struct netstack_iov, len),
               "struct iovec and struct netstack_iov must have one layout");

static ssize_t socket_send(int fd, const struct netstack_iov *iov, int iovcnt,
                           const struct sockaddr *to, socklen_t tolen, int flags) {
  int r;
  struct netstack_addr a;
  if (to != NULL && (r = port_sockaddr_in(to, tolen, &a)) != 0)
    return port_syscall_ret(r);
  struct port_socket *ps = port_socket_get(fd, &r);
  if (ps == NULL)
    return port_syscall_ret(r);
  /* A connected stream ignores the address, as on Linux. */
  ssize_t n = port_socket_send(ps, iov, iovcnt, to != NULL && !ps->stream ? &a : NULL, flags);
  port_file_unref(&ps->file);
  return port_syscall_ret(n);
}

static ssize_t socket_recv(int fd, const struct netstack_iov *iov, int iovcnt,
                           struct sockaddr *from, socklen_t *fromlen, int flags, int *msg_flags) {
  int r;
  struct port_socket *ps = port_socket_get(fd, &r);
  if (ps == NULL)
    return port_syscall_ret(r);
  struct netstack_addr a = {0, 0};
  unsigned out = 0;
  ssize_t n = port_socket_recv(ps, iov, iovcnt, from != NULL ? &a : NULL, flags, &out);
  bool stream = ps->stream;
  port_file_unref(&ps->file);
  if (n >= 0 && from != NULL && fromlen != NULL) {
    if (stream)
      *fromlen = 0; /* Linux gives no address on a connected stream */
    else
      port_sockaddr_out(&a, from, fromlen);
  }
  if (msg_flags != NULL)
    *msg_flags = (out & NETSTACK_MSG_TRUNC) ? MSG_TRUNC : 0;
  /* MSG_TRUNC asks for a datagram's real length; the stack tells only that it was longer. */
  return port_syscall_ret(n);
}

ssize_t send(int fd, const void *buf, size_t len, int flags) {
  struct netstack_iov iov = {(void *)buf, len};
  return socket_send(fd, &iov, 1, NULL, 0, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen) {
  struct netstack_iov iov = {(void *)buf, len};
  return socket_send(fd, &iov, 1, to, tolen, flags);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
  if (msg == NULL || msg->msg_iovlen > IOV_MAX || (msg->msg_iov == NULL && msg->msg_iovlen > 0))
    return port_syscall_ret(-EINVAL);
  return socket_send(fd, (const struct netstack_iov *)msg->msg_iov, (int)msg->msg_iovlen,
                     msg->msg_name, msg->msg_namelen, flags);
}

ssize_t recv(int fd, void *buf, size_t len, int flags) {
  struct netstack_iov iov = {buf, len};
  return socket_recv(fd, &iov, 1, NULL, NULL, flags, NULL);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                 socklen_t *fromlen) {
  struct netstack_iov iov = {buf, len};
  return socket_recv(fd, &iov, 1, from, fromlen, flags, NULL);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  if (msg == NULL || msg->msg_iovlen > IOV_MAX || (msg->msg_iov == NULL && msg->msg_iovlen > 0))
    return port_syscall_ret(-EINVAL);
  msg->msg_controllen = 0; /* no control messages */
  return socket_recv(fd, (const struct netstack_iov *)msg->msg_iov, (int)msg->msg_iovlen,
                     msg->msg_name, &msg->msg_namelen, flags, &msg->msg_flags);
}
