/* fcntl.c: fcntl(2): F_DUPFD, fd flags (no exec: no effect), O_NONBLOCK and O_APPEND. */
#include "fd.h"
#include "port.h"
#include "proc.h"
#include <fcntl.h>
#include <stdarg.h>

int _fcntl(int fd, int cmd, ...) {
  struct port_file *f = port_fd_get(fd);
  if (f == NULL) {
    errno = EBADF;
    return -1;
  }
  /* Only the commands that take an int argument read one (F_GETFL passes none). */
  int arg = 0;
  if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_SETFD || cmd == F_SETFL) {
    va_list ap;
    va_start(ap, cmd);
    arg = va_arg(ap, int);
    va_end(ap);
  }
  int r;
  switch (cmd) {
  case F_DUPFD:
  case F_DUPFD_CLOEXEC:
    /* The reference taken by port_fd_get moves into the new fd. */
    r = port_fd_install(&port_proc_current()->fds, arg, f);
    if (r >= 0)
      return r;
    break;
  case F_GETFD:
  case F_SETFD: /* close-on-exec means nothing without exec */
    r = 0;
    break;
  case F_GETFL:
    r = f->flags;
    break;
  case F_SETFL:
    f->flags = (f->flags & ~(O_NONBLOCK | O_APPEND)) | (arg & (O_NONBLOCK | O_APPEND));
    r = 0;
    break;
  default:
    r = -EINVAL;
    break;
  }
  port_file_unref(f);
  return (int)port_syscall_ret(r);
}

/* newlib's own fcntl() is a syscall stub that this target does not build. */
int fcntl(int fd, int cmd, ...) __attribute__((alias("_fcntl")));
