/* close.c: close(2): the console fds close without effect; there are no others yet. */
#include "port.h"
#include <errno.h>

int _close(int fd) {
  if (!port_is_console_fd(fd)) {
    errno = EBADF;
    return -1;
  }
  return 0;
}

int close(int fd) __attribute__((alias("_close")));
