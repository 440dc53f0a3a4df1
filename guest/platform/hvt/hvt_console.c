/* hvt_console.c: the console on hvt: CONSOLE_WRITE hypercalls. */
#include "hvt_hypercall.h"
#include <guest/console.h>

int64_t guest_console_write(enum guest_console_stream stream, const void *buf, size_t len) {
  if (len == 0)
    return 0; /* not worth a VM exit */
  struct unikvm_hc_console_write arg = {
      .data = (uint64_t)(uintptr_t)buf,
      .len = len,
      .stream = stream == GUEST_CONSOLE_STDERR ? UNIKVM_CONSOLE_STDERR : UNIKVM_CONSOLE_STDOUT,
      .reserved = 0,
      .ret = -UNIKVM_EIO, /* stays if the host does not answer */
  };
  hvt_hypercall(UNIKVM_HC_CONSOLE_WRITE, &arg);
  return arg.ret;
}
