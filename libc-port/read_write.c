/* read_write.c: read(2) and write(2) through the fd table: the console costs one host exit per
 * call, a pipe none. */
#include "fd.h"
#include "port.h"
#include <fcntl.h>
#include <limits.h>

/* fd's file when it is open for ACCESS and has that operation; else NULL, errno EBADF. */
static struct port_file *io_file(int fd, int access) {
  struct port_file *f = port_fd_get_for(fd, access);
  if (f != NULL && (access == O_RDONLY ? f->ops->read != NULL : f->ops->write != NULL))
    return f;
  if (f != NULL)
    port_file_unref(f);
  errno = EBADF;
  return NULL;
}

/* The return type is int in newlib for x86_64-elf: keep a count that fits. */
static size_t io_len(size_t len) {
  return len > INT_MAX ? INT_MAX : len;
}

_READ_WRITE_RETURN_TYPE _read(int fd, void *buf, size_t len) {
  struct port_file *f = io_file(fd, O_RDONLY);
  if (f == NULL)
    return -1;
  ssize_t r = f->ops->read(f, buf, io_len(len));
  port_file_unref(f);
  return (_READ_WRITE_RETURN_TYPE)port_syscall_ret(r);
}

_READ_WRITE_RETURN_TYPE _write(int fd, const void *buf, size_t len) {
  struct port_file *f = io_file(fd, O_WRONLY);
  if (f == NULL)
    return -1;
  ssize_t r = f->ops->write(f, buf, io_len(len));
  port_file_unref(f);
  return (_READ_WRITE_RETURN_TYPE)port_syscall_ret(r);
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len) __attribute__((alias("_read")));
_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len) __attribute__((alias("_write")));
