/* _pthreadtypes.h: pthread types for unikvm; replaces newlib's (ids into an RTEMS table). */
#ifndef UNIKVM_SYS_PTHREADTYPES_H
#define UNIKVM_SYS_PTHREADTYPES_H

/*
 * newlib's sys/types.h includes this file, so these are the types every
 * guest compile sees. Objects are plain memory that a zeroed static
 * initialiser makes valid, as on Linux: no table, no lazy allocation. The
 * fields are private to libc-port (libc-port/pthread_*.c).
 */
#include <sys/sched.h>

typedef unsigned long pthread_t;

typedef struct {
  __SIZE_TYPE__ __stacksize;
  int __detachstate;
  int __scope;
  int __inheritsched;
  int __schedpolicy;
  struct sched_param __schedparam;
  __SIZE_TYPE__ __guardsize;
} pthread_attr_t;

typedef struct {
  int __type;
  int __pshared;
} pthread_mutexattr_t;

/* All zero is an unlocked PTHREAD_MUTEX_DEFAULT mutex. */
typedef struct {
  int __type;
  int __pad;
  void *__lock[4];
} pthread_mutex_t;

typedef struct {
  int __clock;
  int __pshared;
} pthread_condattr_t;

/* All zero is a condition variable timed by CLOCK_REALTIME. */
typedef struct {
  void *__waiters[2];
  int __clock;
  int __pad;
} pthread_cond_t;

typedef unsigned pthread_key_t;

typedef struct {
  int __state;
} pthread_once_t;

#endif
