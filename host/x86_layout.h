/* x86_layout.h: where the host puts the guest's system structures, below 1 MiB. */
#ifndef UNIKVM_X86_LAYOUT_H
#define UNIKVM_X86_LAYOUT_H

#include <stdint.h>

#include "guest_mem.h"

/* Page 0 stays unmapped so that NULL dereferences fault. */
#define X86_GDT_ADDR      0x1000u
#define X86_IDT_ADDR      0x2000u
#define X86_TSS_ADDR      0x3000u
#define X86_STUBS_ADDR    0x4000u /* CPL 0 exception stubs, 16 bytes each */
#define X86_EXC_STACK     0x5000u /* 8 KiB CPL 0 stack for exceptions */
#define X86_EXC_STACK_TOP 0x7000u
#define X86_PML4_ADDR     0x10000u
#define X86_PDPT_ADDR     0x11000u
#define X86_PT0_ADDR      0x12000u /* 4 KiB pages for the first 2 MiB */
#define X86_PD_ADDR       0x13000u /* one page directory per GiB, 2 MiB pages */
#define X86_LOW_END       0x100000u

/* GDT selectors. */
#define X86_SEL_KCODE   0x08u
#define X86_SEL_KDATA   0x10u
#define X86_SEL_UDATA   0x18u
#define X86_SEL_UCODE   0x20u
#define X86_SEL_TSS     0x28u
#define X86_GDT_ENTRIES 7u /* null, kcode, kdata, udata, ucode, tss (2 slots) */

#define X86_EXC_VECTORS 32u
#define X86_STUB_SIZE   16u

/* TSS: 104-byte 64-bit TSS followed by the I/O permission bitmap. */
#define X86_TSS_SIZE       104u
#define X86_IOBITMAP_BYTES ((0xffffu / 8u) + 1u)

/*
 * Writes GDT, IDT, TSS (with an I/O bitmap granting exactly the hypercall
 * ports), CPL 0 exception stubs and identity-mapped page tables for all of
 * MEM into MEM. RAM size must be a multiple of 2 MiB, at most 4 GiB.
 */
void x86_tables_write(struct guest_mem *mem);

/* Size in bytes of the TSS including its I/O bitmap (the TR limit + 1). */
uint32_t x86_tss_limit(void);

#endif
