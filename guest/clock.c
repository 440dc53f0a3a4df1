/* clock.c: monotonic and wall-clock time from the TSC, scaled with the boot info's frequency. */
#include <guest/clock.h>
#include <guest/tsc.h>

/*
 * ns = (ticks * mult) >> shift with a 128-bit product: exact to a few parts
 * in 10^19 and free of overflow for any 64-bit tick count (centuries).
 */
static uint64_t clock_tsc_base;
static uint64_t clock_mult;
static unsigned clock_shift;
static uint64_t clock_wallclock_ns;
static uint64_t clock_resolution_ns = 1;

void guest_clock_init(uint64_t tsc_base, uint64_t tsc_hz, uint64_t wallclock_ns) {
  /* The largest shift whose multiplier still fits 64 bits: most precision. */
  unsigned shift = 64;
  while (shift > 0 && (((unsigned __int128)GUEST_NS_PER_SEC << shift) / tsc_hz) >> 64 != 0)
    shift--;
  clock_mult = (uint64_t)(((unsigned __int128)GUEST_NS_PER_SEC << shift) / tsc_hz);
  clock_shift = shift;
  clock_tsc_base = tsc_base;
  clock_wallclock_ns = wallclock_ns;
  if (tsc_hz < GUEST_NS_PER_SEC)
    clock_resolution_ns = (GUEST_NS_PER_SEC + tsc_hz - 1) / tsc_hz;
}

uint64_t guest_clock_monotonic_ns(void) {
  uint64_t ticks = guest_rdtsc() - clock_tsc_base;
  return (uint64_t)(((unsigned __int128)ticks * clock_mult) >> clock_shift);
}

uint64_t guest_clock_realtime_ns(void) {
  return clock_wallclock_ns + guest_clock_monotonic_ns();
}

uint64_t guest_clock_resolution_ns(void) {
  return clock_resolution_ns;
}

uint64_t guest_deadline_after(uint64_t delay_ns) {
  uint64_t now = guest_clock_monotonic_ns();
  return delay_ns > UINT64_MAX - now ? UINT64_MAX : now + delay_ns;
}
