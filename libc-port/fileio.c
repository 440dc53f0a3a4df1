/* fileio.c: pread(2), pwrite(2), fsync(2), fdatasync(2), ftruncate(2), truncate(2). */
#include "fd.h"
#include "port.h"
#include "vfs.h"
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>

ssize_t pread(int fd, void *buf, size_t len, off_t off) {
  struct port_file *f = port_fd_get_for(fd, O_RDONLY);
  if (f == NULL) {
    errno = EBADF;
    return -1;
  }
  ssize_t r = f->ops->pread == NULL ? -ESPIPE : off < 0 ? -EINVAL : f->ops->pread(f, buf, len, off);
  port_file_unref(f);
  return port_syscall_ret(r);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off) {
  struct port_file *f = port_fd_get_for(fd, O_WRONLY);
  if (f == NULL) {
    errno = EBADF;
    return -1;
  }
  ssize_t r = f->ops->pwrite == NULL ? -ESPIPE
              : off < 0              ? -EINVAL
                                     : f->ops->pwrite(f, buf, len, off);
  port_file_unref(f);
  return port_syscall_ret(r);
}

int fsync(int fd) {
  struct port_file *f = port_fd_get(fd);
  if (f == NULL) {
    errno = EBADF;
    return -1;
  }
  int r = f->ops->fsync != NULL ? f->ops->fsync(f) : -EINVAL;
  port_file_unref(f);
  return (int)port_syscall_ret(r);
}

/* Metadata is small and goes with the data in the same batch: nothing to leave out. */
int fdatasync(int fd) {
  return fsync(fd);
}

int ftruncate(int fd, off_t len) {
  struct port_file *f = port_fd_get_for(fd, O_WRONLY);
  if (f == NULL) {
    errno = EBADF;
    return -1;
  }
  int r = f->ops->ftruncate != NULL ? f->ops->ftruncate(f, len) : -EINVAL;
  port_file_unref(f);
  return (int)port_syscall_ret(r);
}

int truncate(const char *path, off_t len) {
  int fd = open(path, O_WRONLY);
  if (fd < 0)
    return -1;
  int r = ftruncate(fd, len);
  int saved = errno;
  close(fd);
  errno = saved;
  return r;
}
