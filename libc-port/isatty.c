/* isatty.c: isatty(3): the console fds are terminals. */
#include "port.h"
#include <errno.h>

int _isatty(int fd) {
  if (port_is_console_fd(fd))
    return 1;
  errno = EBADF;
  return 0;
}

int isatty(int fd) __attribute__((alias("_isatty")));
