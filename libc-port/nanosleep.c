/* nanosleep.c: nanosleep, clock_nanosleep, sleep, usleep: other threads run meanwhile. */
#include "port.h"
#include <errno.h>
#include <guest/clock.h>
#include <time.h>

/* ns in a valid timespec, saturating; -1 when the timespec is invalid. */
static int64_t port_timespec_ns(const struct timespec *ts) {
  if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)GUEST_NS_PER_SEC)
    return -1;
  if ((uint64_t)ts->tv_sec >= (uint64_t)INT64_MAX / GUEST_NS_PER_SEC)
    return INT64_MAX;
  return (int64_t)((uint64_t)ts->tv_sec * GUEST_NS_PER_SEC + (uint64_t)ts->tv_nsec);
}

/* Nothing interrupts a sleep (no signals yet), so the remainder is always 0. */
static void port_clear_remainder(struct timespec *rem) {
  if (rem != NULL) {
    rem->tv_sec = 0;
    rem->tv_nsec = 0;
  }
}

int clock_nanosleep(clockid_t id, int flags, const struct timespec *req, struct timespec *rem) {
  if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC)
    return EINVAL;
  if (req == NULL)
    return EFAULT;
  int64_t ns = port_timespec_ns(req);
  if (ns < 0)
    return EINVAL;
  uint64_t deadline;
  if (flags & TIMER_ABSTIME) {
    deadline = port_abstime_deadline(id, req);
  } else {
    deadline = guest_deadline_after((uint64_t)ns);
    port_clear_remainder(rem);
  }
  guest_sleep_until(deadline);
  return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem) {
  int err = clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return 0;
}

unsigned sleep(unsigned seconds) {
  guest_sleep_until(guest_deadline_after((uint64_t)seconds * GUEST_NS_PER_SEC));
  return 0;
}

int usleep(useconds_t usec) {
  guest_sleep_until(guest_deadline_after((uint64_t)usec * 1000));
  return 0;
}
