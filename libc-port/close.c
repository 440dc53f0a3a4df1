/* close.c: close(2): drops the fd; the file goes when no fd in any process names it. */
#include "fd.h"
#include "port.h"
#include "proc.h"

int _close(int fd) {
  return (int)port_syscall_ret(port_fd_close(&port_proc_current()->fds, fd));
}

int close(int fd) __attribute__((alias("_close")));
