/* hvt_time.c: time on hvt: the WALLTIME and POLL hypercalls. */
#include "hvt_hypercall.h"
#include <guest/netdev.h>
#include <guest/platform.h>

uint64_t platform_walltime_ns(void) {
  struct unikvm_hc_walltime arg = {0};
  hvt_hypercall(UNIKVM_HC_WALLTIME, &arg);
  return arg.ns;
}

uint64_t platform_cputime_ns(void) {
  struct unikvm_hc_cputime arg = {0};
  hvt_hypercall(UNIKVM_HC_CPUTIME, &arg);
  return arg.ns;
}

uint64_t platform_poll(uint64_t timeout_ns) {
  /* With a NIC, the wait also sends queued frames and fetches new ones. */
  if (netdev_info() != NULL)
    return netdev_exchange(timeout_ns) ? UNIKVM_READY_NET_RX : 0;
  struct unikvm_hc_poll arg = {.timeout_ns = timeout_ns, .ready = 0};
  hvt_hypercall(UNIKVM_HC_POLL, &arg);
  return arg.ready;
}

bool platform_has_events(void) {
  return netdev_info() != NULL;
}
