/* buffer.c: aligned buffers from plain malloc (the guest's aligned_alloc needs posix_memalign). */
#include "buffer.h"

#include <stdint.h>
#include <stdlib.h>

int buffer_alloc(struct buffer *b, size_t len) {
  b->raw = malloc(len + BUFFER_ALIGN - 1);
  if (!b->raw)
    return -1;
  uintptr_t p = (uintptr_t)b->raw;
  b->data = (char *)((p + BUFFER_ALIGN - 1) & ~(uintptr_t)(BUFFER_ALIGN - 1));
  return 0;
}

void buffer_free(struct buffer *b) {
  free(b->raw);
  b->raw = b->data = NULL;
}
