/* stack.c: thread stack regions: allocation, overflow canary, saving and restoring bytes. */
#include "stack.h"
#include <guest/alloc.h>

/*
 * There is no guard page (the host owns the page tables), so overflow is
 * caught by a canary at the low end, checked on every switch and at exit:
 * it reports an overflow that touched it before the corruption spreads
 * further, instead of failing somewhere unrelated later.
 */
#define CANARY_WORD  0x5ca1ab1edeadc0deull
#define CANARY_WORDS (GUEST_STACK_CANARY_BYTES / 8)

static void stack_write_canary(uintptr_t lo) {
  volatile uint64_t *w = (volatile uint64_t *)lo;
  for (unsigned i = 0; i < CANARY_WORDS; i++)
    w[i] = CANARY_WORD;
}

struct guest_stack *guest_stack_new(size_t size) {
  /*
   * One allocation: [guard area | stack | region record]. The record sits
   * above the top, out of the way of an overflow, which runs downwards and
   * would otherwise corrupt the very bounds that detect it. The guard area
   * below belongs to the stack too: a moderate overflow lands there, not in
   * whatever malloc put below, so it is reported before it does harm. It is
   * never written, so it costs no page touches.
   */
  size_t record = (sizeof(struct guest_stack) + 15) & ~(size_t)15;
  uint8_t *mem = guest_alloc(GUEST_STACK_GUARD_BYTES + size + record);
  if (mem == NULL)
    return NULL;
  uintptr_t lo = ((uintptr_t)mem + GUEST_STACK_GUARD_BYTES + 15) & ~(uintptr_t)15;
  uintptr_t hi = ((uintptr_t)mem + GUEST_STACK_GUARD_BYTES + size) & ~(uintptr_t)15;
  struct guest_stack *s = (struct guest_stack *)hi;
  s->lo = lo;
  s->hi = hi;
  s->occupant = NULL;
  s->users = 1;
  s->mem = mem;
  stack_write_canary(lo);
  return s;
}

void guest_stack_init_fixed(struct guest_stack *s, uintptr_t lo, uintptr_t hi) {
  s->lo = lo;
  s->hi = hi;
  s->occupant = NULL;
  s->users = 1;
  s->mem = NULL;
  if (lo != 0)
    stack_write_canary(lo);
}

bool guest_stack_ok(const struct guest_stack *s, uintptr_t sp) {
  if (s->lo == 0)
    return true;
  if (sp < s->lo + GUEST_STACK_CANARY_BYTES || sp > s->hi)
    return false;
  const volatile uint64_t *w = (const volatile uint64_t *)s->lo;
  for (unsigned i = 0; i < CANARY_WORDS; i++)
    if (w[i] != CANARY_WORD)
      return false;
  return true;
}

void guest_stack_put(struct guest_stack *s) {
  if (--s->users > 0 || s->mem == NULL)
    return;
  guest_free(s->mem); /* the record lives inside it */
}

bool guest_stack_save(struct guest_stack_save *sv, const struct guest_stack *s, uint64_t rsp) {
  size_t len = s->hi - (uintptr_t)rsp;
  if (len > sv->cap) {
    /* Round up so that a stack that grows a little does not realloc every time. */
    size_t cap = (len + 1023) & ~(size_t)1023;
    uint8_t *buf = guest_alloc(cap);
    if (buf == NULL)
      return false;
    guest_free(sv->buf);
    sv->buf = buf;
    sv->cap = cap;
  }
  __builtin_memcpy(sv->buf, (const void *)(uintptr_t)rsp, len);
  sv->len = len;
  return true;
}

void guest_stack_restore(const struct guest_stack_save *sv, uint64_t rsp) {
  __builtin_memcpy((void *)(uintptr_t)rsp, sv->buf, sv->len);
}

void guest_stack_save_free(struct guest_stack_save *sv) {
  guest_free(sv->buf);
  sv->buf = NULL;
  sv->len = sv->cap = 0;
}
