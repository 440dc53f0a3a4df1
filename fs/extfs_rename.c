/* extfs_rename.c: rename(2) of files and directories, replacing what the new name held. */
#include "extfs_int.h"
#include <errno.h>
#include <string.h>

/* Points an existing entry to another inode: the name never goes missing in between. */
struct retarget {
  const char *name;
  ext2_ino_t ino;
  int type;
  bool done;
};

static int retarget_proc(struct ext2_dir_entry *d, int offset, int blocksize, char *buf,
                         void *arg) {
  (void)offset;
  (void)blocksize;
  (void)buf;
  struct retarget *r = arg;
  size_t len = strlen(r->name);
  if (d->inode == 0 || (size_t)ext2fs_dirent_name_len(d) != len ||
      memcmp(d->name, r->name, len) != 0)
    return 0;
  d->inode = r->ino;
  if (ext2fs_has_feature_filetype(extfs_fs->super))
    ext2fs_dirent_set_file_type(d, r->type);
  r->done = true;
  return DIRENT_CHANGED | DIRENT_ABORT;
}

static int retarget(ext2_ino_t dir, const char *name, ext2_ino_t ino, int mode) {
  struct retarget r = {name, ino, extfs_dir_entry_type(mode), false};
  errcode_t e = ext2fs_dir_iterate(extfs_fs, dir, 0, NULL, retarget_proc, &r);
  if (e != 0)
    return extfs_errno(e);
  return r.done ? 0 : -ENOENT;
}

/* Whether the new name may replace what it names now. */
static int check_target(bool from_dir, ext2_ino_t to_ino) {
  struct ext2_inode_large inode;
  int err = extfs_read_inode(to_ino, &inode);
  if (err != 0)
    return err;
  bool to_dir = LINUX_S_ISDIR(inode.i_mode);
  if (from_dir && !to_dir)
    return -ENOTDIR;
  if (!from_dir && to_dir)
    return -EISDIR;
  return to_dir ? extfs_dir_empty(to_ino) : 0;
}

/* A moved directory's ".." names its new parent. */
static int reparent(ext2_ino_t ino, ext2_ino_t parent) {
  struct retarget r = {"..", parent, EXT2_FT_DIR, false};
  errcode_t e = ext2fs_dir_iterate(extfs_fs, ino, 0, NULL, retarget_proc, &r);
  return extfs_errno(e);
}

static bool is_within(const char *path, const char *dir) {
  size_t n = strlen(dir);
  return strncmp(path, dir, n) == 0 && path[n] == '/';
}

int extfs_rename(const char *from, const char *to) {
  ext2_ino_t from_dir, to_dir, ino, to_ino = 0;
  const char *from_name, *to_name;
  struct ext2_inode_large inode;
  int err = extfs_writable();
  if (err == 0)
    err = extfs_lookup_parent(from, &from_dir, &from_name);
  if (err == 0)
    err = extfs_lookup(from, false, &ino);
  if (err == 0)
    err = extfs_lookup_parent(to, &to_dir, &to_name);
  if (err == 0)
    err = extfs_read_inode(ino, &inode);
  if (err != 0)
    return err;
  bool is_dir = LINUX_S_ISDIR(inode.i_mode);
  if (is_dir && is_within(to, from))
    return -EINVAL; /* into itself */
  err = extfs_lookup(to, false, &to_ino);
  if (err == 0 && to_ino == ino)
    return 0;
  if (err == 0)
    err = check_target(is_dir, to_ino);
  else if (err == -ENOENT)
    to_ino = 0, err = 0;
  if (err != 0)
    return err;

  if (to_ino != 0) {
    err = retarget(to_dir, to_name, ino, inode.i_mode);
    if (err == 0 && is_dir)
      err = extfs_touch_dir(to_dir, -1); /* the replaced directory's ".." */
    if (err == 0)
      err = extfs_drop_link(to_ino);
  } else {
    err = extfs_add_entry(to_dir, to_name, ino, inode.i_mode);
  }
  if (err != 0)
    return err;
  errcode_t e = ext2fs_unlink(extfs_fs, from_dir, from_name, ino, 0);
  if (e != 0)
    return extfs_errno(e);
  if (is_dir && from_dir != to_dir) {
    err = reparent(ino, to_dir);
    if (err == 0)
      err = extfs_touch_dir(from_dir, -1);
    if (err == 0)
      err = extfs_touch_dir(to_dir, +1);
  } else {
    err = extfs_touch_dir(from_dir, 0);
    if (err == 0 && to_dir != from_dir)
      err = extfs_touch_dir(to_dir, 0);
  }
  if (err == 0 && (err = extfs_read_inode(ino, &inode)) == 0) {
    extfs_touch(&inode, false);
    err = extfs_write_inode(ino, &inode);
  }
  return err;
}
