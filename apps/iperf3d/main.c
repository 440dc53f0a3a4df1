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

#include "session.h"

static void usage(void) {
  fprintf(stderr, "usage: iperf3d [-p PORT] [-n TESTS]\n"
                  "  -p PORT   TCP port to listen on (default 5201; 0 picks a free one)\n"
                  "  -n TESTS  exit after this many tests (default: serve forever)\n");
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
    perror("iperf3d: socket");
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  socklen_t len = sizeof addr;
  /* Non-blocking: a connection that vanishes between poll() and accept() must not hang us. */
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0 ||
      fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
    fprintf(stderr, "iperf3d: port %u: %s\n", port, strerror(errno));
    close(fd);
    return -1;
  }
  *bound = ntohs(addr.sin_port);
  return fd;
}

int main(int argc, char **argv) {
  unsigned port = 5201;
  unsigned long tests = 0;
  int opt;
  while ((opt = getopt(argc, argv, "p:n:h")) != -1) {
    if (opt == 'p')
      port = (unsigned)number(optarg, 65535);
    else if (opt == 'n')
      tests = number(optarg, ~0UL);
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
