/* pollset.c: translate libslirp's poll flags to poll(2) and back. */
#include "pollset.h"

#include <libslirp.h>
#include <stdlib.h>

void pollset_clear(struct pollset *set) {
  set->count = 0;
}

int pollset_add(struct pollset *set, int fd, short events) {
  if (set->count == set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 64;
    struct pollfd *fds = realloc(set->fds, cap * sizeof(*fds));
    if (!fds)
      abort(); /* the slirp callback has no way to report it */
    set->fds = fds;
    set->cap = cap;
  }
  set->fds[set->count] = (struct pollfd){.fd = fd, .events = events};
  return (int)set->count++;
}

int pollset_add_slirp(int fd, int slirp_events, void *opaque) {
  short events = 0;
  if (slirp_events & SLIRP_POLL_IN)
    events |= POLLIN;
  if (slirp_events & SLIRP_POLL_OUT)
    events |= POLLOUT;
  if (slirp_events & SLIRP_POLL_PRI)
    events |= POLLPRI;
  /* POLLERR and POLLHUP are always reported by poll(2). */
  return pollset_add(opaque, fd, events);
}

int pollset_revents_slirp(int idx, void *opaque) {
  const struct pollset *set = opaque;
  if (idx < 0 || (size_t)idx >= set->count)
    return 0;
  short revents = set->fds[idx].revents;
  int out = 0;
  if (revents & POLLIN)
    out |= SLIRP_POLL_IN;
  if (revents & POLLOUT)
    out |= SLIRP_POLL_OUT;
  if (revents & POLLPRI)
    out |= SLIRP_POLL_PRI;
  if (revents & POLLERR)
    out |= SLIRP_POLL_ERR;
  if (revents & POLLHUP)
    out |= SLIRP_POLL_HUP;
  return out;
}
