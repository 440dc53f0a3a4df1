/* blkio.c: libext2fs's io_manager for the guest's block device, through the block cache. */
#include "blkio.h"
#include "blkcache.h"
#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <guest/blkdev.h>
#include <string.h>

/*
 * libext2fs reads and writes whole blocks of the channel's block size,
 * except that a negative count means bytes (the superblock, read with a
 * block size of 1024 before the real one is known). Errors are errno
 * values, which com_err codes include.
 */

/* Room for the metadata of a large file system plus a working set of data blocks. */
#define BLKIO_CACHE_BYTES (4u << 20)

struct blkio {
  struct blkcache cache;
  bool writable;
};

static struct blkio *blkio_of(io_channel ch) {
  return ch->private_data;
}

static errcode_t blkio_open(const char *name, int flags, io_channel *out) {
  const struct blkdev_info *info = blkdev_info();
  if (info == NULL)
    return ENODEV;
  if ((flags & IO_FLAG_RW) && info->readonly)
    return EROFS;
  io_channel ch = NULL;
  struct blkio *b = NULL;
  errcode_t err = ext2fs_get_memzero(sizeof(*ch), &ch);
  if (err == 0)
    err = ext2fs_get_memzero(sizeof(*b), &b);
  if (err == 0)
    err = ext2fs_get_mem(strlen(name) + 1, &ch->name);
  if (err == 0)
    err = (errcode_t)-blkcache_init(&b->cache, 1024, BLKIO_CACHE_BYTES);
  if (err != 0) {
    if (ch != NULL)
      ext2fs_free_mem(&ch->name);
    ext2fs_free_mem(&b);
    ext2fs_free_mem(&ch);
    return err;
  }
  strcpy(ch->name, name);
  ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
  ch->manager = blkio_manager;
  ch->block_size = 1024;
  ch->refcount = 1;
  ch->flags = CHANNEL_FLAGS_BLOCK_DEVICE;
  /* libext2fs allocates its I/O buffers with this alignment: they can then go to the host
   * directly, even to a disk it opened with O_DIRECT. */
  ch->align = (int)info->sector_size;
  ch->private_data = b;
  b->writable = (flags & IO_FLAG_RW) != 0;
  *out = ch;
  return 0;
}

static errcode_t blkio_close(io_channel ch) {
  if (--ch->refcount > 0)
    return 0;
  struct blkio *b = blkio_of(ch);
  errcode_t err = b->writable ? (errcode_t)-blkcache_sync(&b->cache, true) : 0;
  blkcache_fini(&b->cache);
  ext2fs_free_mem(&b);
  ext2fs_free_mem(&ch->name);
  ext2fs_free_mem(&ch);
  return err;
}

static errcode_t blkio_set_blksize(io_channel ch, int blksize) {
  if (blksize <= 0)
    return EXT2_ET_INVALID_ARGUMENT;
  errcode_t err = (errcode_t)-blkcache_set_blksize(&blkio_of(ch)->cache, (uint32_t)blksize);
  if (err == 0)
    ch->block_size = blksize;
  return err;
}

/* A byte count (count < 0) read through whole blocks. */
static errcode_t read_bytes(struct blkio *b, unsigned long long blk, size_t len, void *data) {
  uint32_t bs = b->cache.blksize;
  size_t nblk = (len + bs - 1) / bs;
  void *tmp;
  errcode_t err = ext2fs_get_mem(nblk * bs, &tmp);
  if (err != 0)
    return err;
  err = (errcode_t)-blkcache_read(&b->cache, blk, nblk, tmp);
  if (err == 0)
    memcpy(data, tmp, len);
  ext2fs_free_mem(&tmp);
  return err;
}

static errcode_t blkio_read_blk64(io_channel ch, unsigned long long blk, int count, void *data) {
  struct blkio *b = blkio_of(ch);
  if (count < 0)
    return read_bytes(b, blk, (size_t) - (long)count, data);
  return (errcode_t)-blkcache_read(&b->cache, blk, (size_t)count, data);
}

static errcode_t blkio_write_blk64(io_channel ch, unsigned long long blk, int count,
                                   const void *data) {
  struct blkio *b = blkio_of(ch);
  if (!b->writable)
    return EROFS;
  if (count < 0)
    return (errcode_t)-blkcache_write_bytes(&b->cache, blk * b->cache.blksize,
                                            (size_t) - (long)count, data);
  return (errcode_t)-blkcache_write(&b->cache, blk, (size_t)count, data);
}

errcode_t blkio_read_runs(io_channel ch, const struct blkcache_run *runs, size_t n) {
  return (errcode_t)-blkcache_read_runs(&blkio_of(ch)->cache, runs, n);
}

errcode_t blkio_plan_runs(io_channel ch, const struct blkcache_run *runs, size_t n,
                          struct blkdev_req **reqs, size_t *nreqs) {
  return (errcode_t)-blkcache_plan_runs(&blkio_of(ch)->cache, runs, n, reqs, nreqs);
}

static errcode_t blkio_read_blk(io_channel ch, unsigned long blk, int count, void *data) {
  return blkio_read_blk64(ch, blk, count, data);
}

static errcode_t blkio_write_blk(io_channel ch, unsigned long blk, int count, const void *data) {
  return blkio_write_blk64(ch, blk, count, data);
}

/* Lets closefs update the superblock in place instead of switching the block size to 1024 (which
 * would write back and empty the cache at every sync). */
static errcode_t blkio_write_byte(io_channel ch, unsigned long offset, int count,
                                  const void *data) {
  struct blkio *b = blkio_of(ch);
  if (!b->writable)
    return EROFS;
  if (count < 0)
    return EXT2_ET_INVALID_ARGUMENT;
  return (errcode_t)-blkcache_write_bytes(&b->cache, offset, (size_t)count, data);
}

static errcode_t blkio_flush(io_channel ch) {
  struct blkio *b = blkio_of(ch);
  return b->writable ? (errcode_t)-blkcache_sync(&b->cache, true) : 0;
}

static errcode_t blkio_set_option(io_channel ch, const char *option, const char *arg) {
  (void)ch;
  (void)option;
  (void)arg;
  return EXT2_ET_INVALID_ARGUMENT;
}

static errcode_t blkio_get_stats(io_channel ch, io_stats *out) {
  static struct struct_io_stats stats;
  struct blkio *b = blkio_of(ch);
  stats.num_fields = 2;
  stats.bytes_read = b->cache.bytes_read;
  stats.bytes_written = b->cache.bytes_written;
  *out = &stats;
  return 0;
}

static struct struct_io_manager blkio_struct = {
    .magic = EXT2_ET_MAGIC_IO_MANAGER,
    .name = "unikvm block device",
    .open = blkio_open,
    .close = blkio_close,
    .set_blksize = blkio_set_blksize,
    .read_blk = blkio_read_blk,
    .write_blk = blkio_write_blk,
    .flush = blkio_flush,
    .write_byte = blkio_write_byte,
    .set_option = blkio_set_option,
    .get_stats = blkio_get_stats,
    .read_blk64 = blkio_read_blk64,
    .write_blk64 = blkio_write_blk64,
};

io_manager blkio_manager = &blkio_struct;
