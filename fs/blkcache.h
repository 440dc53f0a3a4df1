/* blkcache.h: a write-back cache of disk blocks over the guest's block device, for libext2fs. */
#ifndef FS_BLKCACHE_H
#define FS_BLKCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Results are 0 or a negative errno. Dirty blocks reach the disk at
 * blkcache_sync (or when the cache needs room), all in as few VM exits as
 * the device's batch limit allows.
 */

struct blkcache_entry;

struct blkcache {
  uint32_t blksize;     /* bytes per block, a multiple of the sector size */
  uint32_t sector_size; /* the device's */
  uint64_t blocks;      /* whole blocks on the device */
  size_t capacity;      /* entries the cache may hold */
  size_t count;         /* entries it holds */
  size_t dirty;         /* of which dirty */
  struct blkcache_entry **hash;
  size_t hash_size;                           /* a power of two */
  struct blkcache_entry *lru_head, *lru_tail; /* head: most recently used */
  uint64_t bytes_read, bytes_written;
};

/* An empty cache of blocks of blksize bytes, about cache_bytes in all; 0 or -errno. */
int blkcache_init(struct blkcache *c, uint32_t blksize, size_t cache_bytes);
/* Writes nothing back: call blkcache_sync first. */
void blkcache_fini(struct blkcache *c);

/* Writes back what is dirty and starts over with another block size. */
int blkcache_set_blksize(struct blkcache *c, uint32_t blksize);

int blkcache_read(struct blkcache *c, uint64_t blk, size_t count, void *buf);
/* Several contiguous runs of blocks (a file's extents) in one batch of requests. */
struct blkcache_run {
  uint64_t blk;
  size_t count;
  void *buf;
};
int blkcache_read_runs(struct blkcache *c, const struct blkcache_run *runs, size_t n);
/*
 * The same as requests for the caller to send (asynchronously): cached
 * blocks are copied now, the rest become *nreqs requests in *reqs (to free;
 * NULL when none), each a run of contiguous blocks. The buffers must be
 * sector-aligned (-EAGAIN otherwise).
 */
struct blkdev_req;
int blkcache_plan_runs(struct blkcache *c, const struct blkcache_run *runs, size_t n,
                       struct blkdev_req **reqs, size_t *nreqs);
int blkcache_write(struct blkcache *c, uint64_t blk, size_t count, const void *buf);
/* Any byte range: the blocks around it are read first when they are not cached. */
int blkcache_write_bytes(struct blkcache *c, uint64_t offset, size_t len, const void *buf);

/* Writes every dirty block; flush: then makes them durable (one batch with the writes). */
int blkcache_sync(struct blkcache *c, bool flush);

#endif
