/* elf_loader.h: validates a unikvm guest image and copies it into guest RAM. */
#ifndef UNIKVM_ELF_LOADER_H
#define UNIKVM_ELF_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

struct elf_image {
  uint64_t entry;     /* guest-physical entry point */
  uint64_t image_end; /* first page after the highest segment */
  uint32_t devices;   /* manifest bits from the ABI note */
};

/*
 * Checks FILE (SIZE bytes) against the hvt ABI and, if it is acceptable,
 * copies its segments into MEM. On rejection returns -1 and writes a
 * one-line reason (no "unikvm:" prefix) into ERR; MEM is untouched then.
 */
int elf_load(const uint8_t *file, size_t size, struct guest_mem *mem, struct elf_image *out,
             char *err, size_t errlen);

#endif
