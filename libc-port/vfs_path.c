/* vfs_path.c: paths against the working directory, chdir(2), getcwd(3). */
#include "port.h"
#include "proc.h"
#include "vfs.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *cwd_of(struct port_proc *p) {
  return p->cwd != NULL ? p->cwd : "/";
}

/* Appends the components of path to out (which holds an absolute path of len bytes). */
static size_t append(char *out, size_t len, const char *path) {
  while (*path != '\0') {
    const char *end = strchr(path, '/');
    size_t n = end != NULL ? (size_t)(end - path) : strlen(path);
    if (n == 2 && path[0] == '.' && path[1] == '.') {
      while (len > 0 && out[len - 1] != '/')
        len--;
      if (len > 1)
        len--; /* the slash before the component dropped, unless it is the root's */
    } else if (n > 0 && !(n == 1 && path[0] == '.')) {
      if (len > 1)
        out[len++] = '/';
      memcpy(out + len, path, n);
      len += n;
    }
    path += n;
    if (*path == '/')
      path++;
  }
  out[len] = '\0';
  return len;
}

int vfs_resolve(const char *path, char **out) {
  if (path == NULL)
    return -EFAULT;
  if (*path == '\0')
    return -ENOENT;
  const char *base = path[0] == '/' ? "/" : cwd_of(port_proc_current());
  size_t blen = strlen(base), plen = strlen(path);
  if (blen + plen + 2 > PATH_MAX)
    return -ENAMETOOLONG;
  char *abs = malloc(blen + plen + 2);
  if (abs == NULL)
    return -ENOMEM;
  abs[0] = '/';
  size_t len = append(abs, 1, base + 1);
  append(abs, len, path);
  *out = abs;
  return 0;
}

int vfs_path(const char *path, char **abs) {
  int err = vfs_resolve(path, abs);
  if (err != 0)
    return err;
  if (strcmp(*abs, VFS_BLKDEV_PATH) != 0 && (err = vfs_root()) != 0) {
    free(*abs);
    *abs = NULL;
  }
  return err;
}

int chdir(const char *path) {
  char *abs;
  struct stat st;
  int err = vfs_path(path, &abs);
  if (err != 0)
    return (int)port_syscall_ret(err);
  err = extfs_stat(abs, &st, true);
  if (err == 0 && !S_ISDIR(st.st_mode))
    err = -ENOTDIR;
  if (err != 0) {
    free(abs);
    return (int)port_syscall_ret(err);
  }
  struct port_proc *p = port_proc_current();
  free(p->cwd);
  p->cwd = abs;
  return 0;
}

char *getcwd(char *buf, size_t size) {
  const char *cwd = cwd_of(port_proc_current());
  size_t need = strlen(cwd) + 1;
  if (buf == NULL) {
    /* glibc's extension, which programs rely on: a buffer of the right size. */
    if (size == 0)
      size = need;
    if (size < need) {
      errno = ERANGE;
      return NULL;
    }
    buf = malloc(size);
    if (buf == NULL) {
      errno = ENOMEM;
      return NULL;
    }
  } else if (size == 0) {
    errno = EINVAL;
    return NULL;
  } else if (size < need) {
    errno = ERANGE;
    return NULL;
  }
  memcpy(buf, cwd, need);
  return buf;
}
