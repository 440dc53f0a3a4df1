/*
 * fuzz_blk_io.c: the BLK_IO request validation (host/blk.c): a batch of sector requests on a
 * disk of 1..32 sectors, read-only or not, with O_DIRECT's rules or not. Input: struct
 * fuzz_devices (the disk flag is forced on), then guest RAM from GPA 0, where the
 * struct unikvm_hc_blk_io lives.
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
  dev.flags = (uint8_t)((dev.flags | FUZZ_DEV_DISK) & ~FUZZ_DEV_NET);
  struct fuzz_vm f;
  fuzz_vm_start(&f, &dev, data, size);
  struct unikvm_hc_blk_io arg;
  memcpy(&arg, f.vm.mem.base + FUZZ_ARG_GPA, sizeof(arg));
  fuzz_scribble_stack();
  int rc = hc_blk_io(&f.vm, FUZZ_ARG_GPA);
  FUZZ_CHECK((rc == -1) == f.vm.stopped);
  if (rc == 0) {
    /* Accepted: the batch fitted in RAM, every request ran and was counted once. */
    struct unikvm_hc_blk_io *out = (void *)(f.vm.mem.base + FUZZ_ARG_GPA);
    FUZZ_CHECK(arg.count <= UNIKVM_BLK_BATCH_MAX);
    FUZZ_CHECK((uint64_t)arg.reqs + arg.count * sizeof(struct unikvm_blk_req) <= FUZZ_RAM_SIZE);
    FUZZ_CHECK(out->done == arg.count);
    FUZZ_CHECK(f.blk.reads + f.blk.writes + f.blk.flushes <= arg.count);
    FUZZ_CHECK(f.blk.errors <= arg.count);
  }
  fuzz_vm_finish(&f);
  return 0;
}
