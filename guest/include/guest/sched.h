/* sched.h: cooperative threads on one vCPU: creation, fork, exit, yield, sleep and wait queues. */
#ifndef GUEST_SCHED_H
#define GUEST_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/*
 * There are no interrupts: a thread runs until it blocks, yields or exits,
 * and a switch costs no VM exit. When nothing is runnable the scheduler
 * makes one poll hypercall that lasts until the earliest sleeper's deadline;
 * when nothing is runnable and nobody sleeps, that is a deadlock and the
 * guest panics rather than waiting forever.
 */

struct guest_thread; /* opaque: only the scheduler looks inside */

/*
 * Threads blocked on something, first come first served. All zero is an
 * empty queue, so a queue can be embedded in a statically initialised
 * object. The links live in the threads (on the heap), never on a stack:
 * a stack may be swapped out while its thread waits (see guest_thread_fork).
 */
struct guest_waitq {
  struct guest_thread *head;
  struct guest_thread *tail;
};

/* No deadline: wait until woken. */
#define GUEST_FOREVER UINT64_MAX

/* Results of guest_waitq_wait. */
#define GUEST_WOKEN    0
#define GUEST_TIMEDOUT 1

/*
 * Takes over the running context as the first thread ("main"), whose stack
 * is [stack_lo, stack_hi) (the boot stack). A canary is written at
 * stack_lo; stack_lo == 0 means the bounds are unknown and not checked.
 */
void guest_sched_init(uintptr_t stack_lo, uintptr_t stack_hi);

/*
 * On every switch the scheduler stores the incoming thread's tls pointer
 * into *slot (newlib's _impure_ptr), so per-thread library state costs
 * nothing to switch.
 */
void guest_sched_set_tls_slot(void **slot);

/*
 * HANDLER runs (in whatever thread was current) after an idle poll returned
 * device events (enum unikvm_ready bits), e.g. to wake the network's input
 * thread. It must not block.
 */
void guest_sched_set_event_handler(void (*handler)(uint64_t ready));

/* The running thread. */
struct guest_thread *guest_thread_current(void);

/*
 * A new thread with a stack of stack_size bytes (from guest_alloc) that
 * will run fn(arg) and then exit. It is not runnable until
 * guest_thread_start. NULL when memory runs out.
 */
struct guest_thread *guest_thread_create(const char *name, size_t stack_size, void (*fn)(void *),
                                         void *arg);

/*
 * Creates a copy of the running thread: the new thread shares the caller's
 * stack addresses (its live part is copied aside now, and swapped in and
 * out of the shared region on switches), so pointers into the stack stay
 * valid in both. Returns 1 in the caller with *child set (not yet
 * runnable), 0 when the copy itself returns, negative errno on failure.
 */
int guest_thread_fork(const char *name, struct guest_thread **child);

/* Makes a new or forked thread runnable (at the end of the run queue). */
void guest_thread_start(struct guest_thread *t);

/*
 * Makes a new or forked thread runnable and runs it at once; the caller is
 * next in line and resumes as soon as t blocks, yields or exits. A fork
 * tree then runs depth first, like the recursion it usually is, with few
 * processes alive at a time instead of all of them.
 */
void guest_thread_run_now(struct guest_thread *t);

/*
 * Ends the running thread. Its memory stays until guest_thread_free,
 * called by another thread (a thread cannot free the stack it runs on).
 */
noreturn void guest_thread_exit(void);

/*
 * Ends a thread that is not running: takes it off the run queue, its wait
 * queue and the sleepers, as if it had called guest_thread_exit.
 */
void guest_thread_kill(struct guest_thread *t);

/* Frees an exited thread's struct, stack (if no fork shares it) and saved stack bytes. */
void guest_thread_free(struct guest_thread *t);

/* Per-thread pointers for the layers above; tls is what the tls slot gets. */
void guest_thread_set_tls(struct guest_thread *t, void *tls);
void *guest_thread_owner(const struct guest_thread *t);
void guest_thread_set_owner(struct guest_thread *t, void *owner);
unsigned guest_thread_id(const struct guest_thread *t);
const char *guest_thread_name(const struct guest_thread *t);
void guest_thread_set_name(struct guest_thread *t, const char *name);

/* Lets every other runnable thread run once; returns at once when none is. */
void guest_yield(void);

/*
 * Blocks the running thread on q until guest_waitq_wake_* picks it
 * (GUEST_WOKEN) or the monotonic clock reaches deadline_ns
 * (GUEST_TIMEDOUT; GUEST_FOREVER never comes). q may be NULL: a plain
 * sleep.
 */
int guest_waitq_wait(struct guest_waitq *q, uint64_t deadline_ns);

/* Makes the first waiter runnable; returns it, or NULL if q was empty. */
struct guest_thread *guest_waitq_wake_one(struct guest_waitq *q);

/* Makes every waiter runnable; returns how many there were. */
unsigned guest_waitq_wake_all(struct guest_waitq *q);

static inline bool guest_waitq_empty(const struct guest_waitq *q) {
  return q->head == NULL;
}

#endif
