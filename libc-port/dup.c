/* dup.c: dup(2), dup2(2) and dup3: more fds for one open file, in the running process. */
#include "fd.h"
#include "port.h"
#include "proc.h"
#include <fcntl.h>

int dup(int fd) {
  struct port_file *f = port_fd_get(fd);
  if (f == NULL) {
    errno = EBADF;
    return -1;
  }
  int r = port_fd_install(&port_proc_current()->fds, 0, f);
  if (r < 0)
    port_file_unref(f);
  return (int)port_syscall_ret(r);
}

int dup2(int fd, int fd2) {
  struct port_file *f = port_fd_get(fd);
  if (f == NULL) {
    errno = EBADF;
    return -1;
  }
  if (fd == fd2) {
    port_file_unref(f);
    return fd2;
  }
  int r = port_fd_install_at(&port_proc_current()->fds, fd2, f);
  if (r < 0)
    port_file_unref(f);
  return (int)port_syscall_ret(r);
}

int dup3(int fd, int fd2, int flags) {
  if (fd == fd2 || (flags & ~O_CLOEXEC)) {
    errno = EINVAL;
    return -1;
  }
  return dup2(fd, fd2);
}
