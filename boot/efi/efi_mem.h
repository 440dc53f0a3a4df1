/* efi_mem.h: the firmware's memory map: where the kernel's RAM ends, and leaving boot services. */
#ifndef EFI_MEM_H
#define EFI_MEM_H

#include <efi.h>
#include <stdint.h>

/*
 * The end of the RAM the kernel may use: the contiguous run, from 1 MiB up,
 * of memory that is free once boot services are gone (conventional, boot
 * services code and data, and the loader's own data: the kernel's pages and
 * buffers dead after the jump). Stops at the first hole or firmware-owned
 * range; *why names what stopped it. 0 when 1 MiB itself is not free.
 */
uint64_t efi_mem_ram_end(const char **why, uint64_t *stop_addr);

/*
 * Gets the final memory map and exits boot services; returns the firmware's
 * status, and in *ram_end what efi_mem_ram_end says of that final map.
 */
EFI_STATUS efi_mem_exit_boot_services(EFI_HANDLE image, uint64_t *ram_end);

#endif
