/* isatty.c: isatty(3): the console is a terminal, a pipe is not. */
#include "fd.h"
#include "port.h"

int _isatty(int fd) {
  struct port_file *f = port_fd_get(fd);
  if (f == NULL) {
    errno = EBADF;
    return 0;
  }
  bool tty = f->ops->isatty != NULL && f->ops->isatty(f);
  port_file_unref(f);
  if (!tty)
    errno = ENOTTY;
  return tty;
}

int isatty(int fd) __attribute__((alias("_isatty")));
