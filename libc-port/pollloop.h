/* pollloop.h: the poll loop that poll() and select() share. */
#ifndef LIBC_PORT_POLLLOOP_H
#define LIBC_PORT_POLLLOOP_H

#include <poll.h>
#include <stdint.h>

/*
 * Fills fds[i].revents until one is non-zero or the monotonic clock reaches
 * deadline_ns (0: look once; GUEST_FOREVER: no limit). Sleeps without
 * spinning: every file it watches wakes it when it changes. Returns how
 * many fds have events, or -errno.
 */
int port_poll(struct pollfd *fds, nfds_t nfds, uint64_t deadline_ns);

#endif
