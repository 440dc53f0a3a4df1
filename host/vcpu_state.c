/* vcpu_state.c: the vCPU's architectural state, saved and loaded whole (snapshots). */
#include "vcpu_state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#define MSR_IA32_TSC 0x10u
/* CF PF AF ZF SF TF DF OF, AC, ID: what the guest may change at CPL 3. */
#define RFLAGS_GUEST_MASK 0x240dd5ull
#define RFLAGS_HOST_SET   0x3002ull /* reserved bit 1, IOPL 3 (as at boot) */

static int fail(char *err, size_t errlen, const char *what) {
  snprintf(err, errlen, "%s: %s", what, strerror(errno));
  return -1;
}

struct one_msr {
  struct kvm_msrs head;
  struct kvm_msr_entry entry;
};

static int tsc_msr(struct kvm_vcpu *cpu, unsigned long request, uint64_t *tsc) {
  struct one_msr m = {.head = {.nmsrs = 1}, .entry = {.index = MSR_IA32_TSC, .data = *tsc}};
  if (ioctl(cpu->vcpu_fd, request, &m) != 1)
    return -1;
  *tsc = m.entry.data;
  return 0;
}

int vcpu_state_save(struct kvm_vcpu *cpu, struct vcpu_state *state, char *err, size_t errlen) {
  cpu->run->immediate_exit = 1;
  int rc = ioctl(cpu->vcpu_fd, KVM_RUN, 0);
  cpu->run->immediate_exit = 0;
  if (rc == 0 || errno != EINTR)
    return fail(err, errlen, "KVM_RUN to complete the hypercall");
  memset(state, 0, sizeof(*state));
  if (ioctl(cpu->vcpu_fd, KVM_GET_REGS, &state->regs) < 0)
    return fail(err, errlen, "KVM_GET_REGS");
  if (ioctl(cpu->vcpu_fd, KVM_GET_SREGS, &state->sregs) < 0)
    return fail(err, errlen, "KVM_GET_SREGS");
  if (ioctl(cpu->vcpu_fd, KVM_GET_XSAVE, &state->xsave) < 0)
    return fail(err, errlen, "KVM_GET_XSAVE");
  if (tsc_msr(cpu, KVM_GET_MSRS, &state->tsc) < 0)
    return fail(err, errlen, "KVM_GET_MSRS (TSC)");
  return 0;
}

int vcpu_state_adopt(struct kvm_vcpu *cpu, struct vcpu_state *state, char *err, size_t errlen) {
  struct kvm_sregs own;
  if (ioctl(cpu->vcpu_fd, KVM_GET_SREGS, &own) < 0)
    return fail(err, errlen, "KVM_GET_SREGS");
  own.fs.base = state->sregs.fs.base;
  own.gs.base = state->sregs.gs.base;
  state->sregs = own;
  return 0;
}

int vcpu_state_load(struct kvm_vcpu *cpu, const struct vcpu_state *state, int load_tsc, char *err,
                    size_t errlen) {
  if (ioctl(cpu->vcpu_fd, KVM_SET_SREGS, &state->sregs) < 0)
    return fail(err, errlen, "KVM_SET_SREGS");
  if (ioctl(cpu->vcpu_fd, KVM_SET_XSAVE, &state->xsave) < 0)
    return fail(err, errlen, "KVM_SET_XSAVE");
  /* Only flags CPL 3 code can set itself; IOPL and the rest stay the host's. */
  struct kvm_regs regs = state->regs;
  regs.rflags = (regs.rflags & RFLAGS_GUEST_MASK) | RFLAGS_HOST_SET;
  if (ioctl(cpu->vcpu_fd, KVM_SET_REGS, &regs) < 0)
    return fail(err, errlen, "KVM_SET_REGS");
  uint64_t tsc = state->tsc;
  if (load_tsc && tsc_msr(cpu, KVM_SET_MSRS, &tsc) < 0)
    return fail(err, errlen, "KVM_SET_MSRS (TSC)");
  return 0;
}
