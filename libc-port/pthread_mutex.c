/* pthread_mutex.c: normal, recursive and errorcheck mutexes on guest locks, with timedlock. */
#include "port.h"
#include "pthread_impl.h"
#include <string.h>

int pthread_mutexattr_init(pthread_mutexattr_t *attr) {
  attr->__type = PTHREAD_MUTEX_DEFAULT;
  attr->__pshared = PTHREAD_PROCESS_PRIVATE;
  return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr) {
  (void)attr;
  return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type) {
  if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE &&
      type != PTHREAD_MUTEX_ERRORCHECK)
    return EINVAL;
  attr->__type = type;
  return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type) {
  *type = attr->__type;
  return 0;
}

/* All memory is shared between processes here, so both settings behave the same. */
int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared) {
  if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
    return EINVAL;
  attr->__pshared = pshared;
  return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared) {
  *pshared = attr->__pshared;
  return 0;
}

int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr) {
  struct port_mutex *m = port_mutex_of(mutex);
  memset(m, 0, sizeof(*m));
  m->type = attr != NULL ? attr->__type : PTHREAD_MUTEX_DEFAULT;
  return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *mutex) {
  return port_mutex_of(mutex)->lock.owner != NULL ? EBUSY : 0;
}

/* Shared by lock and timedlock; deadline GUEST_FOREVER waits without limit. */
static int mutex_lock(struct port_mutex *m, uint64_t deadline) {
  if (guest_lock_held_by_me(&m->lock)) {
    if (m->type == PTHREAD_MUTEX_ERRORCHECK)
      return EDEADLK;
    if (m->type != PTHREAD_MUTEX_RECURSIVE) {
      /* A normal mutex relocked by its owner deadlocks, as on Linux: wait for nothing. */
      guest_waitq_wait(NULL, deadline);
      return ETIMEDOUT;
    }
  }
  return guest_lock_acquire(&m->lock, deadline) == GUEST_WOKEN ? 0 : ETIMEDOUT;
}

int pthread_mutex_lock(pthread_mutex_t *mutex) {
  return mutex_lock(port_mutex_of(mutex), GUEST_FOREVER);
}

int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *abstime) {
  struct port_mutex *m = port_mutex_of(mutex);
  /* An invalid time is an error only when the call would have to wait. */
  if (m->lock.owner != NULL && (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L))
    return EINVAL;
  return mutex_lock(m, port_abstime_deadline(CLOCK_REALTIME, abstime));
}

int pthread_mutex_trylock(pthread_mutex_t *mutex) {
  struct port_mutex *m = port_mutex_of(mutex);
  if (guest_lock_held_by_me(&m->lock) && m->type != PTHREAD_MUTEX_RECURSIVE)
    return EBUSY;
  return guest_lock_try(&m->lock) ? 0 : EBUSY;
}

int pthread_mutex_unlock(pthread_mutex_t *mutex) {
  struct port_mutex *m = port_mutex_of(mutex);
  if (!guest_lock_held_by_me(&m->lock))
    return EPERM;
  guest_lock_release(&m->lock);
  return 0;
}
