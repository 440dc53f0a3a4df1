/* x86_tables.c: builds the guest's descriptor tables, exception stubs and page tables. */
#include <string.h>

#include "unikvm/abi.h"
#include "x86_layout.h"

#define PTE_P   0x1ull
#define PTE_W   0x2ull
#define PTE_U   0x4ull
#define PTE_A   0x20ull
#define PTE_D   0x40ull
#define PTE_PS  0x80ull
#define PTE_NX  (1ull << 63)
#define PAGE_2M (2ull << 20)

/* Vectors for which the CPU pushes an error code. */
static int has_error_code(unsigned vec) {
  return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30;
}

static void write_gdt(struct guest_mem *mem) {
  uint64_t *gdt = guest_mem_ptr(mem, X86_GDT_ADDR, X86_GDT_ENTRIES * 8);
  gdt[0] = 0;
  gdt[X86_SEL_KCODE / 8] = 0x00af9a000000ffffull; /* 64-bit code, DPL 0 */
  gdt[X86_SEL_KDATA / 8] = 0x00cf92000000ffffull; /* data, DPL 0 */
  gdt[X86_SEL_UDATA / 8] = 0x00cff2000000ffffull; /* data, DPL 3 */
  gdt[X86_SEL_UCODE / 8] = 0x00affa000000ffffull; /* 64-bit code, DPL 3 */
  uint64_t base = X86_TSS_ADDR, limit = x86_tss_limit();
  gdt[X86_SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                         (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
  gdt[X86_SEL_TSS / 8 + 1] = base >> 32;
}

uint32_t x86_tss_limit(void) {
  /* The bitmap must cover the highest granted port plus a closing 0xff byte. */
  uint32_t last_port = UNIKVM_HC_BASE + UNIKVM_HC_PORTS - 1;
  return X86_TSS_SIZE + last_port / 8 + 1 + 1 - 1;
}

static void write_tss(struct guest_mem *mem) {
  uint32_t size = x86_tss_limit() + 1;
  uint8_t *tss = guest_mem_ptr(mem, X86_TSS_ADDR, size);
  memset(tss, 0, X86_TSS_SIZE);
  uint64_t rsp0 = X86_EXC_STACK_TOP;
  memcpy(tss + 4, &rsp0, 8);
  uint16_t iomap_base = X86_TSS_SIZE;
  memcpy(tss + 102, &iomap_base, 2);
  /* Deny every port, then grant the hypercall ports: on PVM hosts IOPL 3
   * alone does not let CPL 3 execute `out`. */
  uint8_t *bitmap = tss + X86_TSS_SIZE;
  memset(bitmap, 0xff, size - X86_TSS_SIZE);
  for (uint32_t port = UNIKVM_HC_BASE; port < UNIKVM_HC_BASE + UNIKVM_HC_PORTS; port++)
    bitmap[port / 8] &= (uint8_t) ~(1u << (port % 8));
}

/*
 * Each stub: [push $0] push $vec; push %rdx; mov $port,%dx; out %al,%dx;
 * jmp . -- the host reads the frame at rsp on the resulting exit and never
 * resumes the vCPU.
 */
static void write_stub(uint8_t *p, unsigned vec) {
  unsigned i = 0;
  if (!has_error_code(vec)) {
    p[i++] = 0x6a;
    p[i++] = 0x00;
  }
  p[i++] = 0x6a;
  p[i++] = (uint8_t)vec;
  p[i++] = 0x52;
  p[i++] = 0x66;
  p[i++] = 0xba;
  p[i++] = UNIKVM_EXCEPTION_PORT & 0xff;
  p[i++] = UNIKVM_EXCEPTION_PORT >> 8;
  p[i++] = 0xee;
  p[i++] = 0xeb;
  p[i++] = 0xfe;
}

static void write_idt(struct guest_mem *mem) {
  uint64_t *idt = guest_mem_ptr(mem, X86_IDT_ADDR, 256 * 16);
  uint8_t *stubs = guest_mem_ptr(mem, X86_STUBS_ADDR, X86_EXC_VECTORS * X86_STUB_SIZE);
  memset(idt, 0, 256 * 16);
  for (unsigned vec = 0; vec < X86_EXC_VECTORS; vec++) {
    write_stub(stubs + vec * X86_STUB_SIZE, vec);
    uint64_t off = X86_STUBS_ADDR + vec * X86_STUB_SIZE;
    /* 64-bit interrupt gate, DPL 0: `int N` from CPL 3 raises #GP instead. */
    idt[vec * 2] = (off & 0xffff) | ((uint64_t)X86_SEL_KCODE << 16) | (0x8eull << 40) |
                   (((off >> 16) & 0xffff) << 48);
    idt[vec * 2 + 1] = off >> 32;
  }
}

/* Flags for a 4 KiB page of the low 2 MiB, by who may touch it. */
static uint64_t low_page_flags(uint64_t addr) {
  if (addr == 0)
    return 0; /* NULL guard */
  if (addr >= UNIKVM_BOOT_INFO_ADDR && addr < UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE)
    return PTE_P | PTE_W | PTE_U | PTE_NX;
  if (addr >= X86_STUBS_ADDR && addr < X86_STUBS_ADDR + UNIKVM_PAGE_SIZE)
    return PTE_P; /* supervisor, read-only, executable */
  if (addr < X86_LOW_END)
    return PTE_P | PTE_W | PTE_NX; /* supervisor only: tables, stacks */
  return PTE_P | PTE_W | PTE_U;
}

/*
 * Every entry is born Accessed (and every leaf Dirty): the guest never reads
 * those bits, and with them set KVM's shadow MMU need not write them back
 * into the tables on first use and may prefetch neighbouring entries on a
 * fault (hello: 34 guest page faults become 18).
 */
#define TABLE   (PTE_P | PTE_W | PTE_U | PTE_A)
#define LEAF_AD (PTE_A | PTE_D)

static void write_page_tables(struct guest_mem *mem) {
  uint64_t gigs = (mem->size + (1ull << 30) - 1) >> 30;
  uint64_t *pml4 = guest_mem_ptr(mem, X86_PML4_ADDR, 4096);
  uint64_t *pdpt = guest_mem_ptr(mem, X86_PDPT_ADDR, 4096);
  uint64_t *pt0 = guest_mem_ptr(mem, X86_PT0_ADDR, 4096);
  uint64_t *pd = guest_mem_ptr(mem, X86_PD_ADDR, gigs * 4096);
  memset(pml4, 0, 4096);
  memset(pdpt, 0, 4096);
  memset(pd, 0, gigs * 4096);
  pml4[0] = X86_PDPT_ADDR | TABLE;
  for (uint64_t g = 0; g < gigs; g++)
    pdpt[g] = (X86_PD_ADDR + g * 4096) | TABLE;
  for (uint64_t i = 0; i < 512; i++)
    pt0[i] = low_page_flags(i * 4096) ? (i * 4096) | low_page_flags(i * 4096) | LEAF_AD : 0;
  pd[0] = X86_PT0_ADDR | TABLE;
  for (uint64_t addr = PAGE_2M; addr < mem->size; addr += PAGE_2M)
    pd[addr / PAGE_2M] = addr | PTE_P | PTE_W | PTE_U | PTE_PS | LEAF_AD;
}

void x86_tables_write(struct guest_mem *mem) {
  write_gdt(mem);
  write_tss(mem);
  write_idt(mem);
  write_page_tables(mem);
}
