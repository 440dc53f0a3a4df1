/* virtio_io.h: port I/O at CPL 3, which the loader's TSS I/O bitmap grants for every port. */
#ifndef VIRTIO_IO_H
#define VIRTIO_IO_H

#include <stdint.h>

static inline void io_out8(uint16_t port, uint8_t v) {
  __asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void io_out16(uint16_t port, uint16_t v) {
  __asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void io_out32(uint16_t port, uint32_t v) {
  __asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t io_in8(uint16_t port) {
  uint8_t v;
  __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
  return v;
}

static inline uint16_t io_in16(uint16_t port) {
  uint16_t v;
  __asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
  return v;
}

static inline uint32_t io_in32(uint16_t port) {
  uint32_t v;
  __asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
  return v;
}

/* A spin-wait hint; under TCG it also lets QEMU's device threads run. */
static inline void io_pause(void) {
  __asm__ __volatile__("pause" : : : "memory");
}

#endif
