/* lseek.c: lseek(2): files and the disk move their position; the console and pipes cannot seek. */
#include "fd.h"
#include "port.h"

_off_t _lseek(int fd, _off_t offset, int whence) {
  struct port_file *f = port_fd_get(fd);
  if (f == NULL) {
    errno = EBADF;
    return -1;
  }
  off_t r = f->ops->lseek != NULL ? f->ops->lseek(f, offset, whence) : -ESPIPE;
  port_file_unref(f);
  return port_syscall_ret(r);
}

off_t lseek(int fd, off_t offset, int whence) __attribute__((alias("_lseek")));
