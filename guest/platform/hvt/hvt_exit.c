/* hvt_exit.c: ending the VM on hvt: the EXIT and ABORT hypercalls. */
#include "hvt_hypercall.h"
#include <guest/netdev.h>
#include <guest/platform.h>

noreturn void platform_exit(int status) {
  netdev_flush(); /* frames queued by the last send would die with the VM */
  struct unikvm_hc_exit arg = {.status = status, .reserved = 0};
  hvt_hypercall(UNIKVM_HC_EXIT, &arg);
  /* The host never resumes the guest after EXIT; if it does, fault loudly. */
  for (;;)
    __builtin_trap();
}

noreturn void platform_abort(const char *msg, size_t len) {
  struct unikvm_hc_abort arg = {.msg = (uint64_t)(uintptr_t)msg, .len = len};
  hvt_hypercall(UNIKVM_HC_ABORT, &arg);
  for (;;)
    __builtin_trap();
}
