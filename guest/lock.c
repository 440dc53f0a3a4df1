/* lock.c: guest_lock: owner, recursion count and a FIFO of waiters, handed over on release. */
#include <guest/lock.h>
#include <guest/panic.h>

bool guest_lock_try(struct guest_lock *l) {
  struct guest_thread *self = guest_thread_current();
  if (l->owner == NULL)
    l->owner = self;
  else if (l->owner != self)
    return false;
  l->count++;
  return true;
}

int guest_lock_acquire(struct guest_lock *l, uint64_t deadline_ns) {
  if (guest_lock_try(l))
    return GUEST_WOKEN;
  /*
   * The releaser makes us the owner before waking us (hand-over), so the
   * lock cannot be taken by a thread that arrives in between: waiters are
   * served in order and none starves.
   */
  return guest_waitq_wait(&l->waiters, deadline_ns);
}

void guest_lock_release(struct guest_lock *l) {
  if (l->owner != guest_thread_current() || l->count == 0)
    guest_panic("lock %p released by thread %u, which does not hold it", (void *)l,
                guest_thread_id(guest_thread_current()));
  if (--l->count > 0)
    return;
  struct guest_thread *next = guest_waitq_wake_one(&l->waiters);
  l->owner = next;
  if (next != NULL)
    l->count = 1;
}
