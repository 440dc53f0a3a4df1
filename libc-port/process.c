/* process.c: getpid(2), getppid(2) and kill(2); a fatal signal ends the VM. */
#include "port.h"
#include "proc.h"
#include <errno.h>
#include <guest/panic.h>
#include <signal.h>

pid_t _getpid(void) {
  return port_proc_current()->pid;
}

/* pid 1's parent is outside the VM; orphans are adopted by "init" (pid 1). */
pid_t getppid(void) {
  struct port_proc *p = port_proc_current();
  if (p->pid == 1)
    return 0;
  return p->parent != NULL ? p->parent->pid : 1;
}

/* Signals whose default action is to ignore them, or to stop, which means nothing here. */
static bool kill_is_harmless(int sig) {
  switch (sig) {
  case SIGCHLD:
  case SIGURG:
  case SIGWINCH:
  case SIGCONT:
  case SIGSTOP:
  case SIGTSTP:
  case SIGTTIN:
  case SIGTTOU:
    return true;
  default:
    return false;
  }
}

/*
 * newlib's raise() calls this for a signal left at SIG_DFL, so abort()
 * arrives here as kill(getpid(), SIGABRT). There are no handlers to run
 * asynchronously and no signals between processes: a fatal signal to
 * ourselves ends the VM, in any process.
 */
int _kill(pid_t pid, int sig) {
  /* 0 and -1 name our process group and every process: both include us. */
  if (pid != _getpid() && pid != 0 && pid != -1) {
    errno = ESRCH;
    return -1;
  }
  if (sig < 0 || sig >= NSIG) {
    errno = EINVAL;
    return -1;
  }
  if (sig == 0 || kill_is_harmless(sig))
    return 0;
  if (sig == SIGABRT)
    guest_panic("abort() called");
  guest_panic("killed by signal %d", sig);
}

pid_t getpid(void) __attribute__((alias("_getpid")));
int kill(pid_t pid, int sig) __attribute__((alias("_kill")));
