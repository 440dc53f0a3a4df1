/* open.c: open(2) and creat(2): /dev/blk0 or a file of the disk's file system. */
#include "port.h"
#include "proc.h"
#include "vfs.h"
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The open file for an absolute path; 0 or -errno. */
static int open_file(const char *abs, int flags, mode_t mode, struct port_file **f) {
  if (strcmp(abs, VFS_BLKDEV_PATH) == 0)
    return vfs_blkdev_open(flags, f);
  struct extfs_file *ef;
  int err = extfs_open(abs, flags, mode, &ef);
  if (err == 0 && (err = vfs_file_new(ef, flags, f)) != 0)
    extfs_close(ef);
  return err;
}

int _open(const char *path, int flags, ...) {
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = (mode_t)va_arg(ap, int);
    va_end(ap);
  }
  char *abs;
  struct port_file *f;
  int err = vfs_path(path, &abs);
  if (err != 0)
    return (int)port_syscall_ret(err);
  err = open_file(abs, flags, mode, &f);
  free(abs);
  if (err != 0)
    return (int)port_syscall_ret(err);
  int fd = port_fd_install(&port_proc_current()->fds, 0, f);
  if (fd < 0)
    port_file_unref(f);
  return (int)port_syscall_ret(fd);
}

int creat(const char *path, mode_t mode) {
  return _open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int open(const char *path, int flags, ...) __attribute__((alias("_open")));
