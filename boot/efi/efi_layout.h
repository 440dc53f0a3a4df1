/* efi_layout.h: where the UEFI loader puts the kernel's system structures, below 1 MiB. */
#ifndef EFI_LAYOUT_H
#define EFI_LAYOUT_H

#include <unikvm/abi.h>

/*
 * The same map as unikvm's (host/x86_layout.h) where it can be: boot info and
 * argv sit at the ABI's addresses, the selectors are the same, page 0 stays
 * unmapped. The TSS is bigger (its I/O bitmap covers every port), so it moves.
 * The loader claims [EFI_LOW_START, EFI_LOW_END) from the firmware by address.
 */
#define EFI_LOW_START       0x1000u
#define EFI_GDT_ADDR        0x1000u
#define EFI_IDT_ADDR        0x2000u
#define EFI_TSS_ADDR        0x3000u /* 104-byte TSS + 8 KiB I/O bitmap + closing byte */
#define EFI_EXC_STACK_TOP   0x8000u /* CPL 0 stack for exceptions: 0x6000..0x8000 */
#define EFI_PML4_ADDR       0x10000u
#define EFI_PDPT_ADDR       0x11000u
#define EFI_PT0_ADDR        0x12000u /* 4 KiB pages for the first 2 MiB */
#define EFI_PD_ADDR         0x13000u /* 4 page directories: 4 GiB of 2 MiB pages */
#define EFI_PD_COUNT        4u
#define EFI_ENTER_STACK_TOP 0x1f000u /* the loader's own stack after ExitBootServices */
#define EFI_LOW_END         0x1f000u

_Static_assert(UNIKVM_BOOT_INFO_ADDR == EFI_EXC_STACK_TOP, "boot info follows the CPL 0 stack");
_Static_assert(UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE == EFI_PML4_ADDR, "argv precedes the tables");

/* GDT selectors: the same as unikvm's, so the kernel sees the same CS and SS. */
#define EFI_SEL_KCODE   0x08u
#define EFI_SEL_KDATA   0x10u
#define EFI_SEL_UDATA   0x18u
#define EFI_SEL_UCODE   0x20u
#define EFI_SEL_TSS     0x28u
#define EFI_GDT_ENTRIES 7u

#define EFI_TSS_SIZE      104u
#define EFI_IOBITMAP_SIZE 8192u                              /* one bit per port, 0..0xffff */
#define EFI_TSS_LIMIT     (EFI_TSS_SIZE + EFI_IOBITMAP_SIZE) /* + closing 0xff byte - 1 */
#define EFI_EXC_VECTORS   32u

/* QEMU devices the loader itself talks to. */
#define EFI_COM1_PORT       0x3f8u
#define EFI_DEBUG_EXIT_PORT 0xf4u /* -device isa-debug-exit,iobase=0xf4,iosize=0x04 */

/* Exit statuses, the same as unikvm's (README). */
#define EFI_EXIT_REJECTED 121 /* kernel missing or rejected */
#define EFI_EXIT_SETUP    122 /* firmware did not give what the kernel needs */
#define EFI_EXIT_CRASH    123 /* CPU exception in the kernel */

#endif
