/* timers.c: a plain list: slirp keeps one or two timers, so nothing smarter pays off. */
#include "timers.h"

#include <stdbool.h>
#include <stdlib.h>

struct timer {
  void (*cb)(void *);
  void *opaque;
  int64_t expire_ms; /* TIMERS_NONE: not armed */
  bool due;          /* was due when timers_run began */
  struct timer *next;
};

static struct timer *timer_list;

struct timer *timer_create_cb(void (*cb)(void *), void *opaque) {
  struct timer *t = calloc(1, sizeof(*t));
  if (!t)
    abort(); /* libslirp cannot handle a NULL timer either */
  t->cb = cb;
  t->opaque = opaque;
  t->expire_ms = TIMERS_NONE;
  t->next = timer_list;
  timer_list = t;
  return t;
}

void timer_arm(struct timer *t, int64_t expire_ms) {
  t->expire_ms = expire_ms;
}

void timer_destroy(struct timer *t) {
  for (struct timer **p = &timer_list; *p; p = &(*p)->next) {
    if (*p == t) {
      *p = t->next;
      free(t);
      return;
    }
  }
}

void timers_run(int64_t now_ms) {
  /* Only timers due on entry fire: one re-armed into the past by its own callback waits for the
   * next loop iteration instead of spinning here. */
  for (struct timer *t = timer_list; t; t = t->next)
    t->due = t->expire_ms <= now_ms;
  /* A callback may create or destroy timers, so rescan from the head after each one. */
  for (;;) {
    struct timer *t = timer_list;
    while (t && !t->due)
      t = t->next;
    if (!t)
      return;
    t->due = false;
    if (t->expire_ms <= now_ms) {
      t->expire_ms = TIMERS_NONE;
      t->cb(t->opaque);
    }
  }
}

int64_t timers_next(void) {
  int64_t next = TIMERS_NONE;
  for (struct timer *t = timer_list; t; t = t->next)
    if (t->expire_ms < next)
      next = t->expire_ms;
  return next;
}
