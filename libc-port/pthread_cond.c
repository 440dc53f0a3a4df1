/* pthread_cond.c: condition variables: wait, timedwait (realtime, monotonic), signal. */
#include "port.h"
#include "pthread_impl.h"
#include <string.h>

int pthread_condattr_init(pthread_condattr_t *attr) {
  attr->__clock = CLOCK_REALTIME;
  attr->__pshared = PTHREAD_PROCESS_PRIVATE;
  return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr) {
  (void)attr;
  return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock) {
  if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
    return EINVAL;
  attr->__clock = (int)clock;
  return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock) {
  *clock = (clockid_t)attr->__clock;
  return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared) {
  if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
    return EINVAL;
  attr->__pshared = pshared;
  return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared) {
  *pshared = attr->__pshared;
  return 0;
}

int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr) {
  struct port_cond *c = port_cond_of(cond);
  memset(c, 0, sizeof(*c));
  c->clock = attr != NULL ? attr->__clock : (int)CLOCK_REALTIME;
  return 0;
}

int pthread_cond_destroy(pthread_cond_t *cond) {
  return guest_waitq_empty(&port_cond_of(cond)->waiters) ? 0 : EBUSY;
}

/*
 * Releasing the mutex and starting to wait need no atomic trick: nothing
 * else runs between them (cooperative threads on one vCPU), so no signal
 * can be lost.
 */
static int cond_wait(struct port_cond *c, pthread_mutex_t *mutex, uint64_t deadline) {
  struct guest_lock *l = &port_mutex_of(mutex)->lock;
  if (!guest_lock_held_by_me(l))
    return EPERM;
  unsigned count = l->count;
  l->count = 1;
  guest_lock_release(l);
  int woke = guest_waitq_wait(&c->waiters, deadline);
  guest_lock_acquire(l, GUEST_FOREVER);
  l->count = count;
  return woke == GUEST_WOKEN ? 0 : ETIMEDOUT;
}

int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex) {
  return cond_wait(port_cond_of(cond), mutex, GUEST_FOREVER);
}

int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                           const struct timespec *abstime) {
  struct port_cond *c = port_cond_of(cond);
  if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L)
    return EINVAL;
  clockid_t clock = c->clock == 0 ? CLOCK_REALTIME : (clockid_t)c->clock;
  return cond_wait(c, mutex, port_abstime_deadline(clock, abstime));
}

int pthread_cond_signal(pthread_cond_t *cond) {
  guest_waitq_wake_one(&port_cond_of(cond)->waiters);
  return 0;
}

int pthread_cond_broadcast(pthread_cond_t *cond) {
  guest_waitq_wake_all(&port_cond_of(cond)->waiters);
  return 0;
}
