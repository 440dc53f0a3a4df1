/* hvt_time.c: time on hvt: the WALLTIME and POLL hypercalls. */
#include "hvt_hypercall.h"
#include <guest/platform.h>

uint64_t platform_walltime_ns(void) {
  struct unikvm_hc_walltime arg = {0};
  hvt_hypercall(UNIKVM_HC_WALLTIME, &arg);
  return arg.ns;
}

uint64_t platform_poll(uint64_t timeout_ns) {
  struct unikvm_hc_poll arg = {.timeout_ns = timeout_ns, .ready = 0};
  hvt_hypercall(UNIKVM_HC_POLL, &arg);
  return arg.ready;
}
