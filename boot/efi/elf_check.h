/* elf_check.h: checks a unikvm kernel image and copies its segments, as unikvm's loader does. */
#ifndef ELF_CHECK_H
#define ELF_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct elf_kernel {
  uint64_t entry;
  uint64_t load_start; /* lowest segment address, page-aligned down */
  uint64_t image_end;  /* first page after the highest segment */
  uint32_t devices;    /* manifest bits from the ABI note */
};

/*
 * Checks FILE (SIZE bytes) against the hvt ABI (host/elf_loader.c applies the
 * same rules); returns NULL and fills OUT when the image is usable, else a
 * one-line reason (static storage). Where RAM ends is the caller's check.
 */
const char *elf_check(const uint8_t *file, size_t size, struct elf_kernel *out);

/* Copies the file bytes of every PT_LOAD segment to its physical address (already zeroed). */
void elf_copy_segments(const uint8_t *file);

#endif
