/* vfs_file.c: files and directories of the file system as open files: position, append, listing. */
#include "port.h"
#include "vfs.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/*
 * A directory is listed once, when the first readdir needs it (or again
 * after a rewind), and read from that copy: entries added or removed
 * meanwhile do not shift the position of the others.
 */
struct vfs_entry {
  uint32_t ino;
  unsigned char type;
  char *name;
};

struct vfs_file {
  struct port_file file;
  struct extfs_file *ef;
  off_t pos;
  struct vfs_entry *ents; /* a directory's listing, NULL until read */
  size_t nents, cap;
  bool short_of_memory; /* the listing stopped early */
};

static struct vfs_file *vfs_of(struct port_file *f) {
  return f->priv;
}

static ssize_t file_pread(struct port_file *f, void *buf, size_t len, off_t off) {
  return extfs_pread(vfs_of(f)->ef, buf, len, (uint64_t)off);
}

static ssize_t file_pwrite(struct port_file *f, const void *buf, size_t len, off_t off) {
  return extfs_pwrite(vfs_of(f)->ef, buf, len, (uint64_t)off);
}

static ssize_t file_read(struct port_file *f, void *buf, size_t len) {
  struct vfs_file *v = vfs_of(f);
  ssize_t n = extfs_pread(v->ef, buf, len, (uint64_t)v->pos);
  if (n > 0)
    v->pos += n;
  return n;
}

static ssize_t file_write(struct port_file *f, const void *buf, size_t len) {
  struct vfs_file *v = vfs_of(f);
  if (f->flags & O_APPEND) {
    struct stat st;
    int err = extfs_fstat(v->ef, &st);
    if (err != 0)
      return err;
    v->pos = st.st_size;
  }
  ssize_t n = extfs_pwrite(v->ef, buf, len, (uint64_t)v->pos);
  if (n > 0)
    v->pos += n;
  if (n > 0 && (f->flags & O_SYNC)) {
    int err = extfs_sync();
    if (err != 0)
      return err;
  }
  return n;
}

static void listing_free(struct vfs_file *v) {
  for (size_t i = 0; i < v->nents; i++)
    free(v->ents[i].name);
  free(v->ents);
  v->ents = NULL;
  v->nents = v->cap = 0;
}

static off_t file_lseek(struct port_file *f, off_t off, int whence) {
  struct vfs_file *v = vfs_of(f);
  off_t base = 0;
  if (whence == SEEK_CUR) {
    base = v->pos;
  } else if (whence == SEEK_END) {
    struct stat st;
    int err = extfs_fstat(v->ef, &st);
    if (err != 0)
      return err;
    base = st.st_size;
  } else if (whence != SEEK_SET) {
    return -EINVAL;
  }
  if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
    return -EINVAL;
  v->pos = base + off;
  if (v->pos == 0)
    listing_free(v); /* rewinddir: list again */
  return v->pos;
}

static int file_fstat(struct port_file *f, struct stat *st) {
  return extfs_fstat(vfs_of(f)->ef, st);
}

static int file_fsync(struct port_file *f) {
  (void)f;
  /* Metadata and data of every file go out together: one batch, one device flush. */
  return extfs_sync();
}

static int file_ftruncate(struct port_file *f, off_t len) {
  if (len < 0)
    return -EINVAL;
  return extfs_ftruncate(vfs_of(f)->ef, (uint64_t)len);
}

static bool listing_add(void *arg, uint32_t ino, unsigned char type, const char *name, size_t len) {
  struct vfs_file *v = arg;
  if (v->nents == v->cap) {
    size_t cap = v->cap != 0 ? v->cap * 2 : 16;
    struct vfs_entry *e = realloc(v->ents, cap * sizeof(*e));
    if (e == NULL)
      return !(v->short_of_memory = true);
    v->ents = e;
    v->cap = cap;
  }
  char *copy = malloc(len + 1);
  if (copy == NULL)
    return !(v->short_of_memory = true);
  memcpy(copy, name, len);
  copy[len] = '\0';
  v->ents[v->nents++] = (struct vfs_entry){ino, type, copy};
  return true;
}

static int file_readdir(struct port_file *f, struct dirent *ent) {
  struct vfs_file *v = vfs_of(f);
  if (!extfs_is_dir(v->ef))
    return -ENOTDIR;
  if (v->ents == NULL) {
    v->short_of_memory = false;
    int err = extfs_list(v->ef, listing_add, v);
    if (err == 0 && v->short_of_memory)
      err = -ENOMEM;
    if (err != 0) {
      listing_free(v);
      return err;
    }
    if (v->ents == NULL)
      v->ents = malloc(1); /* listed, and empty */
  }
  if (v->pos < 0 || (size_t)v->pos >= v->nents)
    return 0;
  const struct vfs_entry *e = &v->ents[v->pos++];
  ent->d_ino = (ino_t)e->ino;
  ent->d_off = v->pos;
  ent->d_reclen = sizeof(*ent);
  ent->d_type = e->type;
  strncpy(ent->d_name, e->name, sizeof(ent->d_name) - 1);
  ent->d_name[sizeof(ent->d_name) - 1] = '\0';
  return 1;
}

static void file_release(struct port_file *f) {
  struct vfs_file *v = vfs_of(f);
  listing_free(v);
  extfs_close(v->ef);
  free(v);
}

static const struct port_file_ops vfs_file_ops = {
    .read = file_read,
    .write = file_write,
    .fstat = file_fstat,
    .release = file_release,
    .lseek = file_lseek,
    .pread = file_pread,
    .pwrite = file_pwrite,
    .fsync = file_fsync,
    .ftruncate = file_ftruncate,
    .readdir = file_readdir,
};

int vfs_file_new(struct extfs_file *ef, int flags, struct port_file **out) {
  struct vfs_file *v = calloc(1, sizeof(*v));
  if (v == NULL)
    return -ENOMEM;
  v->file =
      (struct port_file){&vfs_file_ops, 1, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK | O_SYNC), v};
  v->ef = ef;
  *out = &v->file;
  return 0;
}
