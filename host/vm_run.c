/* vm_run.c: the vCPU run loop: every exit is a hypercall, a crash, or an error. */
#include "vm_run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "exit_status.h"
#include "fault_report.h"
#include "hypercall.h"

static int handle_io(struct vm *vm, struct kvm_vcpu *cpu) {
  struct kvm_run *run = cpu->run;
  if (run->io.port == UNIKVM_EXCEPTION_PORT)
    return fault_report_exception(vm, cpu);
  if (run->io.direction != KVM_EXIT_IO_OUT || run->io.count != 1)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "unsupported access to I/O port 0x%x",
                   run->io.port);
  uint32_t value = 0;
  /* data_offset comes from the kernel, but keep the copy inside the mapping. */
  if (run->io.data_offset + run->io.size > cpu->run_size || run->io.size > sizeof(value))
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "bad I/O exit data");
  memcpy(&value, (uint8_t *)run + run->io.data_offset, run->io.size);
  return hypercall_dispatch(vm, run->io.port, run->io.size, value);
}

static int handle_exit(struct vm *vm, struct kvm_vcpu *cpu) {
  struct kvm_run *run = cpu->run;
  switch (run->exit_reason) {
  case KVM_EXIT_IO:
    return handle_io(vm, cpu);
  case KVM_EXIT_SHUTDOWN:
    return fault_report_exit(vm, cpu, "triple fault");
  case KVM_EXIT_HLT:
    return fault_report_exit(vm, cpu, "halted");
  case KVM_EXIT_MMIO:
    return fault_report_exit(vm, cpu, "access outside guest RAM");
  case KVM_EXIT_FAIL_ENTRY:
    return vm_fail(vm, EXIT_GUEST_FAULT, "guest fault", "vCPU entry failed (reason 0x%llx)",
                   (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
  case KVM_EXIT_INTERNAL_ERROR:
    return fault_report_exit(vm, cpu, "KVM internal error");
  default: {
    char why[64];
    snprintf(why, sizeof(why), "unexpected exit reason %u", run->exit_reason);
    return fault_report_exit(vm, cpu, why);
  }
  }
}

int vm_run(struct vm *vm, struct kvm_vcpu *cpu) {
  while (!vm->stopped) {
    if (vm_stop_signal && vm->stop_quietly) { /* a clone: unikvm says it once */
      vm->stopped = true;
      vm->exit_status = 128 + vm_stop_signal;
      break;
    }
    if (vm_stop_signal == SIGALRM) {
      vm_fail(vm, EXIT_TIMEOUT, "--timeout", "the guest was still running after %g s",
              vm->timeout_s);
      break;
    }
    if (vm_stop_signal) {
      vm_fail(vm, 128 + vm_stop_signal, "stopped", "%s", strsignal(vm_stop_signal));
      break;
    }
    if (ioctl(cpu->vcpu_fd, KVM_RUN, 0) < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      vm_fail(vm, EXIT_SETUP, "KVM_RUN", "%s", strerror(errno));
      break;
    }
    stats_count_exit(&vm->stats, cpu->run->exit_reason);
    handle_exit(vm, cpu);
  }
  return vm->exit_status;
}
