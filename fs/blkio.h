/* blkio.h: libext2fs's io_manager for the guest's block device (any name opens the one disk). */
#ifndef FS_BLKIO_H
#define FS_BLKIO_H

#include <ext2fs/ext2fs.h>

extern io_manager blkio_manager;

/* Reads runs of blocks of a channel of blkio_manager in one batch (large file reads). */
struct blkcache_run;
errcode_t blkio_read_runs(io_channel ch, const struct blkcache_run *runs, size_t n);
/* The same as requests for the caller to send (blkcache_plan_runs). */
struct blkdev_req;
errcode_t blkio_plan_runs(io_channel ch, const struct blkcache_run *runs, size_t n,
                          struct blkdev_req **reqs, size_t *nreqs);

#endif
