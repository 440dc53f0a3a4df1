/* alloc.c: guest_alloc and guest_free for the core (thread structs and stacks): newlib's malloc. */
#include <guest/alloc.h>
#include <stdlib.h>

void *guest_alloc(size_t size) {
  return malloc(size);
}

void guest_free(void *p) {
  free(p);
}
