/* extfs_path.c: names to inodes, inode helpers and stat, link counting, unlink. */
#include "extfs_int.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int extfs_lookup(const char *path, bool follow, ext2_ino_t *ino) {
  ext2_filsys fs = extfs_fs;
  errcode_t err = follow ? ext2fs_namei_follow(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, ino)
                         : ext2fs_namei(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, ino);
  return extfs_errno(err);
}

int extfs_lookup_parent(const char *path, ext2_ino_t *dir, const char **name) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL || slash[1] == '\0')
    return -EBUSY; /* the root: it has no parent to change */
  if (strlen(slash + 1) > EXT2_NAME_LEN)
    return -ENAMETOOLONG;
  size_t len = slash == path ? 1 : (size_t)(slash - path);
  char *parent = malloc(len + 1);
  if (parent == NULL)
    return -ENOMEM;
  memcpy(parent, path, len);
  parent[len] = '\0';
  int err = extfs_lookup(parent, true, dir);
  free(parent);
  if (err == 0)
    err = extfs_errno(ext2fs_check_directory(extfs_fs, *dir));
  if (err == 0)
    *name = slash + 1;
  return err;
}

int extfs_read_inode(ext2_ino_t ino, struct ext2_inode_large *inode) {
  memset(inode, 0, sizeof(*inode));
  return extfs_errno(
      ext2fs_read_inode_full(extfs_fs, ino, (struct ext2_inode *)inode, sizeof(*inode)));
}

int extfs_write_inode(ext2_ino_t ino, struct ext2_inode_large *inode) {
  return extfs_errno(
      ext2fs_write_inode_full(extfs_fs, ino, (struct ext2_inode *)inode, sizeof(*inode)));
}

void extfs_touch(struct ext2_inode_large *inode, bool mtime) {
  uint32_t now = (uint32_t)time(NULL);
  inode->i_ctime = now;
  if (mtime)
    inode->i_mtime = now;
}

void extfs_inode_stat(ext2_ino_t ino, const struct ext2_inode_large *inode, struct stat *st) {
  const struct ext2_inode *in = (const struct ext2_inode *)inode;
  memset(st, 0, sizeof(*st));
  st->st_dev = 1;
  st->st_ino = ino;
  st->st_mode = inode->i_mode;
  st->st_nlink = inode->i_links_count;
  st->st_uid = inode_uid(*in);
  st->st_gid = inode_gid(*in);
  st->st_size = (off_t)EXT2_I_SIZE(inode);
  st->st_atim.tv_sec = (time_t)inode->i_atime;
  st->st_mtim.tv_sec = (time_t)inode->i_mtime;
  st->st_ctim.tv_sec = (time_t)inode->i_ctime;
  st->st_blksize = (blksize_t)extfs_fs->blocksize;
  st->st_blocks = (blkcnt_t)ext2fs_get_stat_i_blocks(extfs_fs, (struct ext2_inode *)in);
}

int extfs_stat(const char *path, struct stat *st, bool follow) {
  ext2_ino_t ino;
  struct ext2_inode_large inode;
  int err = extfs_lookup(path, follow, &ino);
  if (err == 0)
    err = extfs_read_inode(ino, &inode);
  if (err == 0)
    extfs_inode_stat(ino, &inode, st);
  return err;
}

int extfs_free_inode(ext2_ino_t ino) {
  ext2_filsys fs = extfs_fs;
  struct ext2_inode_large inode;
  int err = extfs_read_inode(ino, &inode);
  if (err != 0)
    return err;
  inode.i_dtime = (uint32_t)time(NULL);
  errcode_t e = ext2fs_free_ext_attr(fs, ino, &inode);
  if (e == 0 && ext2fs_inode_has_valid_blocks2(fs, (struct ext2_inode *)&inode))
    e = ext2fs_punch(fs, ino, (struct ext2_inode *)&inode, NULL, 0, ~0ULL);
  if (e != 0)
    return extfs_errno(e);
  err = extfs_write_inode(ino, &inode);
  if (err == 0)
    ext2fs_inode_alloc_stats2(fs, ino, -1, LINUX_S_ISDIR(inode.i_mode));
  return err;
}

int extfs_drop_link(ext2_ino_t ino) {
  struct ext2_inode_large inode;
  int err = extfs_read_inode(ino, &inode);
  if (err != 0)
    return err;
  /* A directory's own "." counts too: its last name takes both. */
  unsigned drop = LINUX_S_ISDIR(inode.i_mode) ? 2 : 1;
  inode.i_links_count = inode.i_links_count > drop ? (uint16_t)(inode.i_links_count - drop) : 0;
  extfs_touch(&inode, false);
  err = extfs_write_inode(ino, &inode);
  if (err != 0 || inode.i_links_count > 0)
    return err;
  if (extfs_node_is_open(ino)) {
    extfs_node_orphan(ino);
    return 0;
  }
  return extfs_free_inode(ino);
}

int extfs_dir_entry_type(int mode) {
  if (LINUX_S_ISDIR(mode))
    return EXT2_FT_DIR;
  if (LINUX_S_ISLNK(mode))
    return EXT2_FT_SYMLINK;
  if (LINUX_S_ISCHR(mode))
    return EXT2_FT_CHRDEV;
  if (LINUX_S_ISBLK(mode))
    return EXT2_FT_BLKDEV;
  if (LINUX_S_ISFIFO(mode))
    return EXT2_FT_FIFO;
  if (LINUX_S_ISSOCK(mode))
    return EXT2_FT_SOCK;
  return EXT2_FT_REG_FILE;
}

int extfs_add_entry(ext2_ino_t dir, const char *name, ext2_ino_t ino, int mode) {
  ext2_filsys fs = extfs_fs;
  errcode_t err = ext2fs_link(fs, dir, name, ino, extfs_dir_entry_type(mode));
  if (err == EXT2_ET_DIR_NO_SPACE) {
    err = ext2fs_expand_dir(fs, dir);
    if (err == 0)
      err = ext2fs_link(fs, dir, name, ino, extfs_dir_entry_type(mode));
  }
  return extfs_errno(err);
}

/* The directory changed: its mtime and ctime, and links_delta more links. */
int extfs_touch_dir(ext2_ino_t dir, int links_delta) {
  struct ext2_inode_large inode;
  int err = extfs_read_inode(dir, &inode);
  if (err != 0)
    return err;
  inode.i_links_count = (uint16_t)(inode.i_links_count + links_delta);
  extfs_touch(&inode, true);
  return extfs_write_inode(dir, &inode);
}

/* Removes the entry name from dir and drops its inode's link (unlink, rmdir, rename). */
static int remove_entry(ext2_ino_t dir, const char *name, ext2_ino_t ino, bool is_dir) {
  errcode_t e = ext2fs_unlink(extfs_fs, dir, name, ino, 0);
  if (e != 0)
    return extfs_errno(e);
  int err = extfs_touch_dir(dir, is_dir ? -1 : 0); /* a subdirectory's ".." linked to dir */
  if (err == 0)
    err = extfs_drop_link(ino);
  return err;
}

int extfs_unlink(const char *path) {
  ext2_ino_t dir, ino;
  const char *name;
  struct ext2_inode_large inode;
  int err = extfs_writable();
  if (err == 0)
    err = extfs_lookup_parent(path, &dir, &name);
  if (err == -EBUSY)
    return -EISDIR;
  if (err == 0)
    err = extfs_lookup(path, false, &ino);
  if (err == 0)
    err = extfs_read_inode(ino, &inode);
  if (err != 0)
    return err;
  if (LINUX_S_ISDIR(inode.i_mode))
    return -EISDIR;
  return remove_entry(dir, name, ino, false);
}

/* Directory emptiness, for rmdir and rename. */
struct empty_check {
  bool empty;
};

static int empty_proc(struct ext2_dir_entry *d, int offset, int blocksize, char *buf, void *arg) {
  (void)offset;
  (void)blocksize;
  (void)buf;
  int len = ext2fs_dirent_name_len(d);
  if (d->inode == 0 || (len == 1 && d->name[0] == '.') ||
      (len == 2 && d->name[0] == '.' && d->name[1] == '.'))
    return 0;
  ((struct empty_check *)arg)->empty = false;
  return DIRENT_ABORT;
}

int extfs_dir_empty(ext2_ino_t ino) {
  struct empty_check c = {.empty = true};
  errcode_t e = ext2fs_dir_iterate(extfs_fs, ino, 0, NULL, empty_proc, &c);
  if (e != 0)
    return extfs_errno(e);
  return c.empty ? 0 : -ENOTEMPTY;
}

int extfs_rmdir(const char *path) {
  ext2_ino_t dir, ino;
  const char *name;
  struct ext2_inode_large inode;
  int err = extfs_writable();
  if (err == 0)
    err = extfs_lookup_parent(path, &dir, &name);
  if (err == 0)
    err = extfs_lookup(path, false, &ino);
  if (err == 0)
    err = extfs_read_inode(ino, &inode);
  if (err != 0)
    return err;
  if (!LINUX_S_ISDIR(inode.i_mode))
    return -ENOTDIR;
  err = extfs_dir_empty(ino);
  if (err != 0)
    return err;
  return remove_entry(dir, name, ino, true);
}

int extfs_link(const char *old, const char *new) {
  ext2_ino_t dir, ino, existing;
  const char *name;
  struct ext2_inode_large inode;
  int err = extfs_writable();
  if (err == 0)
    err = extfs_lookup(old, false, &ino);
  if (err == 0)
    err = extfs_read_inode(ino, &inode);
  if (err == 0 && LINUX_S_ISDIR(inode.i_mode))
    err = -EPERM;
  if (err == 0)
    err = extfs_lookup_parent(new, &dir, &name);
  if (err != 0)
    return err == -EBUSY ? -EEXIST : err;
  if (ext2fs_lookup(extfs_fs, dir, name, (int)strlen(name), NULL, &existing) == 0)
    return -EEXIST;
  if (inode.i_links_count >= EXT2_LINK_MAX)
    return -EMLINK;
  /* The count goes up first: a crash in between leaves a leak, not a dangling name. */
  inode.i_links_count++;
  extfs_touch(&inode, false);
  err = extfs_write_inode(ino, &inode);
  if (err == 0)
    err = extfs_add_entry(dir, name, ino, inode.i_mode);
  if (err != 0) {
    inode.i_links_count--;
    extfs_write_inode(ino, &inode);
    return err;
  }
  return extfs_touch_dir(dir, 0);
}
