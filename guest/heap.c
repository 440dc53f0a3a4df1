/* heap.c: the program break, moved by sbrk within the bounds the boot info gives. */
#include <guest/heap.h>

static uintptr_t heap_start;
static uintptr_t heap_brk;
static uintptr_t heap_end;

void guest_heap_init(uintptr_t start, uintptr_t end) {
  heap_start = start;
  heap_brk = start;
  heap_end = end;
}

void *guest_heap_sbrk(intptr_t incr) {
  uintptr_t old = heap_brk;
  /* Compare with what is left so that a huge incr cannot wrap around. */
  if (incr >= 0 ? (uintptr_t)incr > heap_end - old : -(uintptr_t)incr > old - heap_start)
    return NULL;
  heap_brk = old + (uintptr_t)incr;
  return (void *)old;
}

size_t guest_heap_free_bytes(void) {
  return heap_end - heap_brk;
}
