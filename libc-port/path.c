/* path.c: link(2), unlink(2) and mkdir(2): there is no file system yet, so every path is missing.
 */
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

int _mkdir(const char *path, mode_t mode) {
  (void)path;
  (void)mode;
  errno = ENOENT;
  return -1;
}

int link(const char *old, const char *new) __attribute__((alias("_link")));
int unlink(const char *path) __attribute__((alias("_unlink")));
int mkdir(const char *path, mode_t mode) __attribute__((alias("_mkdir")));
