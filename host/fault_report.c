/* fault_report.c: explains a guest crash (CPU exception, triple fault) on stderr. */
#include "fault_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "exit_status.h"
#include "fd_printf.h"
#include "unikvm/x86_vectors.h"
#include "x86_layout.h"

/* What the CPL 0 stub leaves on its stack, lowest address first. */
struct exception_frame {
  uint64_t rdx, vector, error, rip, cs, rflags, rsp, ss;
};

static void dump_registers(int fd, const struct kvm_regs *r, const struct kvm_sregs *s) {
  fd_printf(fd,
            "  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n"
            "  rsi=%016llx rdi=%016llx rbp=%016llx rsp=%016llx\n"
            "  r8 =%016llx r9 =%016llx r10=%016llx r11=%016llx\n"
            "  r12=%016llx r13=%016llx r14=%016llx r15=%016llx\n"
            "  rip=%016llx rflags=%016llx cs=%04x ss=%04x cr2=%016llx cr3=%016llx\n",
            r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->rsp, r->r8, r->r9, r->r10,
            r->r11, r->r12, r->r13, r->r14, r->r15, r->rip, r->rflags, s->cs.selector,
            s->ss.selector, s->cr2, s->cr3);
}

static int read_state(struct kvm_vcpu *cpu, struct kvm_regs *regs, struct kvm_sregs *sregs) {
  memset(regs, 0, sizeof(*regs));
  memset(sregs, 0, sizeof(*sregs));
  return ioctl(cpu->vcpu_fd, KVM_GET_REGS, regs) < 0 ||
                 ioctl(cpu->vcpu_fd, KVM_GET_SREGS, sregs) < 0
             ? -1
             : 0;
}

int fault_report_exception(struct vm *vm, struct kvm_vcpu *cpu) {
  struct kvm_regs regs;
  struct kvm_sregs sregs;
  if (read_state(cpu, &regs, &sregs) < 0)
    return vm_fail(vm, EXIT_GUEST_FAULT, "guest fault", "cannot read vCPU state");
  /* Only the CPL 0 stubs may use this port; from CPL 3 it is a bad port. */
  if ((sregs.cs.selector & 3) != 0)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "write to unknown I/O port 0x%x",
                   UNIKVM_EXCEPTION_PORT);
  const struct exception_frame *f = guest_mem_host_ptr(&vm->mem, regs.rsp, sizeof(*f));
  if (!f)
    return vm_fail(vm, EXIT_GUEST_FAULT, "guest fault", "exception with a corrupt stack");
  struct exception_frame frame = *f;
  /* Show the registers as they were at the fault, not inside the stub. */
  regs.rip = frame.rip;
  regs.rsp = frame.rsp;
  regs.rflags = frame.rflags;
  regs.rdx = frame.rdx;
  sregs.cs.selector = (uint16_t)frame.cs;
  sregs.ss.selector = (uint16_t)frame.ss;
  const char *name = x86_vector_name(frame.vector);
  if (!name)
    name = "unknown exception";
  char extra[96] = "";
  if (frame.vector == 14)
    snprintf(extra, sizeof(extra), " address=0x%llx error=0x%" PRIx64, sregs.cr2, frame.error);
  else if (frame.error)
    snprintf(extra, sizeof(extra), " error=0x%" PRIx64, frame.error);
  vm_fail(vm, EXIT_GUEST_FAULT, "guest fault", "%s at rip=0x%" PRIx64 "%s", name, frame.rip, extra);
  dump_registers(vm->console_err_fd, &regs, &sregs);
  return -1;
}

int fault_report_exit(struct vm *vm, struct kvm_vcpu *cpu, const char *why) {
  struct kvm_regs regs;
  struct kvm_sregs sregs;
  int have_state = read_state(cpu, &regs, &sregs) == 0;
  vm_fail(vm, EXIT_GUEST_FAULT, "guest fault", "%s at rip=0x%llx", why,
          have_state ? regs.rip : 0ull);
  if (have_state)
    dump_registers(vm->console_err_fd, &regs, &sregs);
  return -1;
}
