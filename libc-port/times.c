/* times.c: times(2), which clock(3) reads: CLOCKS_PER_SEC ticks of the VM's CPU time. */
#include "port.h"
#include <guest/clock.h>
#include <guest/platform.h>
#include <time.h>

/*
 * newlib's clock() returns tms_utime + tms_stime + children in the units it
 * divides by CLOCKS_PER_SEC, so the tick here must be 1/CLOCKS_PER_SEC s.
 * CLK_TCK is the same value in newlib.
 */
_Static_assert(GUEST_NS_PER_SEC % CLOCKS_PER_SEC == 0, "CLOCKS_PER_SEC must divide 1e9");
#define TIMES_NS_PER_TICK (GUEST_NS_PER_SEC / CLOCKS_PER_SEC)

clock_t _times(struct tms *buf) {
  /* The host's CPU time for the VM, as clock() natively counts the process's
   * CPU time: elapsed time would also count what other host processes ran. */
  clock_t ticks = (clock_t)(platform_cputime_ns() / TIMES_NS_PER_TICK);
  if (buf != NULL) {
    buf->tms_utime = ticks;
    buf->tms_stime = 0;
    buf->tms_cutime = 0;
    buf->tms_cstime = 0;
  }
  return ticks;
}

clock_t times(struct tms *buf) __attribute__((alias("_times")));
