/* main.c: unikvm-slirp, user-mode networking for one unikvm guest. It is a separate process so
 * that unikvm stays a static binary while libslirp (shared-only, with glib) lives here. */
#include <errno.h>
#include <libslirp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../clock_ns.h"
#include "args.h"
#include "frames.h"
#include "pollset.h"
#include "stack.h"
#include "timers.h"

#define LINK_FD    3 /* SOCK_SEQPACKET to unikvm: one message, one Ethernet frame */
#define READY_FD   4 /* optional pipe: gets one byte once setup succeeded, then closes */
#define EXIT_USAGE 2 /* bad command line, or a --hostfwd that cannot listen */
#define EXIT_SETUP 1 /* anything else that stops the network from starting */

static void usage_error(const char *msg) {
  fprintf(stderr, "unikvm-slirp: %s\n", msg);
  exit(EXIT_USAGE);
}

static int64_t clock_ms(void) {
  return (int64_t)(clock_ns(CLOCK_MONOTONIC) / 1000000);
}

static int is_fifo(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

static void deliver(const uint8_t *frame, size_t len, void *opaque) {
  slirp_input(opaque, frame, (int)len);
}

/* Sleeps in poll(2) until a frame, a host socket or a slirp timer needs attention; returns when
 * unikvm is gone. */
static void run(Slirp *slirp) {
  struct pollset set = {0};
  for (;;) {
    uint32_t timeout = UINT32_MAX;
    pollset_clear(&set);
    pollset_add(&set, LINK_FD, POLLIN | POLLRDHUP | (frames_backlog() ? POLLOUT : 0));
    slirp_pollfds_fill(slirp, &timeout, pollset_add_slirp, &set);

    int wait_ms = timeout == UINT32_MAX ? -1 : (int)(timeout > 60000 ? 60000 : timeout);
    int64_t next = timers_next();
    if (next != TIMERS_NONE) {
      int64_t until = next - clock_ms();
      until = until < 0 ? 0 : until;
      if (wait_ms < 0 || until < wait_ms)
        wait_ms = (int)until;
    }
    int ready = poll(set.fds, set.count, wait_ms);

    /* Guest frames go in before slirp_pollfds_poll, whose if_start then sends what they
     * unblocked (e.g. packets that waited for the guest's ARP reply) in this same round. */
    short link = ready > 0 ? set.fds[0].revents : 0;
    if ((link & POLLIN) && frames_receive(deliver, slirp) != 0)
      return;
    if (link & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL))
      return;
    slirp_pollfds_poll(slirp, ready < 0, pollset_revents_slirp, &set);
    timers_run(clock_ms());
    if (frames_flush() != 0)
      return;
  }
}

int main(int argc, char **argv) {
  /* Never outlive unikvm: the signal covers a killed parent, the socket's hangup the rest. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  int have_ready = is_fifo(READY_FD);
  /* Whatever else unikvm leaked (VM fds, guest memory) must not be reachable from here. */
  close_range(have_ready ? READY_FD + 1 : READY_FD, ~0u, 0);
  /* Host peers close connections; that is an error return, not a reason to die. */
  signal(SIGPIPE, SIG_IGN);

  struct args args;
  char err[512];
  if (args_parse(&args, argc, argv, err, sizeof(err)) != 0)
    usage_error(err);
  int type;
  socklen_t type_len = sizeof(type);
  if (getsockopt(LINK_FD, SOL_SOCKET, SO_TYPE, &type, &type_len) != 0 || type != SOCK_SEQPACKET)
    usage_error("fd 3: not a SOCK_SEQPACKET socket (unikvm passes its end of a socketpair)");

  frames_init(LINK_FD);
  Slirp *slirp = stack_create(&args, err, sizeof(err));
  if (!slirp) {
    fprintf(stderr, "unikvm-slirp: %s\n", err);
    return EXIT_SETUP;
  }
  if (stack_add_hostfwds(slirp, &args, err, sizeof(err)) != 0)
    usage_error(err);
  stack_announce_guest(slirp, args.mac);
  if (have_ready) {
    /* A byte, not just EOF: EOF alone would also be what a crash looks like. */
    if (write(READY_FD, "\1", 1) != 1)
      return 1;
    close(READY_FD);
  }

  run(slirp);

  if (args.stats) {
    const struct frames_stats *s = frames_stats();
    fprintf(stderr,
            "unikvm-slirp: stats: rx_frames=%llu rx_dropped=%llu tx_frames=%llu "
            "tx_dropped=%llu\n",
            (unsigned long long)s->rx, (unsigned long long)s->rx_dropped, (unsigned long long)s->tx,
            (unsigned long long)s->tx_dropped);
  }
  return 0;
}
