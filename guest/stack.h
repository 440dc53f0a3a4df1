/* stack.h: thread stack regions: bounds, overflow canary, and the bytes of threads sharing one. */
#ifndef GUEST_STACK_H
#define GUEST_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest_thread;

/*
 * A stack region [lo, hi). Forked threads share their parent's region at
 * the same addresses; only one of them, the occupant, has its live bytes
 * in the region at a time, the others keep theirs in a side buffer.
 */
struct guest_stack {
  uintptr_t lo, hi; /* lo == 0: bounds unknown (a host thread in unit tests) */
  struct guest_thread *occupant;
  unsigned users; /* threads using the region; freed with the last */
  void *mem;      /* what guest_alloc gave, NULL for the boot stack */
};

/* The live part [rsp, hi) of a thread that is not the occupant. */
struct guest_stack_save {
  uint8_t *buf;
  size_t len;
  size_t cap;
};

/* Bytes of canary at the low end of every region. */
#define GUEST_STACK_CANARY_BYTES 64
/* Unused bytes below an allocated stack that a moderate overflow may trample safely. */
#define GUEST_STACK_GUARD_BYTES 4096

/* A region of size bytes (plus guard area) from guest_alloc, with canary and one user, or NULL. */
struct guest_stack *guest_stack_new(size_t size);

/* Describes an existing stack (the boot stack) and writes its canary. */
void guest_stack_init_fixed(struct guest_stack *s, uintptr_t lo, uintptr_t hi);

/* Whether the canary is intact and sp lies above it: false means the stack overflowed. */
bool guest_stack_ok(const struct guest_stack *s, uintptr_t sp);

/* Drops one user; frees the region with its last one (never a fixed region). */
void guest_stack_put(struct guest_stack *s);

/* Copies [rsp, s->hi) into sv, growing it; false when out of memory. */
bool guest_stack_save(struct guest_stack_save *sv, const struct guest_stack *s, uint64_t rsp);

/* Copies sv back to [rsp, rsp + sv->len). */
void guest_stack_restore(const struct guest_stack_save *sv, uint64_t rsp);

void guest_stack_save_free(struct guest_stack_save *sv);

#endif
