/* efi_fault.c: reports a CPU exception in the kernel on COM1 and ends the VM, as unikvm does. */
#include <guest/fmt.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <unikvm/x86_vectors.h>

#include "efi_con.h"
#include "efi_io.h"
#include "efi_layout.h"

/* What efi_enter.S's fault_common leaves on the stack, lowest address first. */
struct efi_fault_frame {
  uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t vec, err, rip, cs, rflags, rsp, ss;
};

/* Called from the stubs at CPL 0 on the TSS stack; the loader's console is COM1 by now. */
noreturn void efi_fault(const struct efi_fault_frame *f);

noreturn void efi_fault(const struct efi_fault_frame *f) {
  uint64_t cr2;
  __asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
  const char *name = x86_vector_name(f->vec);
  if (!name)
    name = "exception";
  char buf[512];
  size_t n = guest_snprintf(
      buf, sizeof(buf),
      "unikvm: guest crashed: %s (vector %lu) at rip=%#lx, error code %#lx, cr2=%#lx, CPL %lu\n"
      "  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n"
      "  rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n"
      "  r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n"
      "  r12=%016lx r13=%016lx r14=%016lx r15=%016lx rflags=%#lx\n",
      name, f->vec, f->rip, f->err, cr2, f->cs & 3, f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi,
      f->rbp, f->rsp, f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15, f->rflags);
  efi_com1_write(buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
  efi_outb(EFI_DEBUG_EXIT_PORT, EFI_EXIT_CRASH);
  for (;;)
    __asm__ __volatile__("cli; hlt");
}
