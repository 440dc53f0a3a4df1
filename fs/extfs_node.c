/* extfs_node.c: the open inodes, so that a file unlinked while open lives until its last close. */
#include "extfs_int.h"
#include <errno.h>
#include <stdlib.h>

/*
 * Each open() makes a struct extfs_file; several may name one inode. The
 * inode itself is always read from and written to the file system (through
 * libext2fs's inode cache), never kept here, so they all see one file.
 */
struct extfs_file {
  ext2_ino_t ino;
  bool dir;
  struct extfs_ra ra;
  struct extfs_file *next;
};

/* Inodes whose last link went while they were open. */
struct orphan {
  ext2_ino_t ino;
  struct orphan *next;
};

static struct extfs_file *open_files;
static struct orphan *orphans;

bool extfs_node_is_open(ext2_ino_t ino) {
  for (struct extfs_file *f = open_files; f != NULL; f = f->next)
    if (f->ino == ino)
      return true;
  return false;
}

void extfs_node_orphan(ext2_ino_t ino) {
  struct orphan *o = malloc(sizeof(*o));
  if (o == NULL)
    return; /* the inode leaks until e2fsck finds it; nothing else is lost */
  o->ino = ino;
  o->next = orphans;
  orphans = o;
}

/* Frees ino if it is an orphan that nobody has open any more. */
static void reap(ext2_ino_t ino) {
  for (struct orphan **p = &orphans; *p != NULL; p = &(*p)->next) {
    if ((*p)->ino != ino)
      continue;
    if (extfs_node_is_open(ino))
      return;
    struct orphan *o = *p;
    *p = o->next;
    free(o);
    extfs_free_inode(ino);
    return;
  }
}

int extfs_node_new(ext2_ino_t ino, bool dir, struct extfs_file **out) {
  struct extfs_file *f = calloc(1, sizeof(*f));
  if (f == NULL)
    return -ENOMEM;
  f->ino = ino;
  f->dir = dir;
  f->next = open_files;
  open_files = f;
  *out = f;
  return 0;
}

ext2_ino_t extfs_node_ino(const struct extfs_file *f) {
  return f->ino;
}

struct extfs_ra *extfs_node_ra(struct extfs_file *f) {
  return &f->ra;
}

void extfs_node_written(ext2_ino_t ino) {
  for (struct extfs_file *f = open_files; f != NULL; f = f->next)
    if (f->ino == ino)
      extfs_ra_drop(&f->ra);
}

bool extfs_is_dir(const struct extfs_file *f) {
  return f->dir;
}

void extfs_close(struct extfs_file *f) {
  for (struct extfs_file **p = &open_files; *p != NULL; p = &(*p)->next)
    if (*p == f) {
      *p = f->next;
      break;
    }
  ext2_ino_t ino = f->ino;
  extfs_ra_free(&f->ra);
  free(f);
  if (extfs_fs != NULL)
    reap(ino);
}

void extfs_node_release_all(void) {
  while (orphans != NULL) {
    struct orphan *o = orphans;
    orphans = o->next;
    extfs_free_inode(o->ino);
    free(o);
  }
}
