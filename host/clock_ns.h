/* clock_ns.h: the host's clocks as nanosecond counts, and deadlines on CLOCK_MONOTONIC. */
#ifndef UNIKVM_HOST_CLOCK_NS_H
#define UNIKVM_HOST_CLOCK_NS_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_ns(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static inline struct timespec timespec_of_ns(uint64_t ns) {
  return (struct timespec){.tv_sec = (time_t)(ns / 1000000000u),
                           .tv_nsec = (long)(ns % 1000000000u)};
}

/* CLOCK_MONOTONIC now + DELAY_NS, saturating: a guest may ask for any timeout. */
static inline uint64_t deadline_after_ns(uint64_t delay_ns) {
  uint64_t now = clock_ns(CLOCK_MONOTONIC);
  return delay_ns > UINT64_MAX - now ? UINT64_MAX : now + delay_ns;
}

/* What is left of DEADLINE (CLOCK_MONOTONIC), never negative, as a timespec for ppoll. */
static inline struct timespec time_left_until(uint64_t deadline) {
  uint64_t now = clock_ns(CLOCK_MONOTONIC);
  return timespec_of_ns(deadline > now ? deadline - now : 0);
}

#endif
