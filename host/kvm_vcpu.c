/* kvm_vcpu.c: the KVM VM and its single vCPU, set up for the hvt ABI (long mode, CPL 3). */
#include "kvm_vcpu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "x86_layout.h"

#define CR0_PE          0x1ull
#define CR0_MP          0x2ull
#define CR0_ET          0x10ull
#define CR0_NE          0x20ull
#define CR0_WP          0x10000ull
#define CR0_PG          0x80000000ull
#define CR4_PAE         0x20ull
#define CR4_OSFXSR      0x200ull
#define CR4_OSXMMEXCPT  0x400ull
#define CR4_FSGSBASE    0x10000ull
#define CR4_OSXSAVE     0x40000ull
#define CR4_SMEP        0x100000ull
#define CR4_SMAP        0x200000ull
#define EFER_LME        0x100ull
#define EFER_LMA        0x400ull
#define EFER_NXE        0x800ull
#define RFLAGS_RESERVED 0x2ull
#define RFLAGS_IOPL3    0x3000ull

#define CPUID_MAX_ENTRIES 256

static int fail(char *err, size_t errlen, const char *what) {
  snprintf(err, errlen, "%s: %s", what, strerror(errno));
  return -1;
}

static struct kvm_cpuid2 *cpuid_alloc(void) {
  return calloc(1, sizeof(struct kvm_cpuid2) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2));
}

int kvm_vcpu_query_cpuid(struct kvm_vcpu *cpu, char *err, size_t errlen) {
  if (!cpu->cpuid)
    cpu->cpuid = cpuid_alloc();
  if (!cpu->cpuid)
    return fail(err, errlen, "KVM_GET_SUPPORTED_CPUID");
  cpu->cpuid->nent = CPUID_MAX_ENTRIES;
  if (ioctl(cpu->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpu->cpuid) < 0)
    return fail(err, errlen, "KVM_GET_SUPPORTED_CPUID");
  return 0;
}

static const struct kvm_cpuid_entry2 *cpuid_leaf(const struct kvm_cpuid2 *cpuid, uint32_t fn,
                                                 uint32_t index) {
  for (uint32_t i = 0; i < cpuid->nent; i++)
    if (cpuid->entries[i].function == fn && cpuid->entries[i].index == index)
      return &cpuid->entries[i];
  return NULL;
}

/* Passes the host's supported CPUID to the guest and returns the XCR0 it allows. */
static int setup_cpuid(struct kvm_vcpu *cpu, uint64_t *xcr0, uint64_t *cr4_features, char *err,
                       size_t errlen) {
  const struct kvm_cpuid_entry2 *xsave = cpuid_leaf(cpu->cpuid, 0xd, 0);
  const struct kvm_cpuid_entry2 *ext = cpuid_leaf(cpu->cpuid, 7, 0);
  uint64_t supported = xsave ? xsave->eax | ((uint64_t)xsave->edx << 32) : 0;
  /* x87 + SSE + AVX, plus the AVX-512 state only as a complete set. */
  *xcr0 = supported & 0x7;
  if ((supported & 0xe0) == 0xe0)
    *xcr0 |= 0xe0;
  /* FSGSBASE: per-thread TLS without wrmsr. SMEP/SMAP: even if a guest got
   * its code to run at CPL 0, it could not execute or touch its user pages
   * there (defence in depth; the host already keeps it off its tables). */
  uint32_t ebx = ext ? ext->ebx : 0;
  *cr4_features = ((ebx & 1u) ? CR4_FSGSBASE : 0) | ((ebx & (1u << 7)) ? CR4_SMEP : 0) |
                  ((ebx & (1u << 20)) ? CR4_SMAP : 0);
  if (ioctl(cpu->vcpu_fd, KVM_SET_CPUID2, cpu->cpuid) < 0)
    return fail(err, errlen, "KVM_SET_CPUID2");
  return 0;
}

int kvm_vcpu_open(struct kvm_vcpu *cpu, char *err, size_t errlen) {
  memset(cpu, 0, sizeof(*cpu));
  cpu->kvm_fd = cpu->vm_fd = cpu->vcpu_fd = -1;
  /* Allocated here, so that the query may run on a helper thread without a malloc arena. */
  cpu->cpuid = cpuid_alloc();
  if (!cpu->cpuid)
    return fail(err, errlen, "/dev/kvm");
  cpu->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (cpu->kvm_fd < 0)
    return fail(err, errlen, "/dev/kvm");
  if (ioctl(cpu->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
    snprintf(err, errlen, "/dev/kvm: unsupported KVM API version");
    return -1;
  }
  return 0;
}

int kvm_vm_create(struct kvm_vcpu *cpu, char *err, size_t errlen) {
  cpu->vm_fd = ioctl(cpu->kvm_fd, KVM_CREATE_VM, 0);
  return cpu->vm_fd < 0 ? fail(err, errlen, "KVM_CREATE_VM") : 0;
}

/*
 * A vCPU without a local APIC in the kernel switches on a static key of KVM's for as long as
 * it exists (kvm_has_noapic_vcpu), and every 0 -> 1 -> 0 of a static key rewrites kernel
 * code, with IPIs to every CPU: ≈0.25 ms of KVM_CREATE_VCPU here, paid again at teardown.
 * An in-kernel local APIC without the PIC and IOAPIC (split irqchip) avoids that key; the
 * APIC's own key is only released a second after the last VM goes, so boots in a row skip
 * the rewrite. The guest never enables the APIC (interrupts stay off, it polls). Optional:
 * without it the vCPU is only slower to make.
 */
void kvm_vm_split_irqchip(struct kvm_vcpu *cpu) {
  struct kvm_enable_cap cap = {.cap = KVM_CAP_SPLIT_IRQCHIP, .args = {0}};
  (void)ioctl(cpu->vm_fd, KVM_ENABLE_CAP, &cap);
}

int kvm_vm_map_ram(struct kvm_vcpu *cpu, struct guest_mem *mem, char *err, size_t errlen) {
  struct kvm_userspace_memory_region region = {
      .slot = 0,
      .guest_phys_addr = 0,
      .memory_size = mem->size,
      .userspace_addr = (uint64_t)(uintptr_t)mem->base,
  };
  if (ioctl(cpu->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
    return fail(err, errlen, "KVM_SET_USER_MEMORY_REGION");
  return 0;
}

int kvm_vcpu_create(struct kvm_vcpu *cpu, char *err, size_t errlen) {
  cpu->vcpu_fd = ioctl(cpu->vm_fd, KVM_CREATE_VCPU, 0);
  if (cpu->vcpu_fd < 0)
    return fail(err, errlen, "KVM_CREATE_VCPU");
  int size = ioctl(cpu->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (size < (int)sizeof(struct kvm_run))
    return fail(err, errlen, "KVM_GET_VCPU_MMAP_SIZE");
  cpu->run_size = (size_t)size;
  cpu->run = mmap(NULL, cpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu->vcpu_fd, 0);
  if (cpu->run == MAP_FAILED) {
    cpu->run = NULL;
    return fail(err, errlen, "mmap vcpu");
  }
  return 0;
}

uint64_t kvm_vcpu_tsc_hz(struct kvm_vcpu *cpu) {
  int khz = ioctl(cpu->vcpu_fd, KVM_GET_TSC_KHZ, 0);
  return khz > 0 ? (uint64_t)khz * 1000u : 0;
}

static struct kvm_segment flat_segment(uint16_t selector, uint8_t type, int code) {
  struct kvm_segment seg = {
      .base = 0,
      .limit = 0xffffffff,
      .selector = selector,
      .type = type,
      .present = 1,
      .dpl = selector & 3,
      .db = code ? 0 : 1,
      .s = 1,
      .l = code ? 1 : 0,
      .g = 1,
  };
  return seg;
}

/* What the vCPU holds after reset: the local APIC at its default base, enabled, bootstrap. */
#define APIC_BASE_RESET 0xfee00900ull

static int setup_sregs(struct kvm_vcpu *cpu, uint64_t cr4_features, char *err, size_t errlen) {
  /* Every field is set here (the rest is zero, as after reset), so KVM_GET_SREGS first
   * would only cost an ioctl. */
  struct kvm_sregs sregs = {.apic_base = APIC_BASE_RESET};
  sregs.cs = flat_segment(X86_SEL_UCODE | 3, 11, 1);
  sregs.ss = flat_segment(X86_SEL_UDATA | 3, 3, 0);
  sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss;
  sregs.tr = (struct kvm_segment){
      .base = X86_TSS_ADDR,
      .limit = x86_tss_limit(),
      .selector = X86_SEL_TSS,
      .type = 11, /* busy 64-bit TSS */
      .present = 1,
  };
  sregs.ldt = (struct kvm_segment){.type = 2, .present = 1, .unusable = 1};
  sregs.gdt.base = X86_GDT_ADDR;
  sregs.gdt.limit = X86_GDT_ENTRIES * 8 - 1;
  sregs.idt.base = X86_IDT_ADDR;
  sregs.idt.limit = 256 * 16 - 1;
  sregs.cr3 = X86_PML4_ADDR;
  sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
  sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE | cr4_features;
  sregs.efer = EFER_LME | EFER_LMA | EFER_NXE;
  if (ioctl(cpu->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
    return fail(err, errlen, "KVM_SET_SREGS");
  return 0;
}

int kvm_vcpu_reset(struct kvm_vcpu *cpu, uint64_t entry, uint64_t stack_top, uint64_t boot_info,
                   char *err, size_t errlen) {
  uint64_t xcr0;
  uint64_t cr4_features;
  if (setup_cpuid(cpu, &xcr0, &cr4_features, err, errlen) < 0)
    return -1;
  if (setup_sregs(cpu, cr4_features, err, errlen) < 0)
    return -1;
  struct kvm_xcrs xcrs = {.nr_xcrs = 1, .xcrs = {{.xcr = 0, .value = xcr0}}};
  if (ioctl(cpu->vcpu_fd, KVM_SET_XCRS, &xcrs) < 0)
    return fail(err, errlen, "KVM_SET_XCRS");
  struct kvm_regs regs = {
      .rip = entry,
      .rsp = stack_top,
      .rdi = boot_info,
      .rflags = RFLAGS_RESERVED | RFLAGS_IOPL3,
  };
  if (ioctl(cpu->vcpu_fd, KVM_SET_REGS, &regs) < 0)
    return fail(err, errlen, "KVM_SET_REGS");
  return 0;
}

void kvm_vcpu_destroy(struct kvm_vcpu *cpu) {
  free(cpu->cpuid);
  if (cpu->run)
    munmap(cpu->run, cpu->run_size);
  if (cpu->vcpu_fd >= 0)
    close(cpu->vcpu_fd);
  if (cpu->vm_fd >= 0)
    close(cpu->vm_fd);
  if (cpu->kvm_fd >= 0)
    close(cpu->kvm_fd);
}
