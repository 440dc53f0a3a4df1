/* uio.h: struct iovec, readv and writev (newlib has none). */
#ifndef UNIKVM_SYS_UIO_H
#define UNIKVM_SYS_UIO_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iovec {
  void *iov_base;
  size_t iov_len;
};

#define UIO_MAXIOV 1024
#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t writev(int fd, const struct iovec *iov, int iovcnt);

#ifdef __cplusplus
}
#endif

#endif
