/* stat.c: fstat(2) through the fd table. */
#include "fd.h"
#include "port.h"

int _fstat(int fd, struct stat *st) {
  struct port_file *f = port_fd_get(fd);
  if (f == NULL) {
    errno = EBADF;
    return -1;
  }
  int r = f->ops->fstat(f, st);
  port_file_unref(f);
  return (int)port_syscall_ret(r);
}

int fstat(int fd, struct stat *st) __attribute__((alias("_fstat")));
