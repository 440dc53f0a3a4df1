/* wait.c: wait(2) and waitpid(2): collect a zombie child's exit status, blocking or not. */
#include "port.h"
#include "proc.h"
#include <errno.h>
#include <sys/wait.h>

pid_t waitpid(pid_t pid, int *status, int options) {
  if (options & ~(WNOHANG | WUNTRACED)) {
    errno = EINVAL;
    return -1;
  }
  port_graveyard_flush();
  struct port_proc *self = port_proc_current();
  for (;;) {
    /* There are no process groups: 0 and -pgid mean any child, like -1. */
    bool any = false;
    for (struct port_proc **link = &self->children; *link != NULL; link = &(*link)->sibling) {
      struct port_proc *c = *link;
      if (pid > 0 && c->pid != pid)
        continue;
      any = true;
      if (!c->zombie)
        continue;
      pid_t got = c->pid;
      int code = c->status;
      *link = c->sibling;
      port_thread_free(c->last_thread);
      port_proc_free(c);
      /* Exited normally with the low 8 bits (sys/wait.h: WIFEXITED, WEXITSTATUS). */
      if (status != NULL)
        *status = (code & 0xff) << 8;
      return got;
    }
    if (!any) {
      errno = ECHILD;
      return -1;
    }
    if (options & WNOHANG)
      return 0;
    guest_waitq_wait(&self->child_exited, GUEST_FOREVER);
  }
}

pid_t _wait(int *status) {
  return waitpid(-1, status, 0);
}

pid_t wait(int *status) __attribute__((alias("_wait")));
