/* efi_clock.c: the TSC's frequency, calibrated against the firmware's Stall, and the RTC's time. */
#include "efi_clock.h"

#include <efi.h>
#include <efilib.h>

#include "efi_io.h"

/*
 * 20 ms: Stall polls a timer whose read costs a few microseconds under
 * TCG, so the error stays near 0.1% while boot time barely moves.
 */
#define CALIBRATE_US 20000u

uint64_t efi_clock_tsc_hz(void) {
  uint64_t best = 0;
  /* The shortest of three: a timer interrupt inside Stall only ever adds ticks. */
  for (int i = 0; i < 3; i++) {
    uint64_t t0 = efi_rdtsc();
    uefi_call_wrapper(BS->Stall, 1, CALIBRATE_US);
    uint64_t ticks = efi_rdtsc() - t0;
    if (best == 0 || ticks < best)
      best = ticks;
  }
  return best * (1000000u / CALIBRATE_US);
}

int64_t efi_days_from_civil(int64_t y, unsigned m, unsigned d) {
  /* Howard Hinnant's algorithm: eras of 400 years, March-based years. */
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

uint64_t efi_clock_walltime_ns(uint64_t *tsc_then) {
  EFI_TIME t;
  *tsc_then = efi_rdtsc();
  if (EFI_ERROR(uefi_call_wrapper(RT->GetTime, 2, &t, NULL)) || t.Year < 1970)
    return 0;
  int64_t days = efi_days_from_civil(t.Year, t.Month, t.Day);
  int64_t secs = days * 86400 + t.Hour * 3600 + t.Minute * 60 + t.Second;
  /* The RTC keeps local time when the firmware knows the zone: TimeZone = minutes from UTC. */
  if (t.TimeZone != EFI_UNSPECIFIED_TIMEZONE)
    secs -= (int64_t)t.TimeZone * 60;
  return (uint64_t)secs * 1000000000u + t.Nanosecond;
}
