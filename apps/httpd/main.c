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

#include "../lib/app_util.h"
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

/* TCP on PORT (0: any free one, told in *BOUND), or -1 after saying why. */
static int listen_on(unsigned port, unsigned *bound) {
  int fd = app_bound_socket(SOCK_STREAM, port, 1024, bound);
  if (fd < 0)
    fprintf(stderr, "httpd: port %u: %s\n", port, strerror(errno));
  return fd;
}

int main(int argc, char **argv) {
  struct server s = {.max_conns = 1000};
  unsigned port = 8080;
  int opt;
  while ((opt = getopt(argc, argv, "p:r:n:c:Xh")) != -1) {
    switch (opt) {
    case 'p':
      port = (unsigned)app_number(optarg, 65535, usage);
      break;
    case 'r':
      s.root = optarg;
      break;
    case 'n':
      s.max_requests = app_number(optarg, ~0UL, usage);
      break;
    case 'c':
      s.max_conns = (unsigned)app_number(optarg, 1000000, usage);
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
