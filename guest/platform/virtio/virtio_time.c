/* virtio_time.c: time and idling on the virtio platform: the TSC, and polling, not sleeping. */
#include <guest/clock.h>
#include <guest/netdev.h>
#include <guest/platform.h>
#include <unikvm/abi.h>

#include "virtio_io.h"
#include "virtio_platform.h"

/* The loader read the RTC at boot; no device is faster to ask than the TSC. */
uint64_t platform_walltime_ns(void) {
  return guest_clock_realtime_ns();
}

/* The vCPU never sleeps here (it polls), so its CPU time is the time since boot. */
uint64_t platform_cputime_ns(void) {
  return guest_clock_monotonic_ns();
}

/*
 * No interrupts at CPL 3 and no hlt: waiting is a spin with pause, bounded
 * by the deadline. Under TCG pause ends the translation block, so QEMU's
 * devices make progress meanwhile.
 */
bool virtio_wait_until(uint64_t deadline_ns, bool (*ready)(void)) {
  for (;;) {
    if (ready != NULL && ready())
      return true;
    if (guest_clock_monotonic_ns() >= deadline_ns)
      return false;
    io_pause();
  }
}

uint64_t platform_poll(uint64_t timeout_ns) {
  if (netdev_info() != NULL)
    return netdev_exchange(timeout_ns) ? UNIKVM_READY_NET_RX : 0;
  /* Nothing can end the wait early; UINT64_MAX is refused by contract (no device). */
  virtio_wait_until(guest_deadline_after(timeout_ns), NULL);
  return 0;
}

bool platform_has_events(void) {
  return netdev_info() != NULL;
}
