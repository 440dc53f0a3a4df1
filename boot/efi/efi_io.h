/* efi_io.h: port I/O for the loader, which runs at CPL 0 before and after ExitBootServices. */
#ifndef EFI_IO_H
#define EFI_IO_H

#include <stdint.h>

static inline void efi_outb(uint16_t port, uint8_t v) {
  __asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t efi_inb(uint16_t port) {
  uint8_t v;
  __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

static inline uint64_t efi_rdtsc(void) {
  uint32_t lo, hi;
  __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

#endif
