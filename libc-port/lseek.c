/* lseek.c: lseek(2): the console and pipes cannot seek, and there are no other files yet. */
#include "fd.h"
#include "port.h"

_off_t _lseek(int fd, _off_t offset, int whence) {
  (void)offset;
  (void)whence;
  struct port_file *f = port_fd_get(fd);
  if (f != NULL)
    port_file_unref(f);
  errno = f != NULL ? ESPIPE : EBADF;
  return -1;
}

off_t lseek(int fd, off_t offset, int whence) __attribute__((alias("_lseek")));
