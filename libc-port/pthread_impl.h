/* pthread_impl.h: what the private fields of pthread_mutex_t and pthread_cond_t hold. */
#ifndef LIBC_PORT_PTHREAD_IMPL_H
#define LIBC_PORT_PTHREAD_IMPL_H

#include <guest/lock.h>
#include <pthread.h>

/* may_alias: apps declare pthread_mutex_t, libc-port reads it as this. */
struct __attribute__((may_alias)) port_mutex {
  int type;
  int pad;
  struct guest_lock lock;
};
_Static_assert(sizeof(struct port_mutex) == sizeof(pthread_mutex_t), "pthread_mutex_t layout");
_Static_assert(_Alignof(struct port_mutex) <= _Alignof(pthread_mutex_t), "pthread_mutex_t align");

struct __attribute__((may_alias)) port_cond {
  struct guest_waitq waiters;
  int clock; /* 0: CLOCK_REALTIME, the default */
  int pad;
};
_Static_assert(sizeof(struct port_cond) == sizeof(pthread_cond_t), "pthread_cond_t layout");

static inline struct port_mutex *port_mutex_of(pthread_mutex_t *m) {
  return (struct port_mutex *)m;
}

static inline struct port_cond *port_cond_of(pthread_cond_t *c) {
  return (struct port_cond *)c;
}

#endif
