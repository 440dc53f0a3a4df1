/* pollset.h: the poll(2) array rebuilt each loop iteration from slirp_pollfds_fill. */
#ifndef UNIKVM_SLIRP_POLLSET_H
#define UNIKVM_SLIRP_POLLSET_H

#include <poll.h>
#include <stddef.h>

struct pollset {
  struct pollfd *fds;
  size_t count, cap;
};

/* Empties SET, keeping its memory. */
void pollset_clear(struct pollset *set);
/* Adds FD with poll(2) EVENTS; returns its index. */
int pollset_add(struct pollset *set, int fd, short events);

/* libslirp's SlirpAddPollCb and SlirpGetREventsCb over a struct pollset (OPAQUE). */
int pollset_add_slirp(int fd, int slirp_events, void *opaque);
int pollset_revents_slirp(int idx, void *opaque);

#endif
