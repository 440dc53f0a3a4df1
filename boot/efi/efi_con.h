/* efi_con.h: the loader's messages and its way out when the kernel cannot be booted. */
#ifndef EFI_CON_H
#define EFI_CON_H

#include <stdnoreturn.h>

/*
 * Prints "unikvm-efi: " and the formatted line (guest/fmt.h conversions)
 * through the firmware's console while boot services run, then straight to
 * COM1 once efi_con_direct() was called.
 */
__attribute__((format(printf, 1, 2))) void efi_log(const char *fmt, ...);

/* After ExitBootServices: the firmware's console is gone, write to COM1. */
void efi_con_direct(void);

/* Writes raw bytes to COM1 (\n becomes \r\n, as a terminal expects). */
void efi_com1_write(const char *s, unsigned long len);

/*
 * Logs the message and ends the VM with STATUS through QEMU's isa-debug-exit;
 * without that device, powers the machine off (boot services) or stops
 * (after them): never returns to the firmware's boot menu, never hangs in a
 * loop that looks like a boot.
 */
__attribute__((format(printf, 2, 3))) noreturn void efi_fail(int status, const char *fmt, ...);

#endif
