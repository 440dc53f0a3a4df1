/* sleep.c: guest_sleep_until: other threads run meanwhile, the idle guest waits in the host. */
#include <guest/clock.h>
#include <guest/sched.h>

void guest_sleep_until(uint64_t deadline_ns) {
  /* GUEST_FOREVER would mean "no deadline"; the latest real one is as good. */
  if (deadline_ns == GUEST_FOREVER)
    deadline_ns--;
  /* Without a queue nothing else can wake the thread: this returns at the deadline. */
  guest_waitq_wait(NULL, deadline_ns);
}
