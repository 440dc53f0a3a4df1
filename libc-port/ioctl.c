/* ioctl.c: ioctl(2): FIONBIO on any fd; everything else is not a terminal's business here. */
#include "fd.h"
#include "port.h"
#include <fcntl.h>
#include <stdarg.h>
#include <sys/ioctl.h>

int ioctl(int fd, unsigned long request, ...) {
  struct port_file *f = port_fd_get(fd);
  if (f == NULL)
    return (int)port_syscall_ret(-EBADF);
  int r = -ENOTTY;
  if (request == FIONBIO) {
    va_list ap;
    va_start(ap, request);
    const int *on = va_arg(ap, const int *);
    va_end(ap);
    f->flags = *on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
    r = 0;
  }
  port_file_unref(f);
  return (int)port_syscall_ret(r);
}
