/* hvt_hypercall.h: a hypercall is one `out` to its port, carrying the argument's address. */
#ifndef HVT_HYPERCALL_H
#define HVT_HYPERCALL_H

#include <stdint.h>
#include <unikvm/abi.h>

/*
 * arg points at the call's argument struct (abi.h). Guest RAM is
 * identity-mapped and at most 4 GiB, so its address is its 32-bit
 * guest-physical address; a stack variable is fine. The host reads the
 * struct and writes results back into it during the exit, hence the
 * "memory" clobber. Each call is a VM exit (~28 us under PVM): batch.
 */
static inline void hvt_hypercall(enum unikvm_hypercall n, void *arg) {
  __asm__ __volatile__("outl %0, %1"
                       :
                       : "a"((uint32_t)(uintptr_t)arg), "Nd"((uint16_t)(UNIKVM_HC_BASE + n))
                       : "memory");
}

#endif
