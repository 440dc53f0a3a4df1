/*
 * fuzz_net_io.c: the NET_IO batch validation (host/net.c): tx and rx frame arrays, counts,
 * lengths against any MTU, on a message socket (the user-mode helper) or a tap-like fd, with
 * frames waiting or not. Input: struct fuzz_devices (the NIC flag is forced on), then guest RAM
 * from GPA 0, where the struct unikvm_hc_net_io lives.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_vm.h"
#include "hypercall.h"
#include "unikvm/abi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fuzz_devices dev;
  fuzz_take(&dev, sizeof(dev), &data, &size);
  dev.flags = (uint8_t)((dev.flags | FUZZ_DEV_NET) & ~FUZZ_DEV_DISK);
  struct fuzz_vm f;
  fuzz_vm_start(&f, &dev, data, size);
  struct unikvm_hc_net_io *live = (void *)(f.vm.mem.base + FUZZ_ARG_GPA);
  /* As in fuzz_hypercall: a wait under a microsecond, not up to 2^64 ns. */
  uint64_t timeout_ns = live->timeout_ns % 1000;
  fuzz_vm_poke(&f, FUZZ_ARG_GPA + offsetof(struct unikvm_hc_net_io, timeout_ns), &timeout_ns,
               sizeof(timeout_ns));
  struct unikvm_hc_net_io arg = *live;
  fuzz_scribble_stack();
  int rc = hc_net_io(&f.vm, FUZZ_ARG_GPA);
  FUZZ_CHECK((rc == -1) == f.vm.stopped);
  if (rc == 0) {
    /*
     * Accepted: counts within the batch limit, results within what the guest offered. (rx_done
     * is written last; the other results may lie under a received frame the guest placed on
     * its own argument, so the device counters are checked instead.)
     */
    FUZZ_CHECK(arg.tx_count <= UNIKVM_NET_BATCH_MAX && arg.rx_count <= UNIKVM_NET_BATCH_MAX);
    FUZZ_CHECK(live->rx_done <= arg.rx_count);
    FUZZ_CHECK(f.net.tx_frames + f.net.tx_dropped <= arg.tx_count);
    FUZZ_CHECK(f.net.rx_frames <= arg.rx_count);
  }
  fuzz_vm_finish(&f);
  return 0;
}
