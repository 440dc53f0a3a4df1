/* proc.c: processes and thread records: pid 1, creation, exit, zombies, the graveyard. */
#include "proc.h"
#include <guest/platform.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* newlib's stdio initialiser (libc/stdio/findfp.c), declared only inside newlib. */
void __sinit(struct _reent *s);

/*
 * Writes back and closes the file system at pid 1's exit. Weak: only
 * images that use files link vfs_root.c (and the file system with it).
 */
void port_vfs_shutdown(void) __attribute__((weak));

static struct port_proc proc_init;
static struct port_thread proc_init_thread;
static pid_t proc_next_pid = 2;
static struct port_thread *proc_graveyard;

void port_stdio_init(struct _reent *r) {
  __sinit(r);
  /*
   * newlib built without HAVE_FCNTL starts stdout line-buffered whatever
   * it is; without the flag, its first write asks fstat and isatty and
   * line-buffers only a terminal, as Linux does: output to a pipe or a
   * file then costs one write (one exit, for the console) per buffer.
   */
  r->_stdout->_flags &= ~__SLBF;
}

static void thread_link(struct port_proc *p, struct port_thread *t) {
  t->proc = p;
  t->proc_prev = NULL;
  t->proc_next = p->threads;
  if (p->threads != NULL)
    p->threads->proc_prev = t;
  p->threads = t;
  p->live_threads++;
}

void port_thread_unlink(struct port_thread *t) {
  struct port_proc *p = t->proc;
  if (p == NULL)
    return;
  if (t->proc_prev != NULL)
    t->proc_prev->proc_next = t->proc_next;
  else
    p->threads = t->proc_next;
  if (t->proc_next != NULL)
    t->proc_next->proc_prev = t->proc_prev;
  t->proc_prev = t->proc_next = NULL;
  /* A thread that never got to exit (killed, or its creation failed) stops counting here. */
  if (!t->exited && p->live_threads > 0)
    p->live_threads--;
  /* Detached threads may outlive their process in the graveyard: forget it. */
  t->proc = NULL;
}

void port_proc_init(void) {
  struct guest_thread *gt = guest_thread_current();
  proc_init.pid = 1;
  /* pid 1's first thread keeps newlib's global reent, which exit() flushes. */
  proc_init.reent = _impure_ptr;
  port_console_install(&proc_init.fds);
  port_stdio_init(_impure_ptr);
  proc_init_thread.gt = gt;
  proc_init_thread.reent = _impure_ptr;
  thread_link(&proc_init, &proc_init_thread);
  guest_thread_set_owner(gt, &proc_init_thread);
  guest_thread_set_tls(gt, _impure_ptr);
  guest_sched_set_tls_slot((void **)&_impure_ptr);
}

struct port_proc *port_proc_new(struct port_proc *parent) {
  struct port_proc *p = calloc(1, sizeof(*p));
  if (p == NULL)
    return NULL;
  /*
   * Fresh stdio: the child does not inherit the parent's unflushed buffers
   * (so nothing is printed twice), and its streams are flushed at its exit.
   */
  p->reent = malloc(sizeof(*p->reent));
  if (p->reent == NULL || port_fdtable_copy(&p->fds, &parent->fds) != 0) {
    free(p->reent);
    free(p);
    return NULL;
  }
  /* A child starts in its parent's working directory (NULL, "/", if the copy fails). */
  p->cwd = parent->cwd != NULL ? strdup(parent->cwd) : NULL;
  _REENT_INIT_PTR(p->reent);
  port_stdio_init(p->reent);
  p->pid = proc_next_pid++;
  p->parent = parent;
  p->sibling = parent->children;
  parent->children = p;
  return p;
}

void port_proc_free(struct port_proc *p) {
  port_fdtable_close_all(&p->fds);
  /* Its streams were closed at exit; this frees what else newlib allocated for it. */
  _reclaim_reent(p->reent);
  free(p->reent);
  free(p->cwd);
  free(p);
}

struct port_thread *port_thread_new(struct port_proc *p, struct guest_thread *gt,
                                    struct _reent *reent) {
  struct port_thread *t = calloc(1, sizeof(*t));
  if (t == NULL)
    return NULL;
  t->gt = gt;
  t->reent = reent != NULL ? reent : p->reent;
  t->reent_owned = reent != NULL;
  thread_link(p, t);
  if (gt != NULL) {
    guest_thread_set_owner(gt, t);
    guest_thread_set_tls(gt, t->reent);
  }
  return t;
}

void port_thread_free(struct port_thread *t) {
  port_thread_unlink(t);
  if (t->reent_owned) {
    _reclaim_reent(t->reent);
    free(t->reent);
  }
  free(t->tsd);
  if (t->gt != NULL)
    guest_thread_free(t->gt);
  if (t != &proc_init_thread)
    free(t);
}

void port_graveyard_add(struct port_thread *t) {
  t->grave_next = proc_graveyard;
  proc_graveyard = t;
}

void port_graveyard_flush(void) {
  while (proc_graveyard != NULL) {
    struct port_thread *t = proc_graveyard;
    struct port_proc *p = t->grave_proc;
    proc_graveyard = t->grave_next;
    port_thread_free(t);
    if (p != NULL)
      port_proc_free(p);
  }
}

/* Frees a zombie child and its last thread. */
static void proc_reap(struct port_proc *c) {
  port_thread_free(c->last_thread);
  port_proc_free(c);
}

noreturn void port_proc_exit(int status) {
  struct port_thread *self = port_self();
  struct port_proc *p = self->proc;
  if (p->pid == 1) {
    if (port_vfs_shutdown != NULL)
      port_vfs_shutdown();
    platform_exit(status);
  }

  /* Flush and close the process's streams while its fds still lead somewhere. */
  if (p->reent->__sdidinit && p->reent->__cleanup != NULL)
    p->reent->__cleanup(p->reent);
  /* Closing the fds is what lets readers of its pipes see end of file. */
  port_fdtable_close_all(&p->fds);

  /*
   * Its other threads end with it. They are not running (one vCPU,
   * cooperative), so they can be freed at once; locks they hold stay held.
   */
  while (p->threads != self || self->proc_next != NULL) {
    struct port_thread *t = p->threads != self ? p->threads : self->proc_next;
    guest_thread_kill(t->gt);
    port_thread_free(t);
  }

  /* Children become orphans; zombie ones have nobody left to wait for them. */
  for (struct port_proc *c = p->children, *next; c != NULL; c = next) {
    next = c->sibling;
    c->parent = NULL;
    c->sibling = NULL;
    if (c->zombie)
      proc_reap(c);
  }
  p->children = NULL;

  p->zombie = true;
  p->status = status;
  p->live_threads = 0;
  p->last_thread = self;
  if (p->parent != NULL) {
    guest_waitq_wake_all(&p->parent->child_exited);
  } else {
    self->grave_proc = p;
    port_graveyard_add(self);
  }
  guest_thread_exit();
}
