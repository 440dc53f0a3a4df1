/* efi_x86.h: the CPU state the kernel expects at entry, set up as unikvm's host does. */
#ifndef EFI_X86_H
#define EFI_X86_H

#include <stdint.h>
#include <stdnoreturn.h>

/*
 * Writes GDT, TSS (its I/O bitmap grants every port: the kernel drives
 * PCI, the UART and virtio itself), IDT (gates into the loader's exception
 * stubs) and identity-mapped page tables into the low area: [0, ram_size)
 * user pages as under unikvm, the rest of the first 4 GiB supervisor-only
 * (the loader's code and stubs stay reachable, a stray kernel pointer
 * faults). Needs no boot services.
 */
void efi_x86_write_tables(uint64_t ram_size);

/*
 * Loads them (after ExitBootServices, interrupts off) and enables what the
 * kernel may use at CPL 3, as unikvm does: SSE, XSAVE state (AVX where
 * present), FSGSBASE, NX.
 */
void efi_x86_load(void);

/*
 * Switches to the loader's low stack, calls efi_place_kernel() (efi_main.c:
 * it copies the kernel in and zeroes its RAM, which may hold the firmware's
 * stack), and enters the kernel at CPL 3 with IOPL 3, interrupts off,
 * rsp = user_rsp, rdi = boot_info (efi_enter.S).
 */
noreturn void efi_enter_kernel(uint64_t entry, uint64_t user_rsp, uint64_t boot_info);
void efi_place_kernel(void);

/* The 32 exception entry points (efi_enter.S), 16 bytes apart. */
extern const char efi_fault_stubs[];

#endif
