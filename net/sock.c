/* sock.c: netstack sockets on lwIP's: every call non-blocking, events passed on to libc-port. */
#include "sock.h"
#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/sockets.h"
#include "net.h"
#include <errno.h>
#include <netstack/netstack.h>
#include <stdlib.h>
#include <string.h>

/* What net/ keeps per lwIP socket. */
struct sock_glue {
  void (*notify)(void *ctx);
  void *ctx;
  bool connecting; /* a connect is in flight: its error is a refusal, not a reset */
};

static struct sock_glue sock_glue[NUM_SOCKETS];
/* lwIP's own event handler (sockets.c's), which ours wraps. */
static netconn_callback sock_lwip_event;

/*
 * Runs wherever lwIP signals a change (net-rx, tcpip, or a socket call),
 * core lock held. lwIP's handler updates the socket's readiness first.
 */
static void sock_event(struct netconn *conn, enum netconn_evt evt, u16_t len) {
  sock_lwip_event(conn, evt, len);
  if (evt == NETCONN_EVT_RCVMINUS || evt == NETCONN_EVT_SENDMINUS)
    return; /* nothing became ready */
  int s = conn->socket;
  if (s >= 0 && s < NUM_SOCKETS && sock_glue[s].notify != NULL)
    sock_glue[s].notify(sock_glue[s].ctx);
}

struct netconn *sock_conn(int s) {
  struct lwip_sock *ls = lwip_socket_dbg_get_socket(s);
  return ls != NULL ? ls->conn : NULL;
}

/*
 * A new lwIP socket becomes ours: events go through sock_event (accepted
 * connections inherit it from their listener) and nothing ever blocks.
 */
static void sock_adopt(int s) {
  struct netconn *conn = sock_conn(s);
  if (conn->callback != sock_event) {
    sock_lwip_event = conn->callback;
    conn->callback = sock_event;
  }
  netconn_set_nonblocking(conn, 1);
  memset(&sock_glue[s], 0, sizeof(sock_glue[s]));
}

int sock_errno(void) {
  return errno != 0 ? -errno : -EIO;
}

static void addr_to_lwip(const struct netstack_addr *a, struct sockaddr_in *sin) {
  memset(sin, 0, sizeof(*sin));
  sin->sin_len = sizeof(*sin);
  sin->sin_family = AF_INET;
  sin->sin_port = a->port;
  sin->sin_addr.s_addr = a->ip;
}

static void addr_from_lwip(const struct sockaddr_in *sin, struct netstack_addr *a) {
  a->ip = sin->sin_addr.s_addr;
  a->port = sin->sin_port;
}

int netstack_socket(enum netstack_type type) {
  int r = net_up();
  if (r != 0)
    return r;
  int s = lwip_socket(AF_INET, type == NETSTACK_TCP ? SOCK_STREAM : SOCK_DGRAM, 0);
  if (s < 0)
    return sock_errno();
  sock_adopt(s);
  return s;
}

int netstack_close(int s) {
  memset(&sock_glue[s], 0, sizeof(sock_glue[s]));
  return lwip_close(s) == 0 ? 0 : sock_errno();
}

void netstack_set_notify(int s, void (*fn)(void *ctx), void *ctx) {
  sock_glue[s].notify = fn;
  sock_glue[s].ctx = ctx;
}

unsigned netstack_poll(int s) {
  struct pollfd pfd = {.fd = s, .events = POLLIN | POLLOUT};
  if (lwip_poll(&pfd, 1, 0) < 0)
    return NETSTACK_ERROR;
  return ((pfd.revents & POLLIN) ? NETSTACK_READABLE : 0) |
         ((pfd.revents & POLLOUT) ? NETSTACK_WRITABLE : 0) |
         ((pfd.revents & (POLLERR | POLLNVAL)) ? NETSTACK_ERROR : 0);
}

int netstack_bind(int s, const struct netstack_addr *addr) {
  struct sockaddr_in sin;
  addr_to_lwip(addr, &sin);
  return lwip_bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0 ? 0 : sock_errno();
}

int netstack_listen(int s, int backlog) {
  return lwip_listen(s, backlog) == 0 ? 0 : sock_errno();
}

int netstack_accept(int s, struct netstack_addr *peer) {
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  int ns = lwip_accept(s, (struct sockaddr *)&sin, &len);
  if (ns < 0)
    return sock_errno();
  sock_adopt(ns);
  addr_from_lwip(&sin, peer);
  return ns;
}

int netstack_connect(int s, const struct netstack_addr *addr) {
  struct sockaddr_in sin;
  addr_to_lwip(addr, &sin);
  if (lwip_connect(s, (struct sockaddr *)&sin, sizeof(sin)) == 0)
    return 0;
  int err = sock_errno();
  if (err == -EINPROGRESS)
    sock_glue[s].connecting = true;
  return err;
}

/*
 * The pending error. For a connect, lwIP reports a refusal as a reset and
 * giving up on the handshake as an abort: Linux says refused and timed out.
 */
int sock_take_error(int s) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (lwip_getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    return sock_errno();
  if (sock_glue[s].connecting && (err != 0 || (netstack_poll(s) & NETSTACK_WRITABLE))) {
    sock_glue[s].connecting = false;
    if (err == ECONNRESET)
      err = ECONNREFUSED;
    else if (err == ECONNABORTED)
      err = ETIMEDOUT;
  }
  return err;
}

int netstack_shutdown(int s, bool rd, bool wr) {
  int how = rd && wr ? SHUT_RDWR : rd ? SHUT_RD : SHUT_WR;
  return lwip_shutdown(s, how) == 0 ? 0 : sock_errno();
}

int netstack_getname(int s, bool peer, struct netstack_addr *addr) {
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  int r = peer ? lwip_getpeername(s, (struct sockaddr *)&sin, &len)
               : lwip_getsockname(s, (struct sockaddr *)&sin, &len);
  if (r != 0)
    return sock_errno();
  addr_from_lwip(&sin, addr);
  return 0;
}

/* lwIP refuses empty buffers in a vector: leaves them out (into a copy when there are any). */
static struct iovec *iov_compact(const struct netstack_iov *iov, int iovcnt, int *outcnt) {
  int empty = 0;
  for (int i = 0; i < iovcnt; i++)
    empty += iov[i].len == 0;
  _Static_assert(sizeof(struct iovec) == sizeof(struct netstack_iov), "iovec layouts differ");
  *outcnt = iovcnt - empty;
  if (empty == 0)
    return (struct iovec *)iov;
  struct iovec *copy = malloc(sizeof(*copy) * (size_t)(*outcnt > 0 ? *outcnt : 1));
  for (int i = 0, j = 0; copy != NULL && i < iovcnt; i++)
    if (iov[i].len != 0)
      copy[j++] = (struct iovec){iov[i].base, iov[i].len};
  return copy;
}

static void iov_release(struct iovec *vec, const struct netstack_iov *iov) {
  if (vec != (struct iovec *)iov)
    free(vec);
}

ssize_t netstack_send(int s, const struct netstack_iov *iov, int iovcnt,
                      const struct netstack_addr *to, unsigned flags) {
  struct sockaddr_in sin;
  int n;
  struct iovec *vec = iov_compact(iov, iovcnt, &n);
  if (vec == NULL)
    return -ENOMEM;
  if (to != NULL)
    addr_to_lwip(to, &sin);
  struct msghdr msg = {
      .msg_name = to != NULL ? &sin : NULL,
      .msg_namelen = to != NULL ? sizeof(sin) : 0,
      .msg_iov = vec,
      .msg_iovlen = n,
  };
  ssize_t r = 0;
  /* Nothing to send: a TCP send of nothing sends nothing, a UDP one an empty datagram. */
  if (n > 0 || netconn_type(sock_conn(s)) != NETCONN_TCP) {
    struct iovec none = {NULL, 0};
    if (n == 0) {
      msg.msg_iov = &none;
      msg.msg_iovlen = 1;
    }
    r = lwip_sendmsg(s, &msg, MSG_DONTWAIT | ((flags & NETSTACK_MSG_MORE) ? MSG_MORE : 0));
    if (r < 0)
      r = sock_errno();
  }
  iov_release(vec, iov);
  return r;
}

ssize_t netstack_recv(int s, const struct netstack_iov *iov, int iovcnt, struct netstack_addr *from,
                      unsigned flags, unsigned *out_flags) {
  struct sockaddr_in sin;
  int n;
  *out_flags = 0;
  struct iovec *vec = iov_compact(iov, iovcnt, &n);
  if (vec == NULL)
    return -ENOMEM;
  size_t room = 0;
  for (int i = 0; i < n; i++)
    room += vec[i].iov_len;
  struct msghdr msg = {.msg_name = &sin, .msg_namelen = sizeof(sin), .msg_iov = vec};
  msg.msg_iovlen = n;
  memset(&sin, 0, sizeof(sin));
  ssize_t r =
      n > 0 ? lwip_recvmsg(s, &msg, MSG_DONTWAIT | ((flags & NETSTACK_MSG_PEEK) ? MSG_PEEK : 0))
            : 0;
  iov_release(vec, iov);
  if (r < 0)
    return sock_errno();
  /* lwIP returns a datagram's whole length; POSIX, what was stored. */
  if ((size_t)r > room || (msg.msg_flags & MSG_TRUNC)) {
    *out_flags |= NETSTACK_MSG_TRUNC;
    r = (ssize_t)room;
  }
  if (from != NULL) {
    /* TCP leaves the name alone: a connected socket's source is its peer. */
    if (sin.sin_family == AF_INET)
      addr_from_lwip(&sin, from);
    else if (netstack_getname(s, true, from) != 0)
      memset(from, 0, sizeof(*from));
  }
  return r;
}
