/* sock_opt.c: netstack socket options on lwIP's, and the ones lwIP lacks answered as Linux would.
 */
#include "lwip/sockets.h"
#include "lwip/tcp.h"
#include "sock.h"
#include <errno.h>
#include <netstack/netstack.h>

struct opt_lwip {
  int level, name;
  bool boolean; /* lwIP answers a flag bit; POSIX says 0 or 1 */
};

static const struct opt_lwip opt_lwip[] = {
    [NETSTACK_SO_REUSEADDR] = {SOL_SOCKET, SO_REUSEADDR, true},
    [NETSTACK_SO_KEEPALIVE] = {SOL_SOCKET, SO_KEEPALIVE, true},
    [NETSTACK_SO_BROADCAST] = {SOL_SOCKET, SO_BROADCAST, true},
    [NETSTACK_SO_RCVBUF] = {SOL_SOCKET, SO_RCVBUF, false},
    [NETSTACK_SO_ACCEPTCONN] = {SOL_SOCKET, SO_ACCEPTCONN, true},
    [NETSTACK_TCP_NODELAY] = {IPPROTO_TCP, TCP_NODELAY, true},
    [NETSTACK_TCP_KEEPIDLE] = {IPPROTO_TCP, TCP_KEEPIDLE, false},
    [NETSTACK_TCP_KEEPINTVL] = {IPPROTO_TCP, TCP_KEEPINTVL, false},
    [NETSTACK_TCP_KEEPCNT] = {IPPROTO_TCP, TCP_KEEPCNT, false},
    [NETSTACK_IP_TOS] = {IPPROTO_IP, IP_TOS, false},
    [NETSTACK_IP_TTL] = {IPPROTO_IP, IP_TTL, false},
};

static bool sock_is_tcp(int s) {
  struct netconn *conn = sock_conn(s);
  return conn != NULL && NETCONNTYPE_GROUP(netconn_type(conn)) == NETCONN_TCP;
}

static int opt_set_lwip(int s, enum netstack_opt opt, int value) {
  const struct opt_lwip *o = &opt_lwip[opt];
  if (lwip_setsockopt(s, o->level, o->name, &value, sizeof(value)) != 0)
    return sock_errno();
  return 0;
}

static int opt_get_lwip(int s, enum netstack_opt opt, int *value) {
  const struct opt_lwip *o = &opt_lwip[opt];
  socklen_t len = sizeof(*value);
  *value = 0;
  if (lwip_getsockopt(s, o->level, o->name, value, &len) != 0)
    return sock_errno();
  if (o->boolean)
    *value = *value != 0;
  return 0;
}

int netstack_setopt(int s, enum netstack_opt opt, int value) {
  switch (opt) {
  case NETSTACK_SO_SNDBUF:
    return 0; /* lwIP has one send buffer size (TCP_SND_BUF); accepted, as a hint */
  case NETSTACK_SO_RCVBUF:
    if (sock_is_tcp(s))
      return 0; /* TCP's window is TCP_WND; lwIP's limit applies to datagrams only */
    return opt_set_lwip(s, opt, value);
  case NETSTACK_SO_LINGER: {
    struct linger l = {.l_onoff = value >= 0, .l_linger = value >= 0 ? value : 0};
    return lwip_setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) == 0 ? 0 : sock_errno();
  }
  case NETSTACK_SO_ERROR:
  case NETSTACK_SO_TYPE:
  case NETSTACK_SO_ACCEPTCONN:
  case NETSTACK_TCP_MAXSEG:
    return -ENOPROTOOPT; /* read-only here */
  default:
    return opt_set_lwip(s, opt, value);
  }
}

int netstack_getopt(int s, enum netstack_opt opt, int *value) {
  struct netconn *conn = sock_conn(s);
  if (conn == NULL)
    return -EBADF;
  switch (opt) {
  case NETSTACK_SO_SNDBUF:
    *value = sock_is_tcp(s) ? TCP_SND_BUF : 0xffff;
    return 0;
  case NETSTACK_SO_RCVBUF:
    if (sock_is_tcp(s)) {
      *value = TCP_WND;
      return 0;
    }
    return opt_get_lwip(s, opt, value);
  case NETSTACK_SO_LINGER: {
    struct linger l = {0, 0};
    socklen_t len = sizeof(l);
    if (lwip_getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len) != 0)
      return sock_errno();
    *value = l.l_onoff ? l.l_linger : -1;
    return 0;
  }
  case NETSTACK_SO_ERROR: {
    int err = sock_take_error(s);
    if (err < 0)
      return err;
    *value = err;
    return 0;
  }
  case NETSTACK_SO_TYPE:
    *value = sock_is_tcp(s) ? NETSTACK_TCP : NETSTACK_UDP;
    return 0;
  case NETSTACK_TCP_MAXSEG:
    if (!sock_is_tcp(s))
      return -ENOPROTOOPT;
    *value = conn->pcb.tcp != NULL ? conn->pcb.tcp->mss : TCP_MSS;
    return 0;
  default:
    return opt_get_lwip(s, opt, value);
  }
}
