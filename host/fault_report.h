/* fault_report.h: explains a guest crash (CPU exception, triple fault) on stderr. */
#ifndef UNIKVM_FAULT_REPORT_H
#define UNIKVM_FAULT_REPORT_H

#include "kvm_vcpu.h"
#include "vm.h"

/* The exception stubs reported a CPU exception: print it and stop the VM. */
int fault_report_exception(struct vm *vm, struct kvm_vcpu *cpu);

/* The vCPU left in a way the ABI has no use for (triple fault, hlt, ...). */
int fault_report_exit(struct vm *vm, struct kvm_vcpu *cpu, const char *why);

#endif
