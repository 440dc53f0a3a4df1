/* extfs.h: the ext2/ext3/ext4 file system on the guest's disk (through libext2fs), for the VFS. */
#ifndef FS_EXTFS_H
#define FS_EXTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * Paths are absolute within the file system and normalized: "/" or
 * "/a/b", no ".", "..", "//" or trailing "/" (libc-port's VFS makes them
 * so). Results are 0 (or a count) or a negative errno. Nothing here
 * blocks other threads: calls run to the end between two scheduling
 * points, since the block device's calls do not yield.
 */

/*
 * Mounts the disk's file system if that has not been tried yet: 0, or
 * -ENODEV (no disk, or no ext2/3/4 file system on it) or -EIO (a
 * damaged one), with the reason on stderr the first time. A read-only
 * disk, or features libext2fs cannot write, mount read-only.
 */
int extfs_mount(void);
/* Writes everything back and closes the file system (at pid 1's exit). */
void extfs_unmount(void);
/* Makes everything written so far durable: metadata, data, then a device flush. */
int extfs_sync(void);

struct extfs_file; /* an open inode */

/* open(2)'s flags (O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, access mode); mode for a new file. */
int extfs_open(const char *path, int flags, mode_t mode, struct extfs_file **out);
/* The last close of an unlinked file frees it. */
void extfs_close(struct extfs_file *f);
ssize_t extfs_pread(struct extfs_file *f, void *buf, size_t len, uint64_t off);
ssize_t extfs_pwrite(struct extfs_file *f, const void *buf, size_t len, uint64_t off);
int extfs_fstat(struct extfs_file *f, struct stat *st);
int extfs_ftruncate(struct extfs_file *f, uint64_t len);
bool extfs_is_dir(const struct extfs_file *f);

/* Calls emit for every entry of a directory (".", ".." too) until it returns false. */
typedef bool (*extfs_emit_fn)(void *arg, uint32_t ino, unsigned char type, const char *name,
                              size_t len);
int extfs_list(struct extfs_file *dir, extfs_emit_fn emit, void *arg);

/* follow: stat (a final symbolic link is followed) or lstat. */
int extfs_stat(const char *path, struct stat *st, bool follow);
int extfs_mkdir(const char *path, mode_t mode);
int extfs_rmdir(const char *path);
int extfs_unlink(const char *path);
/* POSIX rename: replaces a file or an empty directory at to. */
int extfs_rename(const char *from, const char *to);
/* A second name for a file (not a directory). */
int extfs_link(const char *old, const char *new);
/* Whether the file system is mounted read-only (writes fail with EROFS). */
bool extfs_readonly(void);

#endif
