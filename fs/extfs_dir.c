/* extfs_dir.c: mkdir and directory listing. */
#include "extfs_int.h"
#include <dirent.h>
#include <errno.h>
#include <string.h>

int extfs_mkdir(const char *path, mode_t mode) {
  ext2_filsys fs = extfs_fs;
  ext2_ino_t dir, ino;
  const char *name;
  int err = extfs_writable();
  if (err == 0)
    err = extfs_lookup_parent(path, &dir, &name);
  if (err != 0)
    return err == -EBUSY ? -EEXIST : err;
  errcode_t e = ext2fs_mkdir(fs, dir, 0, name);
  if (e == EXT2_ET_DIR_NO_SPACE) {
    /* It gave back what it took; with a bigger parent the second try fits. */
    e = ext2fs_expand_dir(fs, dir);
    if (e == 0)
      e = ext2fs_mkdir(fs, dir, 0, name);
  }
  if (e == 0)
    e = ext2fs_lookup(fs, dir, name, (int)strlen(name), NULL, &ino);
  if (e != 0)
    return extfs_errno(e);
  /* ext2fs_mkdir gives 0777 less the library's umask: the caller's mode instead. */
  struct ext2_inode_large inode;
  err = extfs_read_inode(ino, &inode);
  if (err == 0) {
    inode.i_mode = (uint16_t)(LINUX_S_IFDIR | (mode & 07777));
    err = extfs_write_inode(ino, &inode);
  }
  return err == 0 ? extfs_touch_dir(dir, 0) : err;
}

/* Linux's d_type for an entry's file type. */
static unsigned char dirent_type(int ft) {
  switch (ft) {
  case EXT2_FT_REG_FILE:
    return DT_REG;
  case EXT2_FT_DIR:
    return DT_DIR;
  case EXT2_FT_CHRDEV:
    return DT_CHR;
  case EXT2_FT_BLKDEV:
    return DT_BLK;
  case EXT2_FT_FIFO:
    return DT_FIFO;
  case EXT2_FT_SOCK:
    return DT_SOCK;
  case EXT2_FT_SYMLINK:
    return DT_LNK;
  default:
    return DT_UNKNOWN;
  }
}

struct list_ctx {
  extfs_emit_fn emit;
  void *arg;
};

static int list_proc(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset, int blocksize,
                     char *buf, void *arg) {
  (void)dir;
  (void)entry;
  (void)offset;
  (void)blocksize;
  (void)buf;
  struct list_ctx *c = arg;
  if (d->inode == 0)
    return 0;
  bool more = c->emit(c->arg, d->inode, dirent_type(ext2fs_dirent_file_type(d)), d->name,
                      (size_t)ext2fs_dirent_name_len(d));
  return more ? 0 : DIRENT_ABORT;
}

int extfs_list(struct extfs_file *dir, extfs_emit_fn emit, void *arg) {
  if (!extfs_is_dir(dir))
    return -ENOTDIR;
  struct list_ctx c = {emit, arg};
  errcode_t e = ext2fs_dir_iterate2(extfs_fs, extfs_node_ino(dir), 0, NULL, list_proc, &c);
  /* A directory removed while open lists nothing, as on Linux. */
  return e == EXT2_ET_NO_DIRECTORY ? 0 : extfs_errno(e);
}
