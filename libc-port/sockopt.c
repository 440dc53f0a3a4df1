/* sockopt.c: setsockopt and getsockopt: Linux's options mapped onto the stack's, timeouts kept
 * here. */
#include "port.h"
#include "socket.h"
#include <netinet/tcp.h>
#include <string.h>
#include <sys/time.h>

/* The stack's name for a (level, name) pair of int options; -1: none. */
static int opt_netstack(int level, int name) {
  switch (level) {
  case SOL_SOCKET:
    switch (name) {
    case SO_REUSEADDR:
    case SO_REUSEPORT: /* lwIP's SO_REUSE lets both sockets bind: the closest there is */
      return NETSTACK_SO_REUSEADDR;
    case SO_KEEPALIVE:
      return NETSTACK_SO_KEEPALIVE;
    case SO_BROADCAST:
      return NETSTACK_SO_BROADCAST;
    case SO_RCVBUF:
      return NETSTACK_SO_RCVBUF;
    case SO_SNDBUF:
      return NETSTACK_SO_SNDBUF;
    case SO_ERROR:
      return NETSTACK_SO_ERROR;
    case SO_ACCEPTCONN:
      return NETSTACK_SO_ACCEPTCONN;
    }
    return -1;
  case IPPROTO_TCP:
    switch (name) {
    case TCP_NODELAY:
      return NETSTACK_TCP_NODELAY;
    case TCP_KEEPIDLE:
      return NETSTACK_TCP_KEEPIDLE;
    case TCP_KEEPINTVL:
      return NETSTACK_TCP_KEEPINTVL;
    case TCP_KEEPCNT:
      return NETSTACK_TCP_KEEPCNT;
    case TCP_MAXSEG:
      return NETSTACK_TCP_MAXSEG;
    }
    return -1;
  case IPPROTO_IP:
    return name == IP_TOS ? NETSTACK_IP_TOS : name == IP_TTL ? NETSTACK_IP_TTL : -1;
  }
  return -1;
}

/* Where a listening socket keeps a TCP option for the connections it will accept. */
static int *opt_inherit_slot(struct port_socket *ps, int opt) {
  switch (opt) {
  case NETSTACK_TCP_NODELAY:
    return &ps->inherit.nodelay;
  case NETSTACK_TCP_KEEPIDLE:
    return &ps->inherit.keepidle;
  case NETSTACK_TCP_KEEPINTVL:
    return &ps->inherit.keepintvl;
  case NETSTACK_TCP_KEEPCNT:
    return &ps->inherit.keepcnt;
  }
  return NULL;
}

void port_socket_inherit_apply(const struct port_socket_inherit *in, int s) {
  if (in->nodelay >= 0)
    netstack_setopt(s, NETSTACK_TCP_NODELAY, in->nodelay);
  if (in->keepidle >= 0)
    netstack_setopt(s, NETSTACK_TCP_KEEPIDLE, in->keepidle);
  if (in->keepintvl >= 0)
    netstack_setopt(s, NETSTACK_TCP_KEEPINTVL, in->keepintvl);
  if (in->keepcnt >= 0)
    netstack_setopt(s, NETSTACK_TCP_KEEPCNT, in->keepcnt);
}

static uint64_t *opt_timeout(struct port_socket *ps, int level, int name) {
  if (level != SOL_SOCKET)
    return NULL;
  return name == SO_RCVTIMEO ? &ps->rcvtimeo_ns : name == SO_SNDTIMEO ? &ps->sndtimeo_ns : NULL;
}

static int opt_set(struct port_socket *ps, int level, int name, const void *val, socklen_t len) {
  uint64_t *timeout = opt_timeout(ps, level, name);
  if (timeout != NULL) {
    struct timeval tv;
    if (len < sizeof(tv))
      return -EINVAL;
    memcpy(&tv, val, sizeof(tv));
    if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
      return -EDOM;
    *timeout = (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
    return 0;
  }
  if (level == SOL_SOCKET && name == SO_LINGER) {
    struct linger l;
    if (len < sizeof(l))
      return -EINVAL;
    memcpy(&l, val, sizeof(l));
    return netstack_setopt(ps->s, NETSTACK_SO_LINGER, l.l_onoff ? l.l_linger : -1);
  }
  int opt = opt_netstack(level, name), v;
  if (opt < 0 || (level == IPPROTO_TCP && !ps->stream))
    return -ENOPROTOOPT;
  if (len < sizeof(int))
    return -EINVAL;
  memcpy(&v, val, sizeof(v));
  /* lwIP refuses TCP options on a listener; Linux passes them on to accepted sockets. */
  int *slot = opt_inherit_slot(ps, opt);
  if (slot != NULL)
    *slot = opt == NETSTACK_TCP_NODELAY ? v != 0 : v;
  if (slot != NULL && ps->listening)
    return 0;
  if (opt == NETSTACK_TCP_MAXSEG)
    return 0; /* the MTU decides; accepted and ignored */
  return netstack_setopt(ps->s, (enum netstack_opt)opt, v);
}

/* Stores an int result the way Linux does: truncated to *len, *len set to what was stored. */
static int opt_put_int(int v, void *val, socklen_t *len) {
  socklen_t n = *len < sizeof(v) ? *len : sizeof(v);
  memcpy(val, &v, n);
  *len = n;
  return 0;
}

static int opt_get(struct port_socket *ps, int level, int name, void *val, socklen_t *len) {
  uint64_t *timeout = opt_timeout(ps, level, name);
  if (timeout != NULL) {
    struct timeval tv = {(time_t)(*timeout / 1000000000u),
                         (suseconds_t)(*timeout % 1000000000u / 1000u)};
    socklen_t n = *len < sizeof(tv) ? *len : sizeof(tv);
    memcpy(val, &tv, n);
    *len = n;
    return 0;
  }
  if (level == SOL_SOCKET) {
    switch (name) {
    case SO_TYPE:
      return opt_put_int(ps->stream ? SOCK_STREAM : SOCK_DGRAM, val, len);
    case SO_DOMAIN:
      return opt_put_int(AF_INET, val, len);
    case SO_PROTOCOL:
      return opt_put_int(ps->stream ? IPPROTO_TCP : IPPROTO_UDP, val, len);
    case SO_LINGER: {
      int secs, r = netstack_getopt(ps->s, NETSTACK_SO_LINGER, &secs);
      struct linger l = {secs >= 0, secs >= 0 ? secs : 0};
      socklen_t n = *len < sizeof(l) ? *len : sizeof(l);
      if (r == 0) {
        memcpy(val, &l, n);
        *len = n;
      }
      return r;
    }
    }
  }
  int opt = opt_netstack(level, name), v = 0;
  if (opt < 0 || (level == IPPROTO_TCP && !ps->stream))
    return -ENOPROTOOPT;
  /* A listener answers what it will pass on (lwIP keeps no TCP options on it). */
  int *slot = opt_inherit_slot(ps, opt);
  if (slot != NULL && ps->listening && (*slot >= 0 || opt == NETSTACK_TCP_NODELAY))
    return opt_put_int(*slot >= 0 ? *slot : 0, val, len);
  int r = netstack_getopt(ps->s, (enum netstack_opt)opt, &v);
  return r != 0 ? r : opt_put_int(v, val, len);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len) {
  int r;
  struct port_socket *ps = port_socket_get(fd, &r);
  if (ps == NULL)
    return (int)port_syscall_ret(r);
  r = val == NULL ? -EFAULT : opt_set(ps, level, name, val, len);
  port_file_unref(&ps->file);
  return (int)port_syscall_ret(r);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len) {
  int r;
  struct port_socket *ps = port_socket_get(fd, &r);
  if (ps == NULL)
    return (int)port_syscall_ret(r);
  r = val == NULL || len == NULL ? -EFAULT : opt_get(ps, level, name, val, len);
  port_file_unref(&ps->file);
  return (int)port_syscall_ret(r);
}
