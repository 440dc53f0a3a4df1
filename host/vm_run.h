/* vm_run.h: the vCPU run loop. */
#ifndef UNIKVM_VM_RUN_H
#define UNIKVM_VM_RUN_H

#include "kvm_vcpu.h"
#include "vm.h"

/* Runs the guest until it stops; returns the exit status unikvm should end with. */
int vm_run(struct vm *vm, struct kvm_vcpu *cpu);

#endif
