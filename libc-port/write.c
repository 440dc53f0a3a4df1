/* write.c: write(2): fds 1 and 2 go to the console, one host exit per call. */
#include "port.h"
#include <errno.h>
#include <guest/console.h>
#include <limits.h>

_READ_WRITE_RETURN_TYPE _write(int fd, const void *buf, size_t len) {
  if (fd != STDOUT_FILENO && fd != STDERR_FILENO) {
    errno = EBADF;
    return -1;
  }
  /* The return type is int in newlib for x86_64-elf: keep a count that fits. */
  if (len > INT_MAX)
    len = INT_MAX;
  int64_t ret = guest_console_write(
      fd == STDERR_FILENO ? GUEST_CONSOLE_STDERR : GUEST_CONSOLE_STDOUT, buf, len);
  if (ret < 0) {
    errno = (int)-ret;
    return -1;
  }
  return (_READ_WRITE_RETURN_TYPE)ret;
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len) __attribute__((alias("_write")));
