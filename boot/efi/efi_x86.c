/* efi_x86.c: GDT, TSS, IDT and page tables for the kernel, and the control registers it needs. */
#include "efi_x86.h"

#include "efi_layout.h"

#define PTE_P   0x1ull
#define PTE_W   0x2ull
#define PTE_U   0x4ull
#define PTE_PS  0x80ull
#define PTE_NX  (1ull << 63)
#define PAGE_2M (2ull << 20)
#define GIB     (1ull << 30)

#define CR0_MP         (1ull << 1)
#define CR0_EM         (1ull << 2)
#define CR0_TS         (1ull << 3)
#define CR0_NE         (1ull << 5)
#define CR0_WP         (1ull << 16)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_FSGSBASE   (1ull << 16)
#define CR4_OSXSAVE    (1ull << 18)
#define MSR_EFER       0xc0000080u
#define EFER_NXE       (1ull << 11)

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
  __asm__ __volatile__("cpuid"
                       : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                       : "a"(leaf), "c"(sub));
}

/* NX in the page tables needs EFER.NXE, which faults on a CPU without it. */
static int have_nx(void) {
  uint32_t r[4];
  cpuid(0x80000000u, 0, r);
  if (r[0] < 0x80000001u)
    return 0;
  cpuid(0x80000001u, 0, r);
  return (r[3] >> 20) & 1;
}

static void zero(void *p, uint64_t n) {
  volatile uint8_t *b = p;
  while (n--)
    *b++ = 0;
}

static void write_gdt(void) {
  uint64_t *gdt = (uint64_t *)(uintptr_t)EFI_GDT_ADDR;
  gdt[0] = 0;
  gdt[EFI_SEL_KCODE / 8] = 0x00af9a000000ffffull; /* 64-bit code, DPL 0 */
  gdt[EFI_SEL_KDATA / 8] = 0x00cf92000000ffffull; /* data, DPL 0 */
  gdt[EFI_SEL_UDATA / 8] = 0x00cff2000000ffffull; /* data, DPL 3 */
  gdt[EFI_SEL_UCODE / 8] = 0x00affa000000ffffull; /* 64-bit code, DPL 3 */
  uint64_t base = EFI_TSS_ADDR, limit = EFI_TSS_LIMIT;
  gdt[EFI_SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                         (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
  gdt[EFI_SEL_TSS / 8 + 1] = base >> 32;
}

/*
 * Every port granted: unlike unikvm there is no host behind the ports to
 * protect, and the kernel's virtio BARs sit wherever the firmware put them.
 * (IOPL 3 would do on TCG; KVM on PVM hosts honours only the bitmap.)
 */
static void write_tss(void) {
  uint8_t *tss = (uint8_t *)(uintptr_t)EFI_TSS_ADDR;
  zero(tss, EFI_TSS_LIMIT + 1);
  uint64_t rsp0 = EFI_EXC_STACK_TOP;
  for (int i = 0; i < 8; i++)
    tss[4 + i] = (uint8_t)(rsp0 >> (8 * i));
  tss[102] = EFI_TSS_SIZE & 0xff;
  tss[103] = EFI_TSS_SIZE >> 8;
  tss[EFI_TSS_LIMIT] = 0xff; /* the bitmap's closing byte */
}

static void write_idt(void) {
  uint64_t *idt = (uint64_t *)(uintptr_t)EFI_IDT_ADDR;
  zero(idt, 256 * 16);
  for (unsigned vec = 0; vec < EFI_EXC_VECTORS; vec++) {
    uint64_t off = (uint64_t)(uintptr_t)(efi_fault_stubs + vec * 16);
    /* 64-bit interrupt gate, DPL 0: `int N` from CPL 3 raises #GP instead. */
    idt[vec * 2] = (off & 0xffff) | ((uint64_t)EFI_SEL_KCODE << 16) | (0x8eull << 40) |
                   (((off >> 16) & 0xffff) << 48);
    idt[vec * 2 + 1] = off >> 32;
  }
}

/* The first 2 MiB by 4 KiB page, by who may touch it (as host/x86_tables.c). */
static uint64_t low_page_flags(uint64_t addr) {
  uint64_t nx = have_nx() ? PTE_NX : 0;
  if (addr == 0)
    return 0; /* NULL guard */
  if (addr >= UNIKVM_BOOT_INFO_ADDR && addr < UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE)
    return PTE_P | PTE_W | PTE_U | nx;
  if (addr < UNIKVM_IMAGE_MIN)
    return PTE_P | PTE_W | nx; /* supervisor only: tables, stacks, firmware holes */
  return PTE_P | PTE_W | PTE_U;
}

static void write_page_tables(uint64_t ram_size) {
  uint64_t *pml4 = (uint64_t *)(uintptr_t)EFI_PML4_ADDR;
  uint64_t *pdpt = (uint64_t *)(uintptr_t)EFI_PDPT_ADDR;
  uint64_t *pt0 = (uint64_t *)(uintptr_t)EFI_PT0_ADDR;
  uint64_t *pd = (uint64_t *)(uintptr_t)EFI_PD_ADDR;
  zero(pml4, 4096);
  zero(pdpt, 4096);
  pml4[0] = EFI_PDPT_ADDR | PTE_P | PTE_W | PTE_U;
  for (uint64_t g = 0; g < EFI_PD_COUNT; g++)
    pdpt[g] = (EFI_PD_ADDR + g * 4096) | PTE_P | PTE_W | PTE_U;
  for (uint64_t i = 0; i < 512; i++)
    pt0[i] = low_page_flags(i * 4096) ? (i * 4096) | low_page_flags(i * 4096) : 0;
  pd[0] = EFI_PT0_ADDR | PTE_P | PTE_W | PTE_U;
  for (uint64_t addr = PAGE_2M; addr < EFI_PD_COUNT * GIB; addr += PAGE_2M)
    pd[addr / PAGE_2M] = addr | PTE_P | PTE_W | PTE_PS | (addr < ram_size ? PTE_U : 0);
}

void efi_x86_write_tables(uint64_t ram_size) {
  write_gdt();
  write_tss();
  write_idt();
  write_page_tables(ram_size);
}

static void load_descriptors(void) {
  struct __attribute__((packed)) {
    uint16_t limit;
    uint64_t base;
  } gdtr = {EFI_GDT_ENTRIES * 8 - 1, EFI_GDT_ADDR}, idtr = {256 * 16 - 1, EFI_IDT_ADDR};
  __asm__ __volatile__("lgdt %0" : : "m"(gdtr));
  /* A far return reloads CS; the data segments follow. */
  __asm__ __volatile__("pushq %0\n\t"
                       "leaq 1f(%%rip), %%rax\n\t"
                       "pushq %%rax\n\t"
                       "lretq\n"
                       "1:\n\t"
                       "movw %w1, %%ax\n\t"
                       "movw %%ax, %%ds\n\t"
                       "movw %%ax, %%es\n\t"
                       "movw %%ax, %%ss\n\t"
                       "movw %%ax, %%fs\n\t"
                       "movw %%ax, %%gs"
                       :
                       : "i"((uint64_t)EFI_SEL_KCODE), "r"((uint32_t)EFI_SEL_KDATA)
                       : "rax", "memory");
  __asm__ __volatile__("ltr %w0" : : "r"((uint32_t)EFI_SEL_TSS));
  __asm__ __volatile__("lidt %0" : : "m"(idtr));
}

void efi_x86_load(void) {
  uint32_t r1[4], r7[4] = {0}, rd[4] = {0};
  cpuid(0, 0, r1);
  uint32_t max_leaf = r1[0];
  cpuid(1, 0, r1);
  if (max_leaf >= 7)
    cpuid(7, 0, r7);
  if (max_leaf >= 0xd)
    cpuid(0xd, 0, rd);
  load_descriptors();

  uint64_t cr0, cr4;
  uint32_t efer_lo, efer_hi;
  __asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
  cr0 = (cr0 | CR0_MP | CR0_NE | CR0_WP) & ~(CR0_EM | CR0_TS);
  __asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0));
  __asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
  cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
  if (r7[1] & 1u)
    cr4 |= CR4_FSGSBASE;
  if (r1[2] & (1u << 26))
    cr4 |= CR4_OSXSAVE;
  __asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4));
  if (cr4 & CR4_OSXSAVE) {
    /* x87 + SSE + AVX, plus the AVX-512 state only as a complete set (as unikvm). */
    uint64_t supported = rd[0] | ((uint64_t)rd[3] << 32), xcr0 = supported & 0x7;
    if ((supported & 0xe0) == 0xe0)
      xcr0 |= 0xe0;
    __asm__ __volatile__("xsetbv" : : "c"(0), "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32)));
  }
  if (have_nx()) {
    __asm__ __volatile__("rdmsr" : "=a"(efer_lo), "=d"(efer_hi) : "c"(MSR_EFER));
    efer_lo |= EFER_NXE;
    __asm__ __volatile__("wrmsr" : : "c"(MSR_EFER), "a"(efer_lo), "d"(efer_hi));
  }
  /* Last: the new tables map the loader's code, data and stack (supervisor). */
  __asm__ __volatile__("mov %0, %%cr3" : : "r"((uint64_t)EFI_PML4_ADDR) : "memory");
}
