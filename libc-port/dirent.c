/* dirent.c: opendir(3), readdir(3), closedir(3) and friends, over an fd of the directory. */
#include "fd.h"
#include "port.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>

DIR *fdopendir(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0)
    return NULL;
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return NULL;
  }
  DIR *d = calloc(1, sizeof(*d));
  if (d == NULL) {
    errno = ENOMEM;
    return NULL;
  }
  d->dd_fd = fd;
  return d;
}

DIR *opendir(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return NULL;
  DIR *d = fdopendir(fd);
  if (d == NULL) {
    int saved = errno;
    close(fd);
    errno = saved;
  }
  return d;
}

struct dirent *readdir(DIR *d) {
  struct port_file *f = port_fd_get(d->dd_fd);
  if (f == NULL) {
    errno = EBADF;
    return NULL;
  }
  int r = f->ops->readdir != NULL ? f->ops->readdir(f, &d->dd_ent) : -ENOTDIR;
  port_file_unref(f);
  if (r < 0)
    errno = -r;
  return r > 0 ? &d->dd_ent : NULL; /* the end leaves errno alone */
}

int readdir_r(DIR *d, struct dirent *entry, struct dirent **result) {
  int saved = errno;
  errno = 0;
  struct dirent *e = readdir(d);
  int err = errno;
  errno = saved;
  if (e == NULL) {
    *result = NULL;
    return err;
  }
  *entry = *e;
  *result = entry;
  return 0;
}

void rewinddir(DIR *d) {
  lseek(d->dd_fd, 0, SEEK_SET);
}

long telldir(DIR *d) {
  return (long)lseek(d->dd_fd, 0, SEEK_CUR);
}

void seekdir(DIR *d, long pos) {
  lseek(d->dd_fd, pos, SEEK_SET);
}

int dirfd(DIR *d) {
  return d->dd_fd;
}

int closedir(DIR *d) {
  int r = close(d->dd_fd);
  free(d);
  return r;
}
