/* kvm_vcpu.h: the KVM VM and its single vCPU, set up for the hvt ABI (long mode, CPL 3). */
#ifndef UNIKVM_KVM_VCPU_H
#define UNIKVM_KVM_VCPU_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

struct kvm_vcpu {
  int kvm_fd, vm_fd, vcpu_fd;
  struct kvm_run *run;
  size_t run_size;
  struct kvm_cpuid2 *cpuid; /* what KVM supports, passed to the guest */
};

/*
 * Setup is split so that the slow, independent parts can overlap (see
 * boot_setup.c). Costs on these hosts: open /dev/kvm; create the VM
 * (≈0.3 ms); map guest RAM into it (≈0.1 ms); create the vCPU (≈0.35 ms);
 * read the supported CPUID (≈0.4 ms, independent of the VM; into a buffer
 * kvm_vcpu_open allocates, or a new one). Each returns 0, or -1 with a
 * one-line reason in ERR.
 */
int kvm_vcpu_open(struct kvm_vcpu *cpu, char *err, size_t errlen);
int kvm_vm_create(struct kvm_vcpu *cpu, char *err, size_t errlen);
/* Before kvm_vcpu_create: the vCPU gets an in-kernel local APIC (no PIC/IOAPIC), which
 * makes creating and destroying it cheaper (see kvm_vcpu.c). Best effort. */
void kvm_vm_split_irqchip(struct kvm_vcpu *cpu);
int kvm_vm_map_ram(struct kvm_vcpu *cpu, struct guest_mem *mem, char *err, size_t errlen);
int kvm_vcpu_create(struct kvm_vcpu *cpu, char *err, size_t errlen);
int kvm_vcpu_query_cpuid(struct kvm_vcpu *cpu, char *err, size_t errlen);

/* TSC frequency the guest sees, in Hz (0 if KVM cannot tell). */
uint64_t kvm_vcpu_tsc_hz(struct kvm_vcpu *cpu);

/* Puts the vCPU at ENTRY in 64-bit mode at CPL 3 / IOPL 3 with rsp = STACK_TOP,
 * rdi = BOOT_INFO, on the tables x86_tables_write() built. */
int kvm_vcpu_reset(struct kvm_vcpu *cpu, uint64_t entry, uint64_t stack_top, uint64_t boot_info,
                   char *err, size_t errlen);

void kvm_vcpu_destroy(struct kvm_vcpu *cpu);

#endif
