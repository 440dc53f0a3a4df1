/* sleep.c: guest_sleep_until, which blocks in the host instead of spinning. */
#include <guest/clock.h>
#include <guest/platform.h>

/* The host refuses UINT64_MAX (wait for an event that may never come). */
#define SLEEP_MAX_POLL_NS (UINT64_MAX / 2)

void guest_sleep_until(uint64_t deadline_ns) {
  /*
   * The host's clock and the TSC may disagree slightly, and a device event
   * ends a poll early: poll again until our own clock says the deadline is
   * past.
   */
  for (;;) {
    uint64_t now = guest_clock_monotonic_ns();
    if (now >= deadline_ns)
      return;
    uint64_t left = deadline_ns - now;
    platform_poll(left < SLEEP_MAX_POLL_NS ? left : SLEEP_MAX_POLL_NS);
  }
}
