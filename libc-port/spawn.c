/* spawn.c: fork(2), execve(2) and wait(2) until process emulation arrives: nothing can be spawned.
 */
#include "port.h"
#include <errno.h>

/* newlib's system() and popen() call these; they fail cleanly instead of not linking. */
pid_t _fork(void) {
  errno = ENOSYS;
  return -1;
}

/* There is no file system to load a program from. */
int _execve(const char *path, char *const argv[], char *const envp[]) {
  (void)path;
  (void)argv;
  (void)envp;
  errno = ENOENT;
  return -1;
}

/* No child was ever created. */
pid_t _wait(int *status) {
  (void)status;
  errno = ECHILD;
  return -1;
}

pid_t fork(void) __attribute__((alias("_fork")));
int execve(const char *path, char *const argv[], char *const envp[])
    __attribute__((alias("_execve")));
pid_t wait(int *status) __attribute__((alias("_wait")));
