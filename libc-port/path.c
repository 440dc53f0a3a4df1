/* path.c: calls that name files by path: unlink, link, mkdir, rmdir, rename, remove, access. */
#include "port.h"
#include "vfs.h"
#include <stdlib.h>
#include <string.h>

/* Runs op on the absolute path; the raw disk is not a name any of them may change. */
static int on_path(const char *path, int (*op)(const char *abs, void *arg), void *arg) {
  char *abs;
  int err = vfs_path(path, &abs);
  if (err != 0)
    return (int)port_syscall_ret(err);
  err = strcmp(abs, VFS_BLKDEV_PATH) == 0 ? -EPERM : op(abs, arg);
  free(abs);
  return (int)port_syscall_ret(err);
}

/* Two paths: rename and link. */
static int on_paths(const char *a, const char *b, int (*op)(const char *, const char *)) {
  char *abs_a, *abs_b = NULL;
  int err = vfs_path(a, &abs_a);
  if (err == 0 && (err = vfs_path(b, &abs_b)) == 0)
    err = strcmp(abs_a, VFS_BLKDEV_PATH) == 0 || strcmp(abs_b, VFS_BLKDEV_PATH) == 0
              ? -EPERM
              : op(abs_a, abs_b);
  free(abs_a);
  free(abs_b);
  return (int)port_syscall_ret(err);
}

static int do_unlink(const char *abs, void *arg) {
  (void)arg;
  return extfs_unlink(abs);
}

static int do_rmdir(const char *abs, void *arg) {
  (void)arg;
  return extfs_rmdir(abs);
}

static int do_mkdir(const char *abs, void *arg) {
  return extfs_mkdir(abs, *(mode_t *)arg);
}

static int do_remove(const char *abs, void *arg) {
  (void)arg;
  int err = extfs_unlink(abs);
  return err == -EISDIR ? extfs_rmdir(abs) : err;
}

/* No users or permissions: whatever exists may be read and written, unless the disk is ro. */
static int do_access(const char *abs, void *arg) {
  struct stat st;
  int err = extfs_stat(abs, &st, true);
  if (err == 0 && (*(int *)arg & W_OK) && extfs_readonly())
    err = -EROFS;
  if (err == 0 && (*(int *)arg & X_OK) && !(st.st_mode & 0111))
    err = -EACCES;
  return err;
}

int _unlink(const char *path) {
  return on_path(path, do_unlink, NULL);
}

int rmdir(const char *path) {
  return on_path(path, do_rmdir, NULL);
}

int _mkdir(const char *path, mode_t mode) {
  return on_path(path, do_mkdir, &mode);
}

int remove(const char *path) {
  return on_path(path, do_remove, NULL);
}

int access(const char *path, int mode) {
  return on_path(path, do_access, &mode);
}

int _link(const char *old, const char *new) {
  return on_paths(old, new, extfs_link);
}

int rename(const char *old, const char *new) {
  return on_paths(old, new, extfs_rename);
}

int link(const char *old, const char *new) __attribute__((alias("_link")));
int unlink(const char *path) __attribute__((alias("_unlink")));
int mkdir(const char *path, mode_t mode) __attribute__((alias("_mkdir")));
