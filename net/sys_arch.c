/* sys_arch.c: lwIP's semaphores, mutexes, mailboxes, threads, clock and randomness on the guest. */
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include <guest/clock.h>
#include <guest/console.h>
#include <guest/fmt.h>
#include <guest/random.h>
#include <guest/tsc.h>
#include <reent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A mailbox starts this small and doubles up to the size lwIP asked for. */
#define MBOX_FIRST_SLOTS 16u

struct sys_sem {
  unsigned count;
  struct guest_waitq waiters;
};

struct sys_mbox {
  void **slots;
  unsigned size, limit; /* slots allocated, slots allowed */
  unsigned head, count;
  struct guest_waitq readers, writers;
};

void sys_init(void) {}

u32_t sys_now(void) {
  return (u32_t)(guest_clock_monotonic_ns() / 1000000u);
}

/* lwIP's timeouts are in ms, 0 meaning "forever". */
static uint64_t ms_deadline(u32_t timeout_ms) {
  return timeout_ms == 0 ? GUEST_FOREVER : guest_deadline_after((uint64_t)timeout_ms * 1000000u);
}

static u32_t ms_since(uint64_t start_ns) {
  return (u32_t)((guest_clock_monotonic_ns() - start_ns) / 1000000u);
}

/* ---- semaphores ------------------------------------------------------------- */

err_t sys_sem_new(sys_sem_t *sem, u8_t count) {
  struct sys_sem *s = calloc(1, sizeof(*s));
  *sem = s;
  if (s == NULL)
    return ERR_MEM;
  s->count = count;
  return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem) {
  free(*sem);
  *sem = NULL;
}

void sys_sem_signal(sys_sem_t *sem) {
  (*sem)->count++;
  guest_waitq_wake_one(&(*sem)->waiters);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout_ms) {
  struct sys_sem *s = *sem;
  uint64_t start = guest_clock_monotonic_ns(), deadline = ms_deadline(timeout_ms);
  /* A woken waiter checks again: another thread may have taken the count first. */
  while (s->count == 0)
    if (guest_waitq_wait(&s->waiters, deadline) == GUEST_TIMEDOUT && s->count == 0)
      return SYS_ARCH_TIMEOUT;
  s->count--;
  return ms_since(start);
}

/* ---- mutexes ------------------------------------------------------------------ */

err_t sys_mutex_new(sys_mutex_t *mutex) {
  memset(mutex, 0, sizeof(*mutex));
  mutex->valid = 1;
  return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex) {
  mutex->valid = 0;
}

void sys_mutex_lock(sys_mutex_t *mutex) {
  guest_lock_acquire(&mutex->lock, GUEST_FOREVER);
}

void sys_mutex_unlock(sys_mutex_t *mutex) {
  guest_lock_release(&mutex->lock);
}

/* With core locking, the thread touching the stack's state must hold the core lock. */
void net_assert_core_locked(void) {
  if (lock_tcpip_core.valid && !guest_lock_held_by_me(&lock_tcpip_core.lock))
    guest_panic("net: lwIP core used without the core lock (thread %s)",
                guest_thread_name(guest_thread_current()));
}

/* ---- mailboxes ------------------------------------------------------------------ */

err_t sys_mbox_new(sys_mbox_t *mbox, int size) {
  struct sys_mbox *m = calloc(1, sizeof(*m));
  unsigned limit = size > 0 ? (unsigned)size : 1u;
  unsigned first = limit < MBOX_FIRST_SLOTS ? limit : MBOX_FIRST_SLOTS;
  void **slots = m != NULL ? malloc(first * sizeof(*slots)) : NULL;
  if (slots == NULL) {
    free(m);
    *mbox = NULL;
    return ERR_MEM;
  }
  m->slots = slots;
  m->size = first;
  m->limit = limit;
  *mbox = m;
  return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox) {
  if (*mbox == NULL)
    return;
  free((*mbox)->slots);
  free(*mbox);
  *mbox = NULL;
}

/* Doubles a full ring, unwrapping it; false at the limit or without memory. */
static bool mbox_grow(struct sys_mbox *m) {
  if (m->size >= m->limit)
    return false;
  unsigned size = m->size * 2 < m->limit ? m->size * 2 : m->limit;
  void **slots = malloc(size * sizeof(*slots));
  if (slots == NULL)
    return false;
  for (unsigned i = 0; i < m->count; i++)
    slots[i] = m->slots[(m->head + i) % m->size];
  free(m->slots);
  m->slots = slots;
  m->size = size;
  m->head = 0;
  return true;
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg) {
  struct sys_mbox *m = *mbox;
  if (m->count == m->size && !mbox_grow(m))
    return ERR_MEM;
  m->slots[(m->head + m->count) % m->size] = msg;
  m->count++;
  guest_waitq_wake_one(&m->readers);
  return ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg) {
  return sys_mbox_trypost(mbox, msg);
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg) {
  while (sys_mbox_trypost(mbox, msg) != ERR_OK)
    guest_waitq_wait(&(*mbox)->writers, GUEST_FOREVER);
}

/* The receiver takes the message itself, in its own thread and on its own stack. */
static void *mbox_take(struct sys_mbox *m) {
  void *msg = m->slots[m->head];
  m->head = (m->head + 1) % m->size;
  m->count--;
  guest_waitq_wake_one(&m->writers);
  return msg;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout_ms) {
  struct sys_mbox *m = *mbox;
  uint64_t start = guest_clock_monotonic_ns(), deadline = ms_deadline(timeout_ms);
  while (m->count == 0)
    if (guest_waitq_wait(&m->readers, deadline) == GUEST_TIMEDOUT && m->count == 0) {
      if (msg != NULL)
        *msg = NULL;
      return SYS_ARCH_TIMEOUT;
    }
  void *got = mbox_take(m);
  if (msg != NULL)
    *msg = got;
  return ms_since(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg) {
  struct sys_mbox *m = *mbox;
  if (m->count == 0)
    return SYS_MBOX_EMPTY;
  void *got = mbox_take(m);
  if (msg != NULL)
    *msg = got;
  return 0;
}

/* ---- threads ---------------------------------------------------------------------- */

/*
 * lwIP's threads belong to no process (a process's exit must not end
 * them), but newlib still wants a reent for errno and malloc's bookkeeping.
 */
sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stacksize,
                            int prio) {
  (void)prio;
  struct _reent *r = malloc(sizeof(*r));
  size_t stack = stacksize > 0 ? (size_t)stacksize : DEFAULT_THREAD_STACKSIZE;
  struct guest_thread *t = r != NULL ? guest_thread_create(name, stack, fn, arg) : NULL;
  if (t == NULL)
    guest_panic("net: cannot create thread %s", name);
  _REENT_INIT_PTR(r);
  guest_thread_set_tls(t, r);
  guest_thread_start(t);
  return t;
}

/* ---- randomness and diagnostics ------------------------------------------------------ */

/*
 * Ports, sequence numbers and DNS ids come from the guest's one generator
 * (guest/random.c): not cryptographic, but reseeded from host entropy after
 * every snapshot restore or reset, so restored VMs do not repeat them.
 */
uint32_t net_rand(void) {
  return (uint32_t)(guest_random_u64() >> 32);
}

void net_diag(const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  size_t n = guest_vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  guest_console_write(GUEST_CONSOLE_STDERR, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}
