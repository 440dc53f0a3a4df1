/* stat.c: fstat(2) and stat(2): the console fds are character devices; there are no files yet. */
#include "port.h"
#include <errno.h>
#include <string.h>

int _fstat(int fd, struct stat *st) {
  if (!port_is_console_fd(fd)) {
    errno = EBADF;
    return -1;
  }
  memset(st, 0, sizeof(*st));
  /* S_IFCHR makes newlib line-buffer stdout, as on a terminal. */
  st->st_mode = S_IFCHR | 0620;
  st->st_nlink = 1;
  st->st_blksize = 1024;
  return 0;
}

int _stat(const char *restrict path, struct stat *restrict st) {
  (void)path;
  (void)st;
  errno = ENOENT;
  return -1;
}

int fstat(int fd, struct stat *st) __attribute__((alias("_fstat")));
int stat(const char *restrict path, struct stat *restrict st) __attribute__((alias("_stat")));
