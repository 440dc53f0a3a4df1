/* fd.c: the per-process fd table: lookup, install, dup2, close, copy at fork. */
#include "fd.h"
#include "proc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

void port_file_unref(struct port_file *f) {
  if (--f->refs == 0 && f->ops->release != NULL)
    f->ops->release(f);
}

struct port_file *port_fd_get(int fd) {
  struct port_fdtable *t = &port_proc_current()->fds;
  if (fd < 0 || fd >= t->size || t->slots[fd] == NULL)
    return NULL;
  /* Held across the call: a read may block while another thread closes the fd. */
  port_file_ref(t->slots[fd]);
  return t->slots[fd];
}

struct port_file *port_fd_get_for(int fd, int access) {
  struct port_file *f = port_fd_get(fd);
  if (f != NULL && (f->flags & O_ACCMODE) == (access == O_RDONLY ? O_WRONLY : O_RDONLY)) {
    port_file_unref(f);
    return NULL;
  }
  return f;
}

/* Makes the table at least size slots long. */
static int fdtable_grow(struct port_fdtable *t, int size) {
  if (size <= t->size)
    return 0;
  int n = t->size > 0 ? t->size : 8;
  while (n < size)
    n *= 2;
  if (n > PORT_FD_MAX)
    n = PORT_FD_MAX;
  struct port_file **slots = realloc(t->slots, (size_t)n * sizeof(*slots));
  if (slots == NULL)
    return -ENOMEM;
  memset(slots + t->size, 0, (size_t)(n - t->size) * sizeof(*slots));
  t->slots = slots;
  t->size = n;
  return 0;
}

int port_fd_install(struct port_fdtable *t, int min, struct port_file *f) {
  if (min < 0 || min >= PORT_FD_MAX)
    return -EINVAL;
  int fd = min;
  while (fd < t->size && t->slots[fd] != NULL)
    fd++;
  if (fd >= PORT_FD_MAX)
    return -EMFILE;
  if (fdtable_grow(t, fd + 1) != 0)
    return -ENOMEM;
  t->slots[fd] = f;
  return fd;
}

int port_fd_install_at(struct port_fdtable *t, int fd, struct port_file *f) {
  if (fd < 0 || fd >= PORT_FD_MAX)
    return -EBADF;
  if (fdtable_grow(t, fd + 1) != 0)
    return -ENOMEM;
  struct port_file *old = t->slots[fd];
  t->slots[fd] = f;
  if (old != NULL)
    port_file_unref(old);
  return fd;
}

int port_fd_close(struct port_fdtable *t, int fd) {
  if (fd < 0 || fd >= t->size || t->slots[fd] == NULL)
    return -EBADF;
  struct port_file *f = t->slots[fd];
  t->slots[fd] = NULL;
  port_file_unref(f);
  return 0;
}

int port_fdtable_copy(struct port_fdtable *dst, const struct port_fdtable *src) {
  /* Only up to the highest open fd: fork copies few pointers. */
  int used = src->size;
  while (used > 0 && src->slots[used - 1] == NULL)
    used--;
  dst->slots = NULL;
  dst->size = 0;
  if (fdtable_grow(dst, used > 0 ? used : 1) != 0)
    return -ENOMEM;
  for (int fd = 0; fd < used; fd++) {
    dst->slots[fd] = src->slots[fd];
    if (dst->slots[fd] != NULL)
      port_file_ref(dst->slots[fd]);
  }
  return 0;
}

void port_fdtable_close_all(struct port_fdtable *t) {
  for (int fd = 0; fd < t->size; fd++)
    if (t->slots[fd] != NULL)
      port_fd_close(t, fd);
  free(t->slots);
  t->slots = NULL;
  t->size = 0;
}
