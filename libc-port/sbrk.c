/* sbrk.c: sbrk(2), malloc's source of memory: the heap between the image and the stack. */
#include "port.h"
#include <errno.h>
#include <guest/heap.h>

void *_sbrk(ptrdiff_t incr) {
  void *old = guest_heap_sbrk(incr);
  if (old == NULL) {
    /* malloc turns this into NULL: running out of memory must not crash. */
    errno = ENOMEM;
    return (void *)-1;
  }
  return old;
}

void *sbrk(ptrdiff_t incr) __attribute__((alias("_sbrk")));
