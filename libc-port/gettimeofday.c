/* gettimeofday.c: gettimeofday(2) (and through it time(3)) from the TSC-based wall clock. */
#include "port.h"
#include <guest/clock.h>
#include <sys/time.h>

int _gettimeofday(struct timeval *tv, void *tz) {
  if (tv != NULL) {
    uint64_t ns = guest_clock_realtime_ns();
    tv->tv_sec = (time_t)(ns / GUEST_NS_PER_SEC);
    tv->tv_usec = (suseconds_t)(ns % GUEST_NS_PER_SEC / 1000);
  }
  /* Obsolete time zone: report UTC, no daylight saving. */
  if (tz != NULL) {
    struct timezone *z = tz;
    z->tz_minuteswest = 0;
    z->tz_dsttime = 0;
  }
  return 0;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
    __attribute__((alias("_gettimeofday")));
