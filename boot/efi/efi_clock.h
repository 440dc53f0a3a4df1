/* efi_clock.h: what the kernel's clock needs: the TSC's frequency and the wall clock at boot. */
#ifndef EFI_CLOCK_H
#define EFI_CLOCK_H

#include <stdint.h>

/* TSC ticks per second, measured against the firmware's Stall (no host tells it here). */
uint64_t efi_clock_tsc_hz(void);

/*
 * CLOCK_REALTIME from the firmware's RTC (UTC, whole seconds), in ns since
 * the epoch, and the TSC when it was read; 0 when the RTC cannot be read.
 */
uint64_t efi_clock_walltime_ns(uint64_t *tsc_then);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t efi_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
