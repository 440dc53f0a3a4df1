/* sys_arch.h: lwIP's OS primitives (semaphores, mutexes, mailboxes, threads) on guest threads. */
#ifndef NET_ARCH_SYS_ARCH_H
#define NET_ARCH_SYS_ARCH_H

#include <guest/lock.h>
#include <guest/sched.h>
#include <stddef.h>

/*
 * Semaphores and mailboxes live on the heap and lwIP holds pointers to
 * them: lwIP puts some on a caller's stack, and a forked process's stack
 * may be swapped out while it waits, so the wait queues must not be there.
 */
typedef struct sys_sem *sys_sem_t;
typedef struct sys_mbox *sys_mbox_t;
typedef struct {
  struct guest_lock lock;
  int valid;
} sys_mutex_t;
typedef struct guest_thread *sys_thread_t;

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL  NULL

#define sys_sem_valid(s)         ((s) != NULL && *(s) != NULL)
#define sys_sem_set_invalid(s)   (*(s) = NULL)
#define sys_mbox_valid(m)        ((m) != NULL && *(m) != NULL)
#define sys_mbox_set_invalid(m)  (*(m) = NULL)
#define sys_mutex_valid(m)       ((m)->valid)
#define sys_mutex_set_invalid(m) ((m)->valid = 0)

#endif
