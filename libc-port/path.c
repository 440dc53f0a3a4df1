/* link.c: link(2) and unlink(2): there is no file system yet, so every path is missing. */
#include "port.h"
#include <errno.h>

int _link(const char *old, const char *new) {
  (void)old;
  (void)new;
  errno = ENOENT;
  return -1;
}

int _unlink(const char *path) {
  (void)path;
  errno = ENOENT;
  return -1;
}

int link(const char *old, const char *new) __attribute__((alias("_link")));
int unlink(const char *path) __attribute__((alias("_unlink")));
