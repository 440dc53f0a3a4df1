/* main.c: sockperfd [-p PORT] [-c CONNECTIONS]: a server for the unchanged sockperf client
 * (sockperf ping-pong / under-load / throughput, UDP and --tcp) on one port for both
 * protocols, in one thread with one poll() loop. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/app_util.h"
#include "serve.h"

static void usage(void) {
  fprintf(stderr, "usage: sockperfd [-p PORT] [-c CONNECTIONS]\n"
                  "  -p PORT         UDP and TCP port (default 11111; 0 picks a free one)\n"
                  "  -c CONNECTIONS  TCP clients at once at most (default 64)\n");
  exit(2);
}

/* UDP and TCP on the same port number: with -p 0 the TCP port is chosen first and the UDP
 * socket takes the same number (retrying a few times if that UDP port is taken). */
static int open_sockets(unsigned port, int *udp, int *tcp, unsigned *bound) {
  for (int attempt = 0; attempt < 20; attempt++) {
    *tcp = app_bound_socket(SOCK_STREAM, port, 64, bound);
    if (*tcp < 0)
      return -1;
    unsigned same;
    *udp = app_bound_socket(SOCK_DGRAM, *bound, 0, &same);
    if (*udp >= 0)
      return 0;
    int saved = errno;
    close(*tcp);
    errno = saved;
    if (port != 0)
      return -1;
  }
  return -1;
}

static void accept_all(int lfd, struct tcp_conn **conns, size_t *n, size_t max) {
  while (*n < max) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      return;
    }
    int one = 1;
    /* Every reply is latency-critical: never hold it back for coalescing. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct tcp_conn *c = fcntl(fd, F_SETFL, O_NONBLOCK) == 0 ? tcp_conn_new(fd) : NULL;
    if (!c) {
      close(fd);
      return;
    }
    conns[(*n)++] = c;
  }
}

int main(int argc, char **argv) {
  unsigned port = 11111;
  size_t max_conns = 64;
  int opt;
  while ((opt = getopt(argc, argv, "p:c:h")) != -1) {
    if (opt == 'p')
      port = (unsigned)app_number(optarg, 65535, usage);
    else if (opt == 'c')
      max_conns = app_number(optarg, 100000, usage);
    else
      usage();
  }
  if (optind != argc || max_conns == 0)
    usage();
  signal(SIGPIPE, SIG_IGN);

  int udp, tcp;
  unsigned bound;
  if (open_sockets(port, &udp, &tcp, &bound) != 0) {
    fprintf(stderr, "sockperfd: port %u: %s\n", port, strerror(errno));
    return 1;
  }
  printf("sockperfd: listening on port %u (udp and tcp)\n", bound);
  fflush(stdout);

  struct tcp_conn **conns = calloc(max_conns, sizeof *conns);
  struct pollfd *p = calloc(max_conns + 2, sizeof *p);
  if (!conns || !p) {
    fprintf(stderr, "sockperfd: out of memory\n");
    return 1;
  }
  size_t n = 0;
  for (;;) {
    p[0] = (struct pollfd){.fd = udp, .events = POLLIN};
    p[1] = (struct pollfd){.fd = tcp, .events = n < max_conns ? POLLIN : 0};
    for (size_t i = 0; i < n; i++)
      p[2 + i] = (struct pollfd){.fd = conns[i]->fd, .events = tcp_conn_events(conns[i])};
    if (poll(p, (nfds_t)(2 + n), -1) < 0) {
      if (errno == EINTR)
        continue;
      perror("sockperfd: poll");
      return 1;
    }
    if (p[0].revents)
      udp_serve(udp);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
      if (!p[2 + i].revents || tcp_conn_handle(conns[i], p[2 + i].revents))
        conns[kept++] = conns[i];
    n = kept;
    if (p[1].revents & POLLIN)
      accept_all(tcp, conns, &n, max_conns);
  }
}
