/* main.c: iperf3d [-p PORT] [-n TESTS]: a TCP server for the unchanged iperf3 client
 * (iperf3 -c HOST [-t S] [-P N] [-R] [--bidir] [-J]), serving one test after another. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/app_util.h"
#include "session.h"

static void usage(void) {
  fprintf(stderr, "usage: iperf3d [-p PORT] [-n TESTS]\n"
                  "  -p PORT   TCP port to listen on (default 5201; 0 picks a free one)\n"
                  "  -n TESTS  exit after this many tests (default: serve forever)\n");
  exit(2);
}

/* TCP on PORT (0: any free one, told in *BOUND), or -1 after saying why. */
static int listen_on(unsigned port, unsigned *bound) {
  int fd = app_bound_socket(SOCK_STREAM, port, 64, bound);
  if (fd < 0)
    fprintf(stderr, "iperf3d: port %u: %s\n", port, strerror(errno));
  return fd;
}

int main(int argc, char **argv) {
  unsigned port = 5201;
  unsigned long tests = 0;
  int opt;
  while ((opt = getopt(argc, argv, "p:n:h")) != -1) {
    if (opt == 'p')
      port = (unsigned)app_number(optarg, 65535, usage);
    else if (opt == 'n')
      tests = app_number(optarg, ~0UL, usage);
    else
      usage();
  }
  if (optind != argc)
    usage();
  signal(SIGPIPE, SIG_IGN);

  unsigned bound;
  int listen_fd = listen_on(port, &bound);
  if (listen_fd < 0)
    return 1;
  printf("iperf3d: listening on port %u\n", bound);
  fflush(stdout);
  unsigned long done = 0;
  while (tests == 0 || done < tests) {
    struct pollfd p = {.fd = listen_fd, .events = POLLIN};
    if (poll(&p, 1, -1) < 0 && errno != EINTR) {
      perror("iperf3d: poll");
      return 1;
    }
    int ctrl = accept(listen_fd, NULL, NULL);
    if (ctrl < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN || errno == EWOULDBLOCK)
        continue;
      perror("iperf3d: accept");
      return 1;
    }
    session_run(ctrl, listen_fd, (int)++done);
  }
  close(listen_fd);
  return 0;
}
