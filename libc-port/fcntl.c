/* fcntl.c: fcntl(2) on the console fds: flag queries succeed, nothing else is supported yet. */
#include "port.h"
#include <errno.h>
#include <fcntl.h>

/* The third argument is never needed yet, so it is never read (F_GETFL passes none). */
int _fcntl(int fd, int cmd, ...) {
  if (!port_is_console_fd(fd)) {
    errno = EBADF;
    return -1;
  }
  switch (cmd) {
  case F_GETFD:
  case F_SETFD: /* close-on-exec means nothing without exec */
  case F_SETFL: /* the console neither blocks nor appends */
    return 0;
  case F_GETFL:
    return fd == STDIN_FILENO ? O_RDONLY : O_WRONLY;
  default:
    errno = EINVAL;
    return -1;
  }
}

/* newlib's own fcntl() is a syscall stub that this target does not build. */
int fcntl(int fd, int cmd, ...) __attribute__((alias("_fcntl")));
