/* lseek.c: lseek(2): the console is a character device, so it cannot seek. */
#include "port.h"
#include <errno.h>

_off_t _lseek(int fd, _off_t offset, int whence) {
  (void)offset;
  (void)whence;
  errno = port_is_console_fd(fd) ? ESPIPE : EBADF;
  return -1;
}

off_t lseek(int fd, off_t offset, int whence) __attribute__((alias("_lseek")));
