/* vcpu_state.h: the vCPU's architectural state, saved and loaded whole (snapshots). */
#ifndef UNIKVM_VCPU_STATE_H
#define UNIKVM_VCPU_STATE_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm_vcpu.h"

/*
 * What a guest of the hvt ABI can change about its vCPU at CPL 3:
 * general registers, segment state (FS/GS bases included), and the x87/SSE/
 * AVX register file. Control registers and tables are the host's and do
 * not change, but travel in sregs anyway.
 */
struct vcpu_state {
  struct kvm_regs regs;
  struct kvm_sregs sregs;
  struct kvm_xsave xsave;
  uint64_t tsc; /* the guest's TSC when saved */
};

/*
 * Saves the state at a hypercall exit. KVM finishes the `out` only on the
 * next KVM_RUN, so this first completes it (immediate_exit) and the saved
 * rip is the instruction after the hypercall. 0, or -1 with ERR.
 */
int vcpu_state_save(struct kvm_vcpu *cpu, struct vcpu_state *state, char *err, size_t errlen);

/*
 * Makes STATE, read from a file, safe to load into CPU after kvm_vcpu_reset():
 * segment, table and control state become the host's own, keeping only the
 * FS/GS bases the guest may set. 0, or -1 with ERR.
 */
int vcpu_state_adopt(struct kvm_vcpu *cpu, struct vcpu_state *state, char *err, size_t errlen);

/* Loads STATE (without the TSC unless LOAD_TSC; rflags limited to what CPL 3 may set).
 * 0, or -1 with ERR. */
int vcpu_state_load(struct kvm_vcpu *cpu, const struct vcpu_state *state, int load_tsc, char *err,
                    size_t errlen);

#endif
