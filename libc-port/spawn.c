/* spawn.c: execve(2): there is no file system to load a program from: nothing executes. */
#include "port.h"
#include <errno.h>

/* newlib's system() and popen() call this; it fails cleanly instead of not linking. */
int _execve(const char *path, char *const argv[], char *const envp[]) {
  (void)path;
  (void)argv;
  (void)envp;
  errno = ENOENT;
  return -1;
}

int execve(const char *path, char *const argv[], char *const envp[])
    __attribute__((alias("_execve")));
