/* pthread.h: POSIX threads on unikvm's cooperative scheduler (implemented in libc-port). */
#ifndef UNIKVM_PTHREAD_H
#define UNIKVM_PTHREAD_H

#include <sched.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Threads are cooperative: one runs until it blocks (a mutex, a condition
 * variable, join, sleep, a pipe, ...), yields or exits. There is no
 * cancellation and no signals.
 */

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1

#define PTHREAD_MUTEX_NORMAL     0
#define PTHREAD_MUTEX_RECURSIVE  1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT    PTHREAD_MUTEX_NORMAL

#define PTHREAD_PROCESS_PRIVATE 0
#define PTHREAD_PROCESS_SHARED  1

#define PTHREAD_SCOPE_SYSTEM  0
#define PTHREAD_SCOPE_PROCESS 1

#define PTHREAD_INHERIT_SCHED  0
#define PTHREAD_EXPLICIT_SCHED 1

#define PTHREAD_MUTEX_INITIALIZER                                                                  \
  {                                                                                                \
    PTHREAD_MUTEX_NORMAL, 0, {                                                                     \
      0, 0, 0, 0                                                                                   \
    }                                                                                              \
  }
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP                                                     \
  {                                                                                                \
    PTHREAD_MUTEX_RECURSIVE, 0, {                                                                  \
      0, 0, 0, 0                                                                                   \
    }                                                                                              \
  }
#define PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP                                                    \
  {                                                                                                \
    PTHREAD_MUTEX_ERRORCHECK, 0, {                                                                 \
      0, 0, 0, 0                                                                                   \
    }                                                                                              \
  }
#define PTHREAD_COND_INITIALIZER                                                                   \
  { {0, 0}, 0, 0 }
#define PTHREAD_ONCE_INIT                                                                          \
  { 0 }

/* Limits (also what sysconf would say). */
#ifndef PTHREAD_KEYS_MAX
#define PTHREAD_KEYS_MAX 128
#endif
#ifndef PTHREAD_DESTRUCTOR_ITERATIONS
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#endif
/* Stacks are real memory taken from the heap (no guard pages, no overcommit). */
#ifndef PTHREAD_STACK_MIN
#define PTHREAD_STACK_MIN 16384
#endif
/* What a thread gets without pthread_attr_setstacksize. */
#define UNIKVM_PTHREAD_STACK_DEFAULT (256 * 1024)

/* Threads */
int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                   void *arg);
int pthread_join(pthread_t thread, void **retval);
int pthread_detach(pthread_t thread);
void pthread_exit(void *retval) __attribute__((__noreturn__));
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
int pthread_setname_np(pthread_t thread, const char *name);
int pthread_getname_np(pthread_t thread, char *name, size_t len);

/* Thread attributes */
int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);
int pthread_attr_setscope(pthread_attr_t *attr, int scope);
int pthread_attr_getscope(const pthread_attr_t *attr, int *scope);
int pthread_attr_setguardsize(pthread_attr_t *attr, size_t size);
int pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *size);

/* Mutexes */
int pthread_mutexattr_init(pthread_mutexattr_t *attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type);
int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type);
int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared);
int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared);
int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *mutex);
int pthread_mutex_lock(pthread_mutex_t *mutex);
int pthread_mutex_trylock(pthread_mutex_t *mutex);
int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *abstime);
int pthread_mutex_unlock(pthread_mutex_t *mutex);

/* Condition variables */
int pthread_condattr_init(pthread_condattr_t *attr);
int pthread_condattr_destroy(pthread_condattr_t *attr);
int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock);
int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock);
int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared);
int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared);
int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *cond);
int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                           const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *cond);
int pthread_cond_broadcast(pthread_cond_t *cond);

/* Once and thread-specific data */
int pthread_once(pthread_once_t *once, void (*init)(void));
int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);

/*
 * Cleanup handlers: the record lives in the caller's frame; pthread_exit
 * runs the ones still pushed, newest first.
 */
struct _unikvm_cleanup {
  void (*__routine)(void *);
  void *__arg;
  struct _unikvm_cleanup *__prev;
};
void _unikvm_cleanup_push(struct _unikvm_cleanup *c, void (*routine)(void *), void *arg);
void _unikvm_cleanup_pop(struct _unikvm_cleanup *c, int execute);
#define pthread_cleanup_push(routine, arg)                                                         \
  {                                                                                                \
    struct _unikvm_cleanup _unikvm_cleanup_record;                                                 \
    _unikvm_cleanup_push(&_unikvm_cleanup_record, (routine), (arg));
#define pthread_cleanup_pop(execute)                                                               \
  _unikvm_cleanup_pop(&_unikvm_cleanup_record, (execute));                                         \
  }

#ifdef __cplusplus
}
#endif

#endif
