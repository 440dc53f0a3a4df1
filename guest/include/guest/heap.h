/* heap.h: the heap's bounds, between the image end and the initial stack. */
#ifndef GUEST_HEAP_H
#define GUEST_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* [start, end): memory the heap may hand out; start is the initial break. */
void guest_heap_init(uintptr_t start, uintptr_t end);

/*
 * Moves the break by incr bytes and returns the old break, or NULL when the
 * move would leave [start, end). Memory comes zeroed from the host the
 * first time; memory given back and taken again keeps its old contents.
 */
void *guest_heap_sbrk(intptr_t incr);

/* Bytes left between the break and the end. */
size_t guest_heap_free_bytes(void);

#endif
