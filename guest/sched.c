/* sched.c: the cooperative scheduler: run queue, sleepers, wait queues, switching, idle. */
#include "context.h"
#include "stack.h"
#include <guest/alloc.h>
#include <guest/clock.h>
#include <guest/panic.h>
#include <guest/platform.h>
#include <guest/sched.h>

enum thread_state { T_NEW, T_RUNNABLE, T_RUNNING, T_BLOCKED, T_DEAD };

struct guest_thread {
  uint64_t rsp; /* saved context (context.h), valid while not running */
  struct guest_stack *stack;
  struct guest_stack_save saved; /* live bytes while another thread occupies the stack */
  enum thread_state state;
  /* Membership of the run queue or one wait queue. */
  struct guest_waitq *q;
  struct guest_thread *q_prev, *q_next;
  /* Membership of the sleepers, sorted by deadline. */
  bool sleeping;
  uint64_t deadline;
  struct guest_thread *s_prev, *s_next;
  int wake; /* GUEST_WOKEN or GUEST_TIMEDOUT */
  bool is_static;
  unsigned id;
  char name[24];
  void *tls;
  void *owner;
  void (*fn)(void *);
  void *arg;
};

/* Longest single poll: the host refuses UINT64_MAX ("forever"). */
#define SCHED_MAX_POLL_NS (UINT64_MAX / 2)

static struct guest_thread sched_main_thread = {.state = T_RUNNING, .is_static = true, .id = 1};
static struct guest_stack sched_main_stack;
static struct guest_thread *sched_current = &sched_main_thread;
static struct guest_waitq sched_runq;
static struct guest_thread *sched_sleepers;
static void **sched_tls_slot;
static unsigned sched_next_id = 2;

/*
 * Where a shared stack region is rewritten: the outgoing thread may be the
 * region's occupant, so the copy cannot run on it. Also deep enough for
 * guest_alloc (malloc) when a side buffer has to grow.
 */
static _Alignas(16) uint8_t sched_swap_stack[16384];

/* ---- queues ------------------------------------------------------------ */

static void q_push(struct guest_waitq *q, struct guest_thread *t) {
  t->q = q;
  t->q_next = NULL;
  t->q_prev = q->tail;
  if (q->tail != NULL)
    q->tail->q_next = t;
  else
    q->head = t;
  q->tail = t;
}

static void q_push_front(struct guest_waitq *q, struct guest_thread *t) {
  t->q = q;
  t->q_prev = NULL;
  t->q_next = q->head;
  if (q->head != NULL)
    q->head->q_prev = t;
  else
    q->tail = t;
  q->head = t;
}

static void q_remove(struct guest_thread *t) {
  struct guest_waitq *q = t->q;
  if (q == NULL)
    return;
  if (t->q_prev != NULL)
    t->q_prev->q_next = t->q_next;
  else
    q->head = t->q_next;
  if (t->q_next != NULL)
    t->q_next->q_prev = t->q_prev;
  else
    q->tail = t->q_prev;
  t->q = NULL;
  t->q_prev = t->q_next = NULL;
}

static void sleep_insert(struct guest_thread *t, uint64_t deadline) {
  t->deadline = deadline;
  t->sleeping = true;
  struct guest_thread *prev = NULL, *p = sched_sleepers;
  while (p != NULL && p->deadline <= deadline) {
    prev = p;
    p = p->s_next;
  }
  t->s_prev = prev;
  t->s_next = p;
  if (p != NULL)
    p->s_prev = t;
  if (prev != NULL)
    prev->s_next = t;
  else
    sched_sleepers = t;
}

static void sleep_remove(struct guest_thread *t) {
  if (!t->sleeping)
    return;
  if (t->s_prev != NULL)
    t->s_prev->s_next = t->s_next;
  else
    sched_sleepers = t->s_next;
  if (t->s_next != NULL)
    t->s_next->s_prev = t->s_prev;
  t->s_prev = t->s_next = NULL;
  t->sleeping = false;
}

static void make_runnable(struct guest_thread *t, int wake) {
  sleep_remove(t);
  q_remove(t);
  t->wake = wake;
  t->state = T_RUNNABLE;
  q_push(&sched_runq, t);
}

static void wake_expired(void) {
  uint64_t now = guest_clock_monotonic_ns();
  while (sched_sleepers != NULL && sched_sleepers->deadline <= now)
    make_runnable(sched_sleepers, GUEST_TIMEDOUT);
}

/* ---- switching ------------------------------------------------------------ */

static noreturn void stack_overflow(const struct guest_thread *t) {
  guest_panic("thread %u (%s): stack overflow", t->id, t->name);
}

static uintptr_t current_sp(void) {
  uintptr_t sp;
  __asm__ __volatile__("movq %%rsp, %0" : "=r"(sp));
  return sp;
}

/*
 * Runs on sched_swap_stack: moves the occupant's live bytes out of the
 * region and next's in, then resumes next.
 */
static noreturn void swap_in_and_resume(void *arg) {
  struct guest_thread *next = arg;
  struct guest_stack *s = next->stack;
  struct guest_thread *occ = s->occupant;
  /* A dead occupant's bytes are garbage: nobody will resume them. */
  if (occ != NULL && occ != next && occ->state != T_DEAD) {
    if (!guest_stack_save(&occ->saved, s, occ->rsp))
      guest_panic("thread %u (%s): out of memory saving its stack for thread %u (%s)", occ->id,
                  occ->name, next->id, next->name);
  }
  guest_stack_restore(&next->saved, next->rsp);
  s->occupant = next;
  guest_ctx_jump(next->rsp);
}

/* At every switch and yield (even one that does not switch): cheap, and catches overflows early. */
static void check_stack(const struct guest_thread *t) {
  if (!guest_stack_ok(t->stack, current_sp()))
    stack_overflow(t);
}

/* Called after an idle poll that a device ended (see guest_sched_set_event_handler). */
static void (*sched_event_handler)(uint64_t ready);

void guest_sched_set_event_handler(void (*handler)(uint64_t ready)) {
  sched_event_handler = handler;
}

static void switch_to(struct guest_thread *prev, struct guest_thread *next) {
  sched_current = next;
  if (sched_tls_slot != NULL)
    *sched_tls_slot = next->tls;
  if (next->stack->occupant == next)
    guest_ctx_switch(&prev->rsp, next->rsp);
  else
    guest_ctx_switch_call(&prev->rsp, (uintptr_t)(sched_swap_stack + sizeof(sched_swap_stack)),
                          swap_in_and_resume, next);
}

/*
 * Picks the next thread and switches to it; the caller has already queued
 * or blocked the running thread. Idles in the host while nothing is
 * runnable but a sleeper will be.
 */
static void schedule(void) {
  struct guest_thread *prev = sched_current, *next;
  check_stack(prev);
  for (;;) {
    if (sched_sleepers != NULL)
      wake_expired();
    next = sched_runq.head;
    if (next != NULL)
      break;
    if (sched_sleepers == NULL && !platform_has_events())
      guest_panic("deadlock: all threads blocked (thread %u (%s) was the last to run)", prev->id,
                  prev->name);
    /* One exit per wait; a device event or host clock skew may end it early: loop. */
    uint64_t timeout = UINT64_MAX; /* only a device can end it */
    if (sched_sleepers != NULL) {
      uint64_t now = guest_clock_monotonic_ns(), deadline = sched_sleepers->deadline;
      uint64_t left = deadline > now ? deadline - now : 0;
      timeout = left < SCHED_MAX_POLL_NS ? left : SCHED_MAX_POLL_NS;
    }
    uint64_t ready = timeout ? platform_poll(timeout) : 0;
    if (ready && sched_event_handler != NULL)
      sched_event_handler(ready);
  }
  q_remove(next);
  next->state = T_RUNNING;
  if (next != prev)
    switch_to(prev, next);
}

noreturn void guest_sched_thread_main(void) {
  struct guest_thread *t = sched_current;
  t->fn(t->arg);
  guest_thread_exit();
}

/* ---- threads ---------------------------------------------------------------- */

void guest_sched_init(uintptr_t stack_lo, uintptr_t stack_hi) {
  guest_stack_init_fixed(&sched_main_stack, stack_lo, stack_hi);
  sched_main_stack.occupant = &sched_main_thread;
  sched_main_thread.stack = &sched_main_stack;
  guest_thread_set_name(&sched_main_thread, "main");
}

void guest_sched_set_tls_slot(void **slot) {
  sched_tls_slot = slot;
  if (slot != NULL)
    *slot = sched_current->tls;
}

struct guest_thread *guest_thread_current(void) {
  return sched_current;
}

static struct guest_thread *thread_alloc(const char *name) {
  struct guest_thread *t = guest_alloc(sizeof(*t));
  if (t == NULL)
    return NULL;
  __builtin_memset(t, 0, sizeof(*t));
  t->state = T_NEW;
  t->id = sched_next_id++;
  guest_thread_set_name(t, name);
  return t;
}

struct guest_thread *guest_thread_create(const char *name, size_t stack_size, void (*fn)(void *),
                                         void *arg) {
  /* The stack first: an overflow reaches older memory below it, not this thread's record. */
  struct guest_stack *s = guest_stack_new(stack_size);
  struct guest_thread *t = s != NULL ? thread_alloc(name) : NULL;
  if (t == NULL) {
    if (s != NULL)
      guest_stack_put(s);
    return NULL;
  }
  t->stack = s;
  s->occupant = t;
  t->fn = fn;
  t->arg = arg;
  t->rsp = guest_ctx_init(t->stack->hi);
  return t;
}

struct fork_copy {
  struct guest_thread *child;
  bool ok;
};

/* Runs inside guest_ctx_capture, while the captured frame is still on the stack. */
static void fork_copy_stack(void *arg, uint64_t rsp) {
  struct fork_copy *fc = arg;
  fc->ok = guest_stack_save(&fc->child->saved, fc->child->stack, rsp);
}

int guest_thread_fork(const char *name, struct guest_thread **child) {
  struct guest_thread *self = sched_current;
  if (self->stack->lo == 0)
    return -1; /* unknown bounds: nothing to copy up to */
  struct guest_thread *t = thread_alloc(name);
  if (t == NULL)
    return -1;
  t->stack = self->stack;
  struct fork_copy fc = {.child = t, .ok = false};
  if (guest_ctx_capture(&t->rsp, fork_copy_stack, &fc) == 0)
    return 0; /* the copy, resumed by swap_in_and_resume */
  if (!fc.ok) {
    guest_free(t);
    return -1;
  }
  t->stack->users++;
  t->tls = self->tls;
  *child = t;
  return 1;
}

void guest_thread_start(struct guest_thread *t) {
  make_runnable(t, GUEST_WOKEN);
}

void guest_thread_run_now(struct guest_thread *t) {
  struct guest_thread *self = sched_current;
  make_runnable(t, GUEST_WOKEN);
  q_remove(t);
  self->state = T_RUNNABLE;
  /* t first, the caller right behind it: when t blocks or exits, the caller goes on. */
  q_push_front(&sched_runq, self);
  q_push_front(&sched_runq, t);
  schedule();
}

noreturn void guest_thread_exit(void) {
  sched_current->state = T_DEAD;
  schedule();
  guest_panic("thread %u (%s) resumed after exit", sched_current->id, sched_current->name);
}

void guest_thread_kill(struct guest_thread *t) {
  if (t == sched_current)
    guest_panic("thread %u (%s) killed itself", t->id, t->name);
  sleep_remove(t);
  q_remove(t);
  t->state = T_DEAD;
}

void guest_thread_free(struct guest_thread *t) {
  if (t->state != T_DEAD && t->state != T_NEW)
    guest_panic("thread %u (%s) freed while alive", t->id, t->name);
  if (t->stack->occupant == t)
    t->stack->occupant = NULL;
  guest_stack_put(t->stack);
  guest_stack_save_free(&t->saved);
  if (!t->is_static)
    guest_free(t);
}

void guest_thread_set_tls(struct guest_thread *t, void *tls) {
  t->tls = tls;
  if (t == sched_current && sched_tls_slot != NULL)
    *sched_tls_slot = tls;
}

void *guest_thread_owner(const struct guest_thread *t) {
  return t->owner;
}

void guest_thread_set_owner(struct guest_thread *t, void *owner) {
  t->owner = owner;
}

unsigned guest_thread_id(const struct guest_thread *t) {
  return t->id;
}

const char *guest_thread_name(const struct guest_thread *t) {
  return t->name;
}

void guest_thread_set_name(struct guest_thread *t, const char *name) {
  size_t i = 0;
  for (; name != NULL && name[i] != '\0' && i + 1 < sizeof(t->name); i++)
    t->name[i] = name[i];
  t->name[i] = '\0';
}

/* ---- yielding and waiting ----------------------------------------------------- */

void guest_yield(void) {
  check_stack(sched_current);
  if (sched_sleepers != NULL)
    wake_expired();
  if (sched_runq.head == NULL)
    return;
  struct guest_thread *self = sched_current;
  self->state = T_RUNNABLE;
  q_push(&sched_runq, self);
  schedule();
}

int guest_waitq_wait(struct guest_waitq *q, uint64_t deadline_ns) {
  struct guest_thread *self = sched_current;
  if (deadline_ns != GUEST_FOREVER && deadline_ns <= guest_clock_monotonic_ns())
    return GUEST_TIMEDOUT;
  self->state = T_BLOCKED;
  self->wake = GUEST_WOKEN;
  if (q != NULL)
    q_push(q, self);
  if (deadline_ns != GUEST_FOREVER)
    sleep_insert(self, deadline_ns);
  schedule();
  return self->wake;
}

struct guest_thread *guest_waitq_wake_one(struct guest_waitq *q) {
  struct guest_thread *t = q->head;
  if (t != NULL)
    make_runnable(t, GUEST_WOKEN);
  return t;
}

unsigned guest_waitq_wake_all(struct guest_waitq *q) {
  unsigned n = 0;
  while (guest_waitq_wake_one(q) != NULL)
    n++;
  return n;
}
