/* poll.c: poll(2) over any mix of files: sockets, pipes, the console. */
#include "fd.h"
#include "pollloop.h"
#include "pollwait.h"
#include "port.h"
#include <guest/clock.h>
#include <guest/sched.h>
#include <stdlib.h>

/* What one watched fd costs while its poll call lasts. */
struct poll_slot {
  struct port_file *file; /* referenced; NULL: not open */
  struct port_poll_entry entry;
};

static short poll_events(struct port_file *f, short events, struct port_poll_entry *e) {
  if (f == NULL)
    return POLLNVAL;
  unsigned m = f->ops->poll != NULL ? f->ops->poll(f, e) : (POLLIN | POLLOUT);
  if (m & POLLIN)
    m |= POLLRDNORM;
  if (m & POLLOUT)
    m |= POLLWRNORM;
  /* Errors and hang-ups are reported whether asked for or not. */
  return (short)(m & ((unsigned)(unsigned short)events | POLLERR | POLLHUP));
}

/* One look at every fd; the first look also links the poller into every file. */
static int poll_scan(struct pollfd *fds, nfds_t nfds, struct poll_slot *slots, bool link) {
  int ready = 0;
  for (nfds_t i = 0; i < nfds; i++) {
    fds[i].revents = 0;
    if (fds[i].fd < 0)
      continue;
    fds[i].revents = poll_events(slots[i].file, fds[i].events, link ? &slots[i].entry : NULL);
    ready += fds[i].revents != 0;
  }
  return ready;
}

int port_poll(struct pollfd *fds, nfds_t nfds, uint64_t deadline_ns) {
  if (nfds > 65536)
    return -EINVAL;
  struct port_poller *poller = calloc(1, sizeof(*poller) + nfds * sizeof(struct poll_slot));
  if (poller == NULL)
    return -ENOMEM;
  struct poll_slot *slots = (struct poll_slot *)(poller + 1);
  for (nfds_t i = 0; i < nfds; i++) {
    slots[i].entry.poller = poller;
    slots[i].file = fds[i].fd >= 0 ? port_fd_get(fds[i].fd) : NULL;
  }
  bool expired = deadline_ns == 0, linked = false;
  int ready;
  for (;;) {
    poller->woken = false;
    ready = poll_scan(fds, nfds, slots, !linked);
    linked = true;
    if (ready > 0 || expired)
      break;
    /* A change between the scan and now already counts: look again instead of sleeping. */
    if (!poller->woken && guest_waitq_wait(&poller->waiter, deadline_ns) == GUEST_TIMEDOUT)
      expired = true;
  }
  for (nfds_t i = 0; i < nfds; i++) {
    port_poll_remove(&slots[i].entry);
    if (slots[i].file != NULL)
      port_file_unref(slots[i].file);
  }
  free(poller);
  return ready;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms) {
  uint64_t deadline = timeout_ms < 0    ? GUEST_FOREVER
                      : timeout_ms == 0 ? 0
                                        : guest_deadline_after((uint64_t)timeout_ms * 1000000u);
  return (int)port_syscall_ret(port_poll(fds, nfds, deadline));
}
