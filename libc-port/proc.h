/* proc.h: libc-port's threads and processes: who runs, in which process, with what libc state. */
#ifndef LIBC_PORT_PROC_H
#define LIBC_PORT_PROC_H

#include "fd.h"
#include <guest/sched.h>
#include <pthread.h>
#include <reent.h>
#include <stdbool.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/*
 * A process is a pid, an fd table, a stdio state (newlib reent) and a set
 * of threads; its memory is the one address space everybody shares. fork()
 * makes a process whose one thread is a copy of the caller (guest_thread_fork).
 */

struct port_tsd_slot {
  void *value;
  unsigned gen; /* the key's generation when value was set */
};

struct port_thread {
  struct guest_thread *gt;
  struct port_proc *proc;
  /* errno and stdio state; threads of a process share its std streams. */
  struct _reent *reent;
  bool reent_owned; /* false: the process's own reent */
  struct port_thread *proc_prev, *proc_next;
  /* pthread state */
  void *(*start)(void *);
  void *arg;
  void *retval;
  bool exited, detached, joined;
  struct guest_waitq joiners;
  struct port_tsd_slot *tsd; /* PTHREAD_KEYS_MAX slots, allocated on first use */
  struct _unikvm_cleanup *cleanup;
  struct port_thread *grave_next;
  struct port_proc *grave_proc; /* freed with this thread (an orphan's last thread) */
};

struct port_proc {
  pid_t pid;
  struct port_proc *parent; /* NULL: pid 1, or an orphan */
  struct port_proc *children, *sibling;
  struct port_fdtable fds;
  struct _reent *reent; /* stdio and errno of the process's first thread */
  struct port_thread *threads;
  unsigned live_threads;
  bool zombie;
  int status;                      /* exit status, valid once zombie */
  struct port_thread *last_thread; /* a zombie's exited thread, freed when it is waited for */
  struct guest_waitq child_exited; /* its threads waiting in wait/waitpid */
  char *cwd;                       /* working directory, absolute; NULL: "/" (vfs_path.c) */
};

/* The running thread and its process. */
static inline struct port_thread *port_self(void) {
  return guest_thread_owner(guest_thread_current());
}
static inline struct port_proc *port_proc_current(void) {
  return port_self()->proc;
}

/* Sets up a process's std streams, buffered as Linux would buffer them. */
void port_stdio_init(struct _reent *r);

/* Sets up pid 1 and its first thread (the running one); before anything else in libc. */
void port_proc_init(void);

/* A new process, child of parent, with a copy of its fd table and fresh stdio; NULL if no memory.
 */
struct port_proc *port_proc_new(struct port_proc *parent);
/* Frees a process that never ran or has been waited for. */
void port_proc_free(struct port_proc *p);

/* A thread record for gt in p (reent: the process's when NULL); NULL if no memory. */
struct port_thread *port_thread_new(struct port_proc *p, struct guest_thread *gt,
                                    struct _reent *reent);
/* Frees a thread record and its dead guest thread; takes it out of its process. */
void port_thread_free(struct port_thread *t);
/* Takes t out of its process's thread list (detached threads leave at exit). */
void port_thread_unlink(struct port_thread *t);

/*
 * Dead threads nobody will join (detached, or an orphan's) cannot free the
 * stack they die on: they wait here until a live thread flushes the list.
 */
void port_graveyard_add(struct port_thread *t);
void port_graveyard_flush(void);

/*
 * Ends the running thread's process: flushes its stdio, closes its fds,
 * ends its other threads and becomes a zombie for its parent; pid 1 ends
 * the VM. Never returns.
 */
noreturn void port_proc_exit(int status);

/* Runs thread-specific-data destructors of the running thread (pthread_exit). */
void port_tsd_run_destructors(struct port_thread *t);

#endif
