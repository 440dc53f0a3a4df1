/* stat_path.c: stat(2), lstat(2) by path (apart from fstat, which stdio needs in every image). */
#include "fd.h"
#include "port.h"
#include "vfs.h"
#include <stdlib.h>
#include <string.h>

/* The disk itself is stat'ed through a file made for the purpose. */
static int stat_path(const char *path, struct stat *st, bool follow) {
  char *abs;
  int err = vfs_path(path, &abs);
  if (err != 0)
    return (int)port_syscall_ret(err);
  if (strcmp(abs, VFS_BLKDEV_PATH) == 0) {
    struct port_file *f;
    err = vfs_blkdev_open(0, &f);
    if (err == 0) {
      err = f->ops->fstat(f, st);
      port_file_unref(f);
    }
  } else {
    err = extfs_stat(abs, st, follow);
  }
  free(abs);
  return (int)port_syscall_ret(err);
}

int _stat(const char *restrict path, struct stat *restrict st) {
  return stat_path(path, st, true);
}

int lstat(const char *restrict path, struct stat *restrict st) {
  return stat_path(path, st, false);
}

int stat(const char *restrict path, struct stat *restrict st) __attribute__((alias("_stat")));
