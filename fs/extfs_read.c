/* extfs_read.c: large reads of files straight from the disk, all their runs of contiguous blocks in
 * one batch. */
#include "blkcache.h"
#include "blkio.h"
#include "extfs_int.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * ext2fs_file_read maps and copies one block at a time, through the block
 * cache. For whole blocks of a file, this maps extent by extent (or, for
 * an ext2/ext3 file, block by block through its block map) and reads
 * every run of contiguous blocks into the caller's buffer in one batch of
 * requests (one VM exit for up to 256 runs); blocks in the cache, which
 * may be newer than the disk, are copied from there.
 */

struct runs {
  struct blkcache_run *v;
  size_t n, cap;
};

static int runs_add(struct runs *r, uint64_t blk, size_t count, void *buf) {
  struct blkcache_run *last = r->n > 0 ? &r->v[r->n - 1] : NULL;
  uint32_t bs = extfs_fs->blocksize;
  if (last != NULL && last->blk + last->count == blk &&
      (uint8_t *)last->buf + last->count * bs == (uint8_t *)buf) {
    last->count += count; /* the next block on disk and in memory: one run */
    return 0;
  }
  if (r->n == r->cap) {
    size_t cap = r->cap != 0 ? r->cap * 2 : 16;
    struct blkcache_run *v = realloc(r->v, cap * sizeof(*v));
    if (v == NULL)
      return -ENOMEM;
    r->v = v;
    r->cap = cap;
  }
  r->v[r->n++] = (struct blkcache_run){blk, count, buf};
  return 0;
}

/* Maps [lblk, lblk + count) extent by extent: runs to read, zeros for holes and unwritten ones. */
static int map_blocks(ext2_extent_handle_t h, uint64_t lblk, size_t count, uint8_t *buf,
                      struct runs *r) {
  uint32_t bs = extfs_fs->blocksize;
  uint64_t cur = lblk, end = lblk + count;
  while (cur < end) {
    struct ext2fs_extent ex;
    uint8_t *p = buf + (cur - lblk) * bs;
    errcode_t e = ext2fs_extent_goto2(h, 0, cur);
    if (e == 0)
      e = ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &ex);
    if (e == EXT2_ET_EXTENT_NOT_FOUND ||
        (e == 0 && (ex.e_lblk > cur || ex.e_len == 0 || ex.e_lblk + ex.e_len <= cur))) {
      memset(p, 0, bs); /* a hole: a block at a time, they are rare in files read in bulk */
      cur++;
      continue;
    }
    if (e != 0)
      return extfs_errno(e);
    uint64_t stop = ex.e_lblk + ex.e_len < end ? ex.e_lblk + ex.e_len : end;
    size_t n = (size_t)(stop - cur);
    if (ex.e_flags & EXT2_EXTENT_FLAGS_UNINIT)
      memset(p, 0, n * bs);
    else if (runs_add(r, ex.e_pblk + (cur - ex.e_lblk), n, p) != 0)
      return -ENOMEM;
    cur = stop;
  }
  return 0;
}

/* The same through a block map (ext2/ext3 files): a block at a time, cheap next to an exit. */
static int map_block_map(ext2_ino_t ino, struct ext2_inode_large *inode, uint64_t lblk,
                         size_t count, uint8_t *buf, struct runs *r) {
  uint32_t bs = extfs_fs->blocksize;
  for (size_t i = 0; i < count; i++) {
    blk64_t pblk = 0;
    errcode_t e =
        ext2fs_bmap2(extfs_fs, ino, (struct ext2_inode *)inode, NULL, 0, lblk + i, NULL, &pblk);
    if (e != 0)
      return extfs_errno(e);
    if (pblk == 0)
      memset(buf + i * bs, 0, bs); /* a hole */
    else if (runs_add(r, pblk, 1, buf + i * bs) != 0)
      return -ENOMEM;
  }
  return 0;
}

/* Maps [lblk, lblk + count) of the file into runs reading into buf (holes zeroed now). */
static int map_runs(ext2_ino_t ino, struct ext2_inode_large *inode, uint64_t lblk, size_t count,
                    void *buf, struct runs *r) {
  if (inode->i_flags & EXT4_INLINE_DATA_FL)
    return -EAGAIN;
  if (!(inode->i_flags & EXT4_EXTENTS_FL))
    return map_block_map(ino, inode, lblk, count, buf, r);
  ext2_extent_handle_t h;
  errcode_t e = ext2fs_extent_open2(extfs_fs, ino, (struct ext2_inode *)inode, &h);
  if (e != 0)
    return extfs_errno(e);
  int err = map_blocks(h, lblk, count, buf, r);
  ext2fs_extent_free(h);
  return err;
}

int extfs_read_blocks(ext2_ino_t ino, struct ext2_inode_large *inode, uint64_t lblk, size_t count,
                      void *buf) {
  struct runs r = {0};
  int err = map_runs(ino, inode, lblk, count, buf, &r);
  if (err == 0)
    err = extfs_errno(blkio_read_runs(extfs_fs->io, r.v, r.n));
  free(r.v);
  return err;
}

int extfs_plan_blocks(ext2_ino_t ino, struct ext2_inode_large *inode, uint64_t lblk, size_t count,
                      void *buf, struct blkdev_req **reqs, size_t *nreqs) {
  struct runs r = {0};
  *reqs = NULL;
  *nreqs = 0;
  int err = map_runs(ino, inode, lblk, count, buf, &r);
  if (err == 0)
    err = extfs_errno(blkio_plan_runs(extfs_fs->io, r.v, r.n, reqs, nreqs));
  free(r.v);
  return err;
}
