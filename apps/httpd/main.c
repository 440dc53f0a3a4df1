/* main.c: httpd [-p PORT] [-r ROOT] [-n REQUESTS] [-c CONNECTIONS]: a small HTTP/1.1 server
 * (GET and HEAD, keep-alive, pipelining) that serves a built-in page at "/", N pattern bytes
 * at "/bytes/N" and, with -r, the files under ROOT. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unikvm_snapshot.h>
#include <unistd.h>

#include "body.h"
#include "server.h"
#include "state.h"

static void usage(void) {
  fprintf(stderr, "usage: httpd [-p PORT] [-r ROOT] [-n REQUESTS] [-c CONNECTIONS] [-X]\n"
                  "  -p PORT         TCP port to listen on (default 8080; 0 picks a free one)\n"
                  "  -r ROOT         serve the files under ROOT as well\n"
                  "  -n REQUESTS     exit after answering this many requests\n"
                  "  -c CONNECTIONS  open connections at most (default 1000)\n"
                  "  -X              tests only: GET /crash makes the server fault\n");
  exit(2);
}

static unsigned long number(const char *s, unsigned long max) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end || v > max || s[0] == '-')
    usage();
  return v;
}

static int listen_on(unsigned port, unsigned *bound) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    perror("httpd: socket");
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  socklen_t len = sizeof addr;
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 1024) != 0 ||
      fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || getsockname(fd, (struct sockaddr *)&addr, &len)) {
    fprintf(stderr, "httpd: port %u: %s\n", port, strerror(errno));
    close(fd);
    return -1;
  }
  *bound = ntohs(addr.sin_port);
  return fd;
}

int main(int argc, char **argv) {
  struct server s = {.max_conns = 1000};
  unsigned port = 8080;
  int opt;
  while ((opt = getopt(argc, argv, "p:r:n:c:Xh")) != -1) {
    switch (opt) {
    case 'p':
      port = (unsigned)number(optarg, 65535);
      break;
    case 'r':
      s.root = optarg;
      break;
    case 'n':
      s.max_requests = number(optarg, ~0UL);
      break;
    case 'c':
      s.max_conns = (unsigned)number(optarg, 1000000);
      if (s.max_conns == 0)
        usage();
      break;
    case 'X':
      state_crash_route = true; /* tests only: GET /crash kills the guest */
      break;
    default:
      usage();
    }
  }
  if (optind != argc)
    usage();
  /* A client that goes away mid-answer must cost an EPIPE, not the process. */
  signal(SIGPIPE, SIG_IGN);
  pattern_init();

  unsigned bound;
  s.listen_fd = listen_on(port, &bound);
  if (s.listen_fd < 0)
    return 1;
  printf("httpd: listening on port %u\n", bound);
  fflush(stdout);
  /* Ready to serve: the point unikvm snapshots (and, under --reset-per-request, returns to
   * after every request, one connection at a time). Native builds skip it. */
  if (unikvm_snapshot) {
    state_generation = unikvm_snapshot();
    s.reset_per_request = unikvm_resets_per_request();
    if (s.reset_per_request)
      s.max_conns = 1;
  }
  int status = server_run(&s);
  close(s.listen_fd);
  return status;
}
