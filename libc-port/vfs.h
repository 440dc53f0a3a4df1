/* vfs.h: the file name space: paths against the working directory, /dev/blk0, the disk's fs at /.
 */
#ifndef LIBC_PORT_VFS_H
#define LIBC_PORT_VFS_H

#include "fd.h"
#include <fs/extfs.h>
#include <stdbool.h>

/*
 * "/dev/blk0" is always the raw disk; every other path is in the disk's
 * ext2/3/4 file system, mounted at "/" at the first call that needs it.
 * Paths are resolved as text: "." and ".." are taken away before the file
 * system sees them (a ".." after a symbolic link goes back up the path
 * written, not the link's target).
 */
#define VFS_BLKDEV_PATH "/dev/blk0"

/* An absolute path without ".", "..", "//" or a trailing "/" in *out (malloc'ed); 0 or -errno. */
int vfs_resolve(const char *path, char **out);

/* Mounts the disk's file system at the first call; 0 or -errno (see extfs_mount). */
int vfs_root(void);

/* Resolves path and mounts the root: the absolute path in *abs, or -errno. */
int vfs_path(const char *path, char **abs);

/* Open files: a file or directory of the file system, or the raw disk. */
int vfs_file_new(struct extfs_file *ef, int flags, struct port_file **out);
int vfs_blkdev_open(int flags, struct port_file **out);

#endif
