/* open.c: open(2): there is no file system yet, so every path is missing. */
#include "port.h"
#include <errno.h>
#include <fcntl.h>

int _open(const char *path, int flags, ...) {
  (void)path;
  (void)flags;
  errno = ENOENT;
  return -1;
}

int open(const char *path, int flags, ...) __attribute__((alias("_open")));
