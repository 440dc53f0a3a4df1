/* clock.h: monotonic and wall-clock time from the TSC, and sleeping without spinning. */
#ifndef GUEST_CLOCK_H
#define GUEST_CLOCK_H

#include <stdint.h>

#define GUEST_NS_PER_SEC 1000000000ull

/*
 * tsc_base: TSC read as early as possible at entry (monotonic time 0);
 * wallclock_ns: CLOCK_REALTIME at boot, from the boot info.
 */
void guest_clock_init(uint64_t tsc_base, uint64_t tsc_hz, uint64_t wallclock_ns);

/* Nanoseconds since entry; never goes backwards, no VM exit. */
uint64_t guest_clock_monotonic_ns(void);

/* Nanoseconds since the epoch: boot wall clock + monotonic time. */
uint64_t guest_clock_realtime_ns(void);

/* Smallest step the monotonic clock can take, in ns (at least 1). */
uint64_t guest_clock_resolution_ns(void);

/* Sleeps until guest_clock_monotonic_ns() >= deadline_ns, in host polls. */
void guest_sleep_until(uint64_t deadline_ns);

/* deadline for "now + delay", saturating instead of wrapping. */
uint64_t guest_deadline_after(uint64_t delay_ns);

#endif
