/* buffer.h: block buffers aligned for O_DIRECT. */
#ifndef BUFFER_H
#define BUFFER_H

#include <stddef.h>

/* 4 KiB alignment covers every logical block size in use. */
#define BUFFER_ALIGN 4096

struct buffer {
  void *raw;  /* what to free */
  char *data; /* len bytes at a BUFFER_ALIGN boundary */
};

/* 0, or -1 when out of memory. */
int buffer_alloc(struct buffer *b, size_t len);
void buffer_free(struct buffer *b);

#endif
