/* pollwait.h: how poll and select sleep on many files at once: each file lists its pollers. */
#ifndef LIBC_PORT_POLLWAIT_H
#define LIBC_PORT_POLLWAIT_H

#include <guest/sched.h>
#include <stdbool.h>

/*
 * A thread waits on one queue only, so a poll call has its own (in a
 * poller) and links an entry into each file it watches; a file that
 * changes wakes every poller linked to it. All of it lives on the heap:
 * a forked poller's stack may be swapped out while it waits.
 */
struct port_poller {
  struct guest_waitq waiter;
  bool woken; /* a file changed since the poller last looked */
};

struct port_poll_entry {
  struct port_poller *poller;
  struct port_poll_head *head; /* NULL: not linked */
  struct port_poll_entry *prev, *next;
};

/* Embedded in each pollable object; all zero is an empty list. */
struct port_poll_head {
  struct port_poll_entry *first;
};

void port_poll_add(struct port_poll_head *h, struct port_poll_entry *e);
void port_poll_remove(struct port_poll_entry *e);
void port_poll_wake_all(struct port_poll_head *h);

/* Something about the object changed: wakes its pollers (cheap when there are none). */
static inline void port_poll_wake(struct port_poll_head *h) {
  if (h->first != NULL)
    port_poll_wake_all(h);
}

#endif
