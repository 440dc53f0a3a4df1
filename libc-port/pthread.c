/* pthread.c: pthread create, exit, join, detach, self, equal, names, cleanup; sched_yield. */
#include "port.h"
#include "proc.h"
#include <stdlib.h>
#include <string.h>

/* newlib's stdio initialiser (libc/stdio/findfp.c), declared only inside newlib. */
void __sinit(struct _reent *s);

static struct port_thread *thread_of(pthread_t t) {
  return (struct port_thread *)t;
}

/* Newlib calls this when freeing a reent that has "initialised" stdio; the streams are not its. */
static void reent_no_cleanup(struct _reent *r) {
  (void)r;
}

/*
 * A thread's own errno and newlib state, with the std streams of its
 * process: threads share stdout (and its buffer and lock) as in POSIX.
 */
static struct _reent *reent_for_thread(struct port_proc *p) {
  struct _reent *r = malloc(sizeof(*r));
  if (r == NULL)
    return NULL;
  _REENT_INIT_PTR(r);
  if (!p->reent->__sdidinit)
    __sinit(p->reent);
  r->_stdin = p->reent->_stdin;
  r->_stdout = p->reent->_stdout;
  r->_stderr = p->reent->_stderr;
  r->__sdidinit = 1;
  r->__cleanup = reent_no_cleanup;
  return r;
}

static void pthread_trampoline(void *unused) {
  (void)unused;
  struct port_thread *self = port_self();
  pthread_exit(self->start(self->arg));
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                   void *arg) {
  port_graveyard_flush();
  size_t stack =
      attr != NULL && attr->__stacksize != 0 ? attr->__stacksize : UNIKVM_PTHREAD_STACK_DEFAULT;
  /*
   * The stack first, the records after it: an overflow runs below the
   * stack, into older memory, not into this thread's own records.
   */
  struct guest_thread *gt = guest_thread_create("pthread", stack, pthread_trampoline, NULL);
  struct port_proc *p = port_proc_current();
  struct _reent *r = gt != NULL ? reent_for_thread(p) : NULL;
  struct port_thread *t = r != NULL ? port_thread_new(p, gt, r) : NULL;
  if (t == NULL) {
    if (r != NULL) {
      _reclaim_reent(r);
      free(r);
    }
    if (gt != NULL)
      guest_thread_free(gt);
    return EAGAIN;
  }
  t->start = start;
  t->arg = arg;
  t->detached = attr != NULL && attr->__detachstate == PTHREAD_CREATE_DETACHED;
  guest_thread_start(gt);
  *thread = (pthread_t)t;
  return 0;
}

void _unikvm_cleanup_push(struct _unikvm_cleanup *c, void (*routine)(void *), void *arg) {
  struct port_thread *self = port_self();
  c->__routine = routine;
  c->__arg = arg;
  c->__prev = self->cleanup;
  self->cleanup = c;
}

void _unikvm_cleanup_pop(struct _unikvm_cleanup *c, int execute) {
  port_self()->cleanup = c->__prev;
  if (execute)
    c->__routine(c->__arg);
}

void pthread_exit(void *retval) {
  struct port_thread *self = port_self();
  while (self->cleanup != NULL)
    _unikvm_cleanup_pop(self->cleanup, 1);
  port_tsd_run_destructors(self);
  struct port_proc *p = self->proc;
  /* The last thread of a process ends it, as if it had called exit(0). */
  if (p->live_threads == 1)
    exit(0);
  p->live_threads--;
  self->retval = retval;
  self->exited = true;
  if (self->detached) {
    port_thread_unlink(self);
    port_graveyard_add(self);
  } else {
    guest_waitq_wake_all(&self->joiners);
  }
  guest_thread_exit();
}

int pthread_join(pthread_t thread, void **retval) {
  struct port_thread *t = thread_of(thread);
  if (t == port_self())
    return EDEADLK;
  if (t->detached || t->joined)
    return EINVAL;
  port_graveyard_flush();
  t->joined = true;
  while (!t->exited)
    guest_waitq_wait(&t->joiners, GUEST_FOREVER);
  /* Written by the joiner itself: the exiting thread never touches another stack. */
  if (retval != NULL)
    *retval = t->retval;
  port_thread_free(t);
  return 0;
}

int pthread_detach(pthread_t thread) {
  struct port_thread *t = thread_of(thread);
  if (t->detached || t->joined)
    return EINVAL;
  t->detached = true;
  /* Already dead and not running: nobody else will free it. */
  if (t->exited)
    port_thread_free(t);
  return 0;
}

pthread_t pthread_self(void) {
  return (pthread_t)port_self();
}

int pthread_equal(pthread_t a, pthread_t b) {
  return a == b;
}

/* The name appears in the scheduler's messages (stack overflow, deadlock). */
int pthread_setname_np(pthread_t thread, const char *name) {
  if (strlen(name) >= 16)
    return ERANGE;
  guest_thread_set_name(thread_of(thread)->gt, name);
  return 0;
}

int pthread_getname_np(pthread_t thread, char *name, size_t len) {
  const char *n = guest_thread_name(thread_of(thread)->gt);
  if (strlen(n) >= len)
    return ERANGE;
  strcpy(name, n);
  return 0;
}

int sched_yield(void) {
  guest_yield();
  return 0;
}
