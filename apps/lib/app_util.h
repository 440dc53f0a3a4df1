/* app_util.h: what the network servers under apps/ share: option numbers and a bound socket.
 * Header-only (static inline): apps/lib is not an app of its own, and each app, native or
 * guest, is built from its own folder alone. */
#ifndef APPS_LIB_APP_UTIL_H
#define APPS_LIB_APP_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* The decimal number S, at most MAX; anything else (a sign, trailing text) calls USAGE,
 * which does not return. */
static inline unsigned long app_number(const char *s, unsigned long max, void (*usage)(void)) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end || v > max || s[0] == '-')
    usage();
  return v;
}

/*
 * A non-blocking socket of TYPE bound to PORT on every address (SO_REUSEADDR; 0 picks a free
 * port, told in *BOUND), listening with BACKLOG when it is a stream socket. Non-blocking: a
 * connection that vanishes between poll() and accept() must not hang a server. Returns the fd,
 * or -1 with errno set.
 */
static inline int app_bound_socket(int type, unsigned port, int backlog, unsigned *bound) {
  int fd = socket(AF_INET, type, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  socklen_t len = sizeof addr;
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
      (type == SOCK_STREAM && listen(fd, backlog) != 0) || fcntl(fd, F_SETFL, O_NONBLOCK) != 0 ||
      getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  *bound = ntohs(addr.sin_port);
  return fd;
}

#endif
