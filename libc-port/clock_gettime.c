/* clock_gettime.c: clock_gettime/getres/settime(2) for the realtime and monotonic clocks. */
#include "port.h"
#include <errno.h>
#include <guest/clock.h>
#include <time.h>

/* Linux's numbering for the GNU clocks newlib names (time.h, __GNU_VISIBLE). */
enum {
  PORT_CLOCK_REALTIME_COARSE = 0,
  PORT_CLOCK_MONOTONIC_RAW = 5,
  PORT_CLOCK_MONOTONIC_COARSE = 6,
  PORT_CLOCK_BOOTTIME = 7,
};

/* Which clock an id reads: 'r'ealtime, 'm'onotonic, or 0 for unsupported. */
static char port_clock_kind(clockid_t id) {
  switch (id) {
  case CLOCK_REALTIME:
  case PORT_CLOCK_REALTIME_COARSE:
    return 'r';
  case CLOCK_MONOTONIC:
  case PORT_CLOCK_MONOTONIC_RAW:
  case PORT_CLOCK_MONOTONIC_COARSE:
  case PORT_CLOCK_BOOTTIME: /* the guest never suspends */
    return 'm';
  default:
    return 0;
  }
}

static void port_ns_to_timespec(uint64_t ns, struct timespec *tp) {
  tp->tv_sec = (time_t)(ns / GUEST_NS_PER_SEC);
  tp->tv_nsec = (long)(ns % GUEST_NS_PER_SEC);
}

int clock_gettime(clockid_t id, struct timespec *tp) {
  char kind = port_clock_kind(id);
  if (kind == 0) {
    errno = EINVAL;
    return -1;
  }
  if (tp == NULL) {
    errno = EFAULT;
    return -1;
  }
  port_ns_to_timespec(kind == 'r' ? guest_clock_realtime_ns() : guest_clock_monotonic_ns(), tp);
  return 0;
}

int clock_getres(clockid_t id, struct timespec *res) {
  if (port_clock_kind(id) == 0) {
    errno = EINVAL;
    return -1;
  }
  if (res != NULL)
    port_ns_to_timespec(guest_clock_resolution_ns(), res);
  return 0;
}

/* The host owns the wall clock; the guest may not set it. */
int clock_settime(clockid_t id, const struct timespec *tp) {
  (void)tp;
  errno = port_clock_kind(id) == 0 ? EINVAL : EPERM;
  return -1;
}
