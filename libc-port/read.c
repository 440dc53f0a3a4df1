/* read.c: read(2): stdin is at end of file for now (the host has no input device yet). */
#include "port.h"
#include <errno.h>

_READ_WRITE_RETURN_TYPE _read(int fd, void *buf, size_t len) {
  (void)buf;
  (void)len;
  if (fd != STDIN_FILENO) {
    errno = EBADF;
    return -1;
  }
  return 0;
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len) __attribute__((alias("_read")));
