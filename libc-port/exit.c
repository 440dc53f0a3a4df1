/* exit.c: exit(3), _exit(2): pid 1 ends the VM; another process ends alone, as a zombie. */
#include "port.h"
#include "proc.h"
#include <stdlib.h>

/* newlib's internal atexit runner (libc/stdlib/__call_atexit.c). */
void __call_exitprocs(int code, void *d);

/*
 * Replaces newlib's exit (this archive comes first on the link line): the
 * app's atexit handlers and destructors belong to the first process, so
 * only pid 1 runs them, as newlib's exit would. A child's stdio is flushed
 * by its _exit instead.
 */
void exit(int status) {
  if (port_proc_current()->pid == 1) {
    __call_exitprocs(status, NULL);
    if (_GLOBAL_REENT->__cleanup != NULL)
      _GLOBAL_REENT->__cleanup(_GLOBAL_REENT);
  }
  _exit(status);
}

/*
 * pid 1: ends the VM with status, without flushing stdio (POSIX _exit).
 * Other processes: flushes the process's own streams (they are not
 * duplicates of the parent's, so this prints nothing twice), closes its
 * fds and leaves status for wait.
 */
void _exit(int status) {
  port_proc_exit(status);
}
