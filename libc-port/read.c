/* read.c: read(2) through the fd table (console, pipe). */
#include "fd.h"
#include "port.h"
#include <fcntl.h>
#include <limits.h>

_READ_WRITE_RETURN_TYPE _read(int fd, void *buf, size_t len) {
  struct port_file *f = port_fd_get(fd);
  if (f == NULL || (f->flags & O_ACCMODE) == O_WRONLY || f->ops->read == NULL) {
    if (f != NULL)
      port_file_unref(f);
    errno = EBADF;
    return -1;
  }
  /* The return type is int in newlib for x86_64-elf: keep a count that fits. */
  if (len > INT_MAX)
    len = INT_MAX;
  ssize_t r = f->ops->read(f, buf, len);
  port_file_unref(f);
  return (_READ_WRITE_RETURN_TYPE)port_syscall_ret(r);
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len) __attribute__((alias("_read")));
