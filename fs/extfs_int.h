/* extfs_int.h: what the extfs_*.c files share: the mounted file system, lookups, errors. */
#ifndef FS_EXTFS_INT_H
#define FS_EXTFS_INT_H

#include <ext2fs/ext2fs.h>
#include <fs/extfs.h>
#include <guest/blkdev_stream.h>

/* The mounted file system; NULL before extfs_mount succeeds. */
extern ext2_filsys extfs_fs;

/* Prints "fs: " and one line on stderr (fd 2, also usable after stdio has closed). */
void extfs_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A libext2fs error as a negative errno. */
int extfs_errno(errcode_t err);

/* 0, or -EROFS when the file system is mounted read-only. */
int extfs_writable(void);

/* The inode path names; follow: through a final symbolic link. */
int extfs_lookup(const char *path, bool follow, ext2_ino_t *ino);
/* The directory that holds path's last component, and where that name starts in path. */
int extfs_lookup_parent(const char *path, ext2_ino_t *dir, const char **name);

int extfs_read_inode(ext2_ino_t ino, struct ext2_inode_large *inode);
int extfs_write_inode(ext2_ino_t ino, struct ext2_inode_large *inode);
/* Sets ctime (and mtime too when mtime is true) to now. */
void extfs_touch(struct ext2_inode_large *inode, bool mtime);
void extfs_inode_stat(ext2_ino_t ino, const struct ext2_inode_large *inode, struct stat *st);

/* Drops one link from ino; frees the inode and its blocks when none is left and it is not open. */
int extfs_drop_link(ext2_ino_t ino);
/* The directory dir changed: mtime and ctime to now, links_delta more links. */
int extfs_touch_dir(ext2_ino_t dir, int links_delta);
/* EXT2_FT_* for an inode mode. */
int extfs_dir_entry_type(int mode);
/* 0 if the directory ino holds nothing but "." and "..", else -ENOTEMPTY. */
int extfs_dir_empty(ext2_ino_t ino);
/* Adds a directory entry, growing the directory when it is full. */
int extfs_add_entry(ext2_ino_t dir, const char *name, ext2_ino_t ino, int mode);

/*
 * Whole blocks [lblk, lblk + count) of a file into buf, in one batch of
 * disk requests, contiguous blocks in one request (extfs_read.c); -EAGAIN
 * for a file with inline data.
 */
int extfs_read_blocks(ext2_ino_t ino, struct ext2_inode_large *inode, uint64_t lblk, size_t count,
                      void *buf);

/*
 * The same as disk requests for the caller to send: blocks in the cache
 * are copied and holes zeroed now, the rest become *nreqs requests in
 * *reqs (to free), in the order of their place in buf.
 */
struct blkdev_req;
int extfs_plan_blocks(ext2_ino_t ino, struct ext2_inode_large *inode, uint64_t lblk, size_t count,
                      void *buf, struct blkdev_req **reqs, size_t *nreqs);

/* An open file's read-ahead (extfs_readahead.c): a stream of the file, read ahead in chunks. */
struct extfs_ra {
  struct blkdev_stream stream;
  bool ready;                     /* stream initialised */
  ext2_ino_t ino;                 /* the file, while a read maps it */
  struct ext2_inode_large *inode; /* its inode, while a read maps it */
};

/*
 * len bytes at off of a regular file (off + len within its size) served
 * from ra, refilled as needed, when the read continues the previous one or
 * finds its data read ahead: the bytes read, or -EAGAIN when the caller
 * should read the usual way (random access, no extents nor block map, no
 * memory).
 */
ssize_t extfs_ra_read(struct extfs_ra *ra, ext2_ino_t ino, struct ext2_inode_large *inode,
                      void *buf, size_t len, uint64_t off);
void extfs_ra_drop(struct extfs_ra *ra);
void extfs_ra_free(struct extfs_ra *ra);

/* Open inodes (extfs_node.c): an unlinked file lives on until its last close. */
int extfs_node_new(ext2_ino_t ino, bool dir, struct extfs_file **out);
ext2_ino_t extfs_node_ino(const struct extfs_file *f);
struct extfs_ra *extfs_node_ra(struct extfs_file *f);
/* The file's data changed: every open file of ino drops its read-ahead window. */
void extfs_node_written(ext2_ino_t ino);
bool extfs_node_is_open(ext2_ino_t ino);
void extfs_node_orphan(ext2_ino_t ino);
/* Frees the inode and blocks of ino, which has no link left. */
int extfs_free_inode(ext2_ino_t ino);
/* Frees what was unlinked while open (the file system is about to close). */
void extfs_node_release_all(void);

#endif
