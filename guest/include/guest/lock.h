/* lock.h: a sleeping lock with an owner and a recursion count, for libc's locks and mutexes. */
#ifndef GUEST_LOCK_H
#define GUEST_LOCK_H

#include <guest/sched.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * With cooperative threads a lock only matters across a block (a thread
 * that waits for a pipe while holding stdout's lock), but then it must
 * really exclude and queue. All zero is an unlocked lock.
 */
struct guest_lock {
  struct guest_thread *owner;
  unsigned count; /* acquisitions by owner not yet released */
  struct guest_waitq waiters;
};

/*
 * Takes the lock, counting again if the caller already owns it; waits
 * until deadline_ns (GUEST_FOREVER: no limit). Returns GUEST_WOKEN when the
 * lock is taken, GUEST_TIMEDOUT when the deadline passed first.
 */
int guest_lock_acquire(struct guest_lock *l, uint64_t deadline_ns);

/* Takes the lock if that needs no wait (or the caller owns it); returns whether it did. */
bool guest_lock_try(struct guest_lock *l);

/* Undoes one acquisition; the last one hands the lock to the first waiter. */
void guest_lock_release(struct guest_lock *l);

static inline bool guest_lock_held_by_me(const struct guest_lock *l) {
  return l->owner == guest_thread_current();
}

#endif
