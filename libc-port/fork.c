/* fork.c: fork(2), vfork: a thread resuming on a copy of the caller's stack; atfork. */
#include "port.h"
#include "proc.h"
#include <errno.h>
#include <guest/fmt.h>
#include <stdlib.h>
#include <string.h>

/*
 * The child is a new process (pid, fd table copy, fresh stdio) whose one
 * thread shares the caller's stack addresses: guest_thread_fork copies the
 * live part of the stack now and the scheduler swaps it in when the child
 * runs, so every pointer into the stack means the same in both. Memory
 * outside the stack (heap, globals) is shared, not copied. No VM exit.
 */

#define ATFORK_MAX 32
static struct {
  void (*prepare)(void);
  void (*parent)(void);
  void (*child)(void);
} atfork_handlers[ATFORK_MAX];
static int atfork_count;

int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void)) {
  if (atfork_count == ATFORK_MAX)
    return ENOMEM;
  atfork_handlers[atfork_count].prepare = prepare;
  atfork_handlers[atfork_count].parent = parent;
  atfork_handlers[atfork_count].child = child;
  atfork_count++;
  return 0;
}

/* POSIX order: prepare handlers newest first, parent and child handlers oldest first. */
static void atfork_run(int which) {
  if (which == 0) {
    for (int i = atfork_count - 1; i >= 0; i--)
      if (atfork_handlers[i].prepare != NULL)
        atfork_handlers[i].prepare();
    return;
  }
  for (int i = 0; i < atfork_count; i++) {
    void (*f)(void) = which == 1 ? atfork_handlers[i].parent : atfork_handlers[i].child;
    if (f != NULL)
      f();
  }
}

/* The child's thread-specific data starts as a copy of the caller's. */
static int fork_copy_tsd(struct port_thread *dst, const struct port_thread *src) {
  if (src->tsd == NULL)
    return 0;
  size_t size = PTHREAD_KEYS_MAX * sizeof(*src->tsd);
  dst->tsd = malloc(size);
  if (dst->tsd == NULL)
    return -1;
  memcpy(dst->tsd, src->tsd, size);
  return 0;
}

pid_t _fork(void) {
  port_graveyard_flush();
  struct port_thread *self = port_self();
  struct port_proc *child = port_proc_new(self->proc);
  struct port_thread *ct = child != NULL ? port_thread_new(child, NULL, NULL) : NULL;
  if (ct == NULL || fork_copy_tsd(ct, self) != 0) {
    if (ct != NULL)
      port_thread_free(ct);
    if (child != NULL) {
      self->proc->children = child->sibling;
      port_proc_free(child);
    }
    errno = ENOMEM;
    return -1;
  }
  atfork_run(0);
  char name[24];
  guest_snprintf(name, sizeof(name), "pid %d", (int)child->pid);
  struct guest_thread *gt;
  int r = guest_thread_fork(name, &gt);
  if (r == 0) {
    /* The child: everything below ran in the parent before this one was started. */
    atfork_run(2);
    return 0;
  }
  if (r < 0) {
    port_thread_free(ct);
    self->proc->children = child->sibling;
    port_proc_free(child);
    atfork_run(1);
    errno = ENOMEM;
    return -1;
  }
  ct->gt = gt;
  ct->cleanup = self->cleanup; /* same records, at the same stack addresses */
  guest_thread_set_owner(gt, ct);
  guest_thread_set_tls(gt, child->reent);
  /*
   * The child runs first, the parent right after it blocks or exits (POSIX
   * leaves the order open). Fork-per-task code then goes depth first: a
   * tree of thousands of processes keeps only a branch alive at a time,
   * reusing warm memory instead of touching fresh pages for all of them.
   */
  pid_t pid = child->pid;
  guest_thread_run_now(gt);
  atfork_run(1);
  return pid;
}

pid_t fork(void) __attribute__((alias("_fork")));
/* The child never borrows the parent's memory here, so vfork can simply be fork. */
pid_t vfork(void) __attribute__((alias("_fork")));
