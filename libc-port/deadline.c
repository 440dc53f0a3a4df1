/* deadline.c: absolute timeouts (timedwait, timedlock, TIMER_ABSTIME) as deadlines. */
#include "port.h"
#include <guest/clock.h>

uint64_t port_abstime_deadline(clockid_t clock, const struct timespec *abstime) {
  if (abstime->tv_sec < 0)
    return 0;
  uint64_t want = (uint64_t)abstime->tv_sec >= UINT64_MAX / GUEST_NS_PER_SEC / 2
                      ? UINT64_MAX / 2
                      : (uint64_t)abstime->tv_sec * GUEST_NS_PER_SEC + (uint64_t)abstime->tv_nsec;
  /* The scheduler counts in monotonic time: translate a realtime instant. */
  uint64_t now = clock == CLOCK_MONOTONIC ? guest_clock_monotonic_ns() : guest_clock_realtime_ns();
  return want > now ? guest_deadline_after(want - now) : 0;
}
