/* socket_addr.c: POSIX socket addresses (Linux layout) to and from the stack's IPv4 endpoints. */
#include "socket.h"
#include <errno.h>
#include <string.h>

int port_sockaddr_in(const struct sockaddr *sa, socklen_t len, struct netstack_addr *a) {
  if (sa == NULL || len < sizeof(sa_family_t))
    return -EINVAL;
  if (sa->sa_family != AF_INET)
    return -EAFNOSUPPORT;
  if (len < sizeof(struct sockaddr_in))
    return -EINVAL;
  struct sockaddr_in sin;
  memcpy(&sin, sa, sizeof(sin)); /* the caller's buffer need not be aligned */
  a->ip = sin.sin_addr.s_addr;
  a->port = sin.sin_port;
  return 0;
}

void port_sockaddr_out(const struct netstack_addr *a, struct sockaddr *sa, socklen_t *len) {
  if (sa == NULL || len == NULL)
    return;
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = a->port, .sin_addr = {a->ip}};
  memcpy(sa, &sin, *len < sizeof(sin) ? *len : sizeof(sin));
  *len = sizeof(sin);
}
