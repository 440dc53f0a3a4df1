/* ring.c: the byte ring buffer behind pipes: at most two memcpys per call. */
#include "ring.h"
#include <string.h>

size_t port_ring_write(struct port_ring *r, const void *src, size_t len) {
  size_t n = len < port_ring_space(r) ? len : port_ring_space(r);
  size_t tail = (r->head + r->count) % r->size;
  size_t first = r->size - tail < n ? r->size - tail : n;
  if (n == 0)
    return 0;
  memcpy(r->buf + tail, src, first);
  if (n > first)
    memcpy(r->buf, (const uint8_t *)src + first, n - first);
  r->count += n;
  return n;
}

size_t port_ring_read(struct port_ring *r, void *dst, size_t len) {
  size_t n = len < r->count ? len : r->count;
  size_t first = r->size - r->head < n ? r->size - r->head : n;
  if (n == 0)
    return 0;
  memcpy(dst, r->buf + r->head, first);
  if (n > first)
    memcpy((uint8_t *)dst + first, r->buf, n - first);
  r->head = (r->head + n) % r->size;
  r->count -= n;
  /* Empty: start over at 0 so that small writes stay contiguous. */
  if (r->count == 0)
    r->head = 0;
  return n;
}

uint8_t *port_ring_move(struct port_ring *r, uint8_t *buf, size_t size) {
  uint8_t *old = r->buf;
  size_t count = r->count;
  port_ring_read(r, buf, count);
  r->buf = buf;
  r->size = size;
  r->head = 0;
  r->count = count;
  return old;
}
