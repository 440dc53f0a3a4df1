/* uio.c: readv and writev, one read or write per buffer. */
#include "port.h"
#include <sys/uio.h>

/* Stops at the first short transfer, which is where a single read or write would have stopped. */
ssize_t readv(int fd, const struct iovec *iov, int iovcnt) {
  if (iovcnt < 0 || iovcnt > IOV_MAX)
    return port_syscall_ret(-EINVAL);
  ssize_t total = 0;
  for (int i = 0; i < iovcnt; i++) {
    ssize_t n = read(fd, iov[i].iov_base, iov[i].iov_len);
    if (n < 0)
      return total > 0 ? total : -1;
    total += n;
    if ((size_t)n < iov[i].iov_len)
      break;
  }
  return total;
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
  if (iovcnt < 0 || iovcnt > IOV_MAX)
    return port_syscall_ret(-EINVAL);
  ssize_t total = 0;
  for (int i = 0; i < iovcnt; i++) {
    if (iov[i].iov_len == 0)
      continue;
    ssize_t n = write(fd, iov[i].iov_base, iov[i].iov_len);
    if (n < 0)
      return total > 0 ? total : -1;
    total += n;
    if ((size_t)n < iov[i].iov_len)
      break;
  }
  return total;
}
