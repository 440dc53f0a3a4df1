/* hypercall.h: dispatch of guest hypercalls (an `out` to UNIKVM_HC_BASE + n). */
#ifndef UNIKVM_HYPERCALL_H
#define UNIKVM_HYPERCALL_H

#include <stdint.h>

#include "vm.h"

typedef int (*hypercall_fn)(struct vm *vm, uint64_t arg_gpa);

/*
 * Handles an `out` of VALUE to PORT with access SIZE bytes. Returns 0 to
 * resume the guest, -1 when the VM has stopped (vm->stopped is set, with
 * the reason already printed).
 */
int hypercall_dispatch(struct vm *vm, uint16_t port, uint32_t size, uint32_t value);

/* The handlers, one file per device; each validates its own argument. */
int hc_console_write(struct vm *vm, uint64_t arg_gpa);
int hc_exit(struct vm *vm, uint64_t arg_gpa);
int hc_abort(struct vm *vm, uint64_t arg_gpa);
int hc_walltime(struct vm *vm, uint64_t arg_gpa);
int hc_poll(struct vm *vm, uint64_t arg_gpa);
int hc_net_io(struct vm *vm, uint64_t arg_gpa);
int hc_blk_io(struct vm *vm, uint64_t arg_gpa);
int hc_cputime(struct vm *vm, uint64_t arg_gpa);

/*
 * The one way a handler reaches its argument struct: a checked host
 * pointer, or the VM ends with a message naming the hypercall.
 */
#define HC_ARG(vm, gpa, type, name)                                                                \
  type *name = guest_mem_ptr(&(vm)->mem, (gpa), sizeof(type));                                     \
  if (!name)                                                                                       \
    return hc_bad_address((vm), __func__, (gpa), sizeof(type));

int hc_bad_address(struct vm *vm, const char *handler, uint64_t gpa, uint64_t len);

#endif
