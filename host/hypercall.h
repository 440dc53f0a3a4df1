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
int hc_net_ring(struct vm *vm, uint64_t arg_gpa);
int hc_blk_io(struct vm *vm, uint64_t arg_gpa);
int hc_cputime(struct vm *vm, uint64_t arg_gpa);

/*
 * The one way a handler reaches its argument struct: a checked host
 * pointer, or the VM ends with a message naming the hypercall.
 */
#define HC_ARG(vm, gpa, type, name)                                                                \
  type *name = hc_guest_structs((vm), __func__, (gpa), 1, sizeof(type), _Alignof(type));           \
  if (!name)                                                                                       \
    return -1;

int hc_bad_address(struct vm *vm, const char *handler, uint64_t gpa, uint64_t len);

/*
 * COUNT structs of SIZE bytes at GPA that the host reads in place: a host
 * pointer if they lie in guest RAM and GPA is ALIGN-aligned, else NULL and
 * the VM has ended with a message naming HANDLER. Alignment matters because
 * C lets the compiler assume it (aligned vector loads, say): a guest that
 * passes a misaligned struct must not get undefined behaviour in the host.
 */
void *hc_guest_structs(struct vm *vm, const char *handler, uint64_t gpa, uint64_t count,
                       uint64_t size, uint64_t align);

#endif
