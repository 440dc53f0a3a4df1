/*
 * fuzz_hypercall.c: guest RAM contents + a few `out`s (port, size, value) -> hypercall_dispatch,
 * on a fake VM without KVM. Every port, every argument the guest controls, with or without a
 * NIC and a disk. Input: struct fuzz_hc_input, then guest RAM from GPA 0.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_vm.h"
#include "hypercall.h"
#include "unikvm/abi.h"

/*
 * A guest may ask poll and net_io to wait up to 2^64 ns; the harness shortens the wait (to under
 * a microsecond) so that an input runs in microseconds, as the guest could have asked itself.
 * poll's endless wait without a NIC stays: the host must refuse it.
 */
static void shorten_wait(struct fuzz_vm *f, const struct fuzz_hc_call *call) {
  size_t off;
  if (call->port == UNIKVM_HC_BASE + UNIKVM_HC_POLL)
    off = offsetof(struct unikvm_hc_poll, timeout_ns);
  else if (call->port == UNIKVM_HC_BASE + UNIKVM_HC_NET_IO)
    off = offsetof(struct unikvm_hc_net_io, timeout_ns);
  else
    return;
  uint64_t gpa = (uint64_t)call->value + off, ns;
  if (gpa + sizeof(ns) > f->vm.mem.size)
    return;
  memcpy(&ns, f->vm.mem.base + gpa, sizeof(ns));
  if (ns == UINT64_MAX && !f->vm.net && call->port == UNIKVM_HC_BASE + UNIKVM_HC_POLL)
    return;
  ns %= 1000;
  fuzz_vm_poke(f, gpa, &ns, sizeof(ns));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fuzz_hc_input in;
  fuzz_take(&in, sizeof(in), &data, &size);
  struct fuzz_vm f;
  fuzz_vm_start(&f, &in.dev, data, size);
  f.vm.console_limit = (uint64_t)in.console_limit * FUZZ_CONSOLE_LIMIT_UNIT;
  f.vm.mem.host_tables_end = (uint64_t)in.host_tables_pages * UNIKVM_PAGE_SIZE;
  unsigned ncalls = 1 + in.ncalls % FUZZ_HC_CALLS_MAX;
  for (unsigned i = 0; i < ncalls; i++) {
    const struct fuzz_hc_call *call = &in.calls[i];
    shorten_wait(&f, call);
    uint64_t before = 0, after = 0;
    for (unsigned n = 0; n < UNIKVM_HC_COUNT; n++)
      before += f.vm.stats.hypercalls[n];
    fuzz_scribble_stack();
    int rc = hypercall_dispatch(&f.vm, call->port, call->size, call->value);
    for (unsigned n = 0; n < UNIKVM_HC_COUNT; n++)
      after += f.vm.stats.hypercalls[n];
    /* 0 resumes the guest, -1 stops it; a stop always has its reason and status. */
    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK((rc == -1) == f.vm.stopped);
    /* Only a well-formed `out` to a hypercall port reaches a handler and is counted. */
    int valid_port = call->port >= UNIKVM_HC_BASE && call->port < UNIKVM_HC_BASE + UNIKVM_HC_COUNT;
    FUZZ_CHECK(after - before == (valid_port && call->size == 4));
    if (rc < 0)
      break;
  }
  /* The console never passes its limit, however the writes are cut. */
  FUZZ_CHECK(!f.vm.console_limit || f.vm.console_bytes <= f.vm.console_limit);
  fuzz_vm_finish(&f);
  return 0;
}
