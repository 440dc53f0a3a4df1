/* extfs_readahead.c: read-ahead per open file: sequential reads are served from chunks of the
 * file that the disk fills asynchronously (guest/blkdev_stream.c). */
#include "extfs_int.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * A program that reads a file in pieces (sha256sum: 128 KiB at a time)
 * would otherwise cost a VM exit per piece, plus libext2fs's mapping per
 * piece. Like the page cache's read-ahead on Linux, a read that starts
 * where the previous one ended (or at 0) is served from chunks of the file,
 * each mapped to as few disk requests as its extents allow and posted in
 * one exit; the host reads the next chunk while the program works on this
 * one. Small random reads leave the chunks alone and go their usual way. A
 * write or truncate of the file drops the chunks of every open file of that
 * inode (extfs_node_written). Blocks newer in the block cache than on the
 * disk are copied from there when a chunk is mapped; the chunks are
 * dropped before the cache could take newer ones (a write of the file).
 */

/* Maps the file's blocks at off into disk reads (blkdev_stream_map_fn). */
static int map_file(void *ctx, uint64_t off, size_t len, uint8_t *buf, struct blkdev_req *reqs,
                    size_t max, size_t *mapped) {
  struct extfs_ra *ra = ctx;
  uint32_t bs = extfs_fs->blocksize;
  struct blkdev_req *planned;
  size_t n;
  int err = extfs_plan_blocks(ra->ino, ra->inode, off / bs, len / bs, buf, &planned, &n);
  if (err != 0)
    return err;
  *mapped = len;
  if (n > max) {
    /* Fragmented: the chunk ends where its last request does (what lies before is mapped). */
    *mapped = (size_t)((uint8_t *)planned[max - 1].buf + planned[max - 1].len - buf);
    n = max;
  }
  memcpy(reqs, planned, n * sizeof(*reqs));
  free(planned);
  return (int)n;
}

void extfs_ra_drop(struct extfs_ra *ra) {
  if (ra->ready)
    blkdev_stream_drop(&ra->stream, 0); /* the size is set again by the next read */
}

void extfs_ra_free(struct extfs_ra *ra) {
  if (ra->ready)
    blkdev_stream_free(&ra->stream);
  ra->ready = false;
}

ssize_t extfs_ra_read(struct extfs_ra *ra, ext2_ino_t ino, struct ext2_inode_large *inode,
                      void *buf, size_t len, uint64_t off) {
  uint64_t size = EXT2_I_SIZE(inode);
  if (!ra->ready) {
    blkdev_stream_init(&ra->stream, size, extfs_fs->blocksize, map_file, ra);
    ra->ready = true;
  }
  if (ra->stream.size != size)
    blkdev_stream_drop(&ra->stream, size);
  ra->ino = ino;
  ra->inode = inode;
  ssize_t n = blkdev_stream_read(&ra->stream, buf, len, off);
  ra->inode = NULL;
  return n;
}
