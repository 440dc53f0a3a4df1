/* ring.h: a byte ring buffer (a pipe's contents); no allocation, no blocking, testable natively. */
#ifndef LIBC_PORT_RING_H
#define LIBC_PORT_RING_H

#include <stddef.h>
#include <stdint.h>

struct port_ring {
  uint8_t *buf;
  size_t size;  /* capacity in bytes */
  size_t head;  /* index of the oldest byte */
  size_t count; /* bytes stored */
};

static inline size_t port_ring_space(const struct port_ring *r) {
  return r->size - r->count;
}

/* Appends up to len bytes; returns how many fitted. */
size_t port_ring_write(struct port_ring *r, const void *src, size_t len);

/* Takes up to len of the oldest bytes; returns how many there were. */
size_t port_ring_read(struct port_ring *r, void *dst, size_t len);

/*
 * Moves the contents into buf (size bytes, at least r->count) from the
 * start, and makes it the ring's buffer; returns the old buffer for the
 * caller to free. How a ring grows.
 */
uint8_t *port_ring_move(struct port_ring *r, uint8_t *buf, size_t size);

#endif
