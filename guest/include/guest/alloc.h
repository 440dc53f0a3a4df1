/* alloc.h: memory for the core's own objects, provided by the layer above (libc-port: malloc). */
#ifndef GUEST_ALLOC_H
#define GUEST_ALLOC_H

#include <stddef.h>

/*
 * Thread structs, thread stacks and swapped-out stack bytes need a general
 * allocator; the heap already has one (newlib's malloc, on the core's
 * sbrk), so the core declares what it needs and the next layer defines it,
 * as with libc_start_main. Neither may block or switch threads.
 */

/* size bytes aligned for any type (16), or NULL when memory runs out. Not zeroed. */
void *guest_alloc(size_t size);
void guest_free(void *p);

#endif
