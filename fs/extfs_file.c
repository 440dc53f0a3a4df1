/* extfs_file.c: open (and create), read, write, truncate and fstat of files in the file system. */
#include "extfs_int.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>

/* ext2fs_file_read and _write count in unsigned int. */
#define IO_CHUNK (1u << 30)
/* Reads with at least this many whole blocks skip ext2fs_file_read for them. */
#define FAST_READ_BLOCKS 16
/* Reads this large into aligned memory go straight there rather than through the read-ahead: an
 * exit costs less than the copy out of a chunk (28 us against about 65 us per MiB). */
#define RA_DIRECT_MIN (1u << 20)

/* A new regular file name in its parent directory, written before the name points to it. */
static int create(const char *path, mode_t mode, ext2_ino_t *out) {
  ext2_filsys fs = extfs_fs;
  ext2_ino_t dir, ino;
  const char *name;
  int err = extfs_writable();
  if (err == 0)
    err = extfs_lookup_parent(path, &dir, &name);
  if (err != 0)
    return err == -EBUSY ? -EISDIR : err;
  /* A dangling symbolic link: its name is taken, though nothing lies behind it. */
  if (ext2fs_lookup(fs, dir, name, (int)strlen(name), NULL, &ino) == 0)
    return -EEXIST;
  errcode_t e = ext2fs_new_inode(fs, dir, LINUX_S_IFREG | 0600, NULL, &ino);
  if (e != 0)
    return extfs_errno(e);
  struct ext2_inode_large inode;
  memset(&inode, 0, sizeof(inode));
  inode.i_mode = (uint16_t)(LINUX_S_IFREG | (mode & 07777));
  inode.i_links_count = 1;
  if (ext2fs_has_feature_extents(fs->super)) {
    /* Opening an extent tree on an empty inode gives it an empty root. */
    ext2_extent_handle_t handle;
    e = ext2fs_extent_open2(fs, ino, (struct ext2_inode *)&inode, &handle);
    if (e != 0)
      return extfs_errno(e);
    ext2fs_extent_free(handle);
  }
  e = ext2fs_write_new_inode(fs, ino, (struct ext2_inode *)&inode);
  if (e != 0)
    return extfs_errno(e);
  ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
  err = extfs_add_entry(dir, name, ino, inode.i_mode);
  if (err != 0) {
    ext2fs_inode_alloc_stats2(fs, ino, -1, 0);
    return err;
  }
  *out = ino;
  return extfs_touch_dir(dir, 0);
}

/* Opens ino through libext2fs's file calls, which see the inode as it is now. */
static int file_open(ext2_ino_t ino, int flags, ext2_file_t *ef) {
  return extfs_errno(ext2fs_file_open(extfs_fs, ino, flags, ef));
}

/* Sets the times of a file written through ef and closes it. */
static int file_close(ext2_file_t ef, bool changed, int err) {
  if (changed) {
    errcode_t e = ext2fs_file_flush(ef);
    struct ext2_inode *in = ext2fs_file_get_inode(ef);
    extfs_touch((struct ext2_inode_large *)in, true); /* only the base fields */
    if (e == 0)
      e = ext2fs_write_inode(extfs_fs, ext2fs_file_get_inode_num(ef), in);
    if (err == 0)
      err = extfs_errno(e);
  }
  errcode_t e = ext2fs_file_close(ef);
  return err != 0 ? err : extfs_errno(e);
}

static int truncate_ino(ext2_ino_t ino, uint64_t len) {
  extfs_node_written(ino);
  ext2_file_t ef;
  int err = file_open(ino, EXT2_FILE_WRITE, &ef);
  if (err != 0)
    return err;
  err = extfs_errno(ext2fs_file_set_size2(ef, len));
  return file_close(ef, true, err);
}

int extfs_open(const char *path, int flags, mode_t mode, struct extfs_file **out) {
  ext2_ino_t ino;
  struct ext2_inode_large inode;
  bool write = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
  int err = extfs_lookup(path, true, &ino);
  if (err == -ENOENT && (flags & O_CREAT)) {
    err = create(path, mode, &ino);
    if (err != 0)
      return err;
  } else if (err != 0) {
    return err;
  } else if ((flags & O_CREAT) && (flags & O_EXCL)) {
    return -EEXIST;
  }
  err = extfs_read_inode(ino, &inode);
  if (err != 0)
    return err;
  bool dir = LINUX_S_ISDIR(inode.i_mode);
  if (dir && write)
    return -EISDIR;
  if (!dir && (flags & O_DIRECTORY))
    return -ENOTDIR;
  if (write && (err = extfs_writable()) != 0)
    return err;
  if ((flags & O_TRUNC) && LINUX_S_ISREG(inode.i_mode) && EXT2_I_SIZE(&inode) > 0 &&
      (err = truncate_ino(ino, 0)) != 0)
    return err;
  return extfs_node_new(ino, dir, out);
}

/* Any range of a file, one block at a time through ext2fs_file_read. */
static ssize_t pread_file(ext2_ino_t ino, void *buf, size_t len, uint64_t off) {
  ext2_file_t ef;
  int err = file_open(ino, 0, &ef);
  if (err != 0)
    return err;
  size_t done = 0;
  errcode_t e = ext2fs_file_llseek(ef, off, EXT2_SEEK_SET, NULL);
  while (e == 0 && done < len) {
    unsigned got = 0, want = len - done < IO_CHUNK ? (unsigned)(len - done) : IO_CHUNK;
    e = ext2fs_file_read(ef, (char *)buf + done, want, &got);
    done += got;
    if (got == 0)
      break; /* end of file */
  }
  err = file_close(ef, false, done > 0 ? 0 : extfs_errno(e));
  return done > 0 ? (ssize_t)done : err;
}

/*
 * Sequential reads come from the file's read-ahead window
 * (extfs_readahead.c), as do large reads into memory the disk cannot
 * reach directly (not sector-aligned). Other large reads take the whole
 * blocks in their middle in one batch (extfs_read.c); the partial blocks
 * at either end, and small random reads, go through libext2fs's file calls.
 */
ssize_t extfs_pread(struct extfs_file *f, void *buf, size_t len, uint64_t off) {
  if (extfs_is_dir(f))
    return -EISDIR;
  ext2_ino_t ino = extfs_node_ino(f);
  struct ext2_inode_large inode;
  int err = extfs_read_inode(ino, &inode);
  if (err != 0)
    return err;
  uint64_t size = EXT2_I_SIZE(&inode), bs = extfs_fs->blocksize;
  if (off >= size || len == 0)
    return 0;
  if (len > size - off)
    len = (size_t)(size - off);
  bool aligned =
      (uintptr_t)buf % (uintptr_t)(extfs_fs->io->align > 0 ? extfs_fs->io->align : 1) == 0;
  if (LINUX_S_ISREG(inode.i_mode) && (len < RA_DIRECT_MIN || !aligned)) {
    ssize_t n = extfs_ra_read(extfs_node_ra(f), ino, &inode, buf, len, off);
    if (n != -EAGAIN)
      return n;
  }
  uint64_t first = (off + bs - 1) / bs, last = (off + len) / bs; /* whole blocks [first, last) */
  if (last < first + FAST_READ_BLOCKS)
    return pread_file(ino, buf, len, off);
  size_t head = (size_t)(first * bs - off), body = (size_t)((last - first) * bs);
  ssize_t n = head > 0 ? pread_file(ino, buf, head, off) : 0;
  if (n < 0 || (size_t)n < head)
    return n;
  err = extfs_read_blocks(ino, &inode, first, (size_t)(last - first), (char *)buf + head);
  if (err == -EAGAIN)
    return pread_file(ino, buf, len, off);
  if (err != 0)
    return head > 0 ? (ssize_t)head : err;
  size_t done = head + body;
  n = done < len ? pread_file(ino, (char *)buf + done, len - done, off + done) : 0;
  return n < 0 ? (ssize_t)done : (ssize_t)(done + (size_t)n);
}

ssize_t extfs_pwrite(struct extfs_file *f, const void *buf, size_t len, uint64_t off) {
  if (extfs_is_dir(f))
    return -EISDIR;
  int err = extfs_writable();
  if (err != 0)
    return err;
  extfs_node_written(extfs_node_ino(f));
  ext2_file_t ef;
  err = file_open(extfs_node_ino(f), EXT2_FILE_WRITE, &ef);
  if (err != 0)
    return err;
  size_t done = 0;
  errcode_t e = ext2fs_file_llseek(ef, off, EXT2_SEEK_SET, NULL);
  while (e == 0 && done < len) {
    unsigned put = 0, want = len - done < IO_CHUNK ? (unsigned)(len - done) : IO_CHUNK;
    e = ext2fs_file_write(ef, (const char *)buf + done, want, &put);
    done += put;
  }
  /* A short write reports what went in; the error comes with the next call. */
  err = file_close(ef, len > 0, done > 0 ? 0 : extfs_errno(e));
  return done > 0 ? (ssize_t)done : err;
}

int extfs_ftruncate(struct extfs_file *f, uint64_t len) {
  if (extfs_is_dir(f))
    return -EISDIR;
  int err = extfs_writable();
  return err != 0 ? err : truncate_ino(extfs_node_ino(f), len);
}

int extfs_fstat(struct extfs_file *f, struct stat *st) {
  struct ext2_inode_large inode;
  int err = extfs_read_inode(extfs_node_ino(f), &inode);
  if (err == 0)
    extfs_inode_stat(extfs_node_ino(f), &inode, st);
  return err;
}
