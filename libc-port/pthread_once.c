/* pthread_once.c: the first caller runs init, later ones wait until it has finished. */
#include "port.h"
#include <guest/sched.h>
#include <pthread.h>

enum { ONCE_NEVER = 0, ONCE_RUNNING = 1, ONCE_DONE = 2 };

/* Threads whose init is being run by another thread that blocked inside it. */
static struct guest_waitq once_waiters;

int pthread_once(pthread_once_t *once, void (*init)(void)) {
  for (;;) {
    if (once->__state == ONCE_DONE)
      return 0;
    if (once->__state == ONCE_NEVER) {
      once->__state = ONCE_RUNNING;
      init();
      once->__state = ONCE_DONE;
      guest_waitq_wake_all(&once_waiters);
      return 0;
    }
    guest_waitq_wait(&once_waiters, GUEST_FOREVER);
  }
}
