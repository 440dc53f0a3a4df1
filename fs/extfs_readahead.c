/* extfs_readahead.c: read-ahead per open file: sequential reads are served from a window that
 * one batch of disk requests filled. */
#include "extfs_int.h"
#include <errno.h>
#include <guest/blkdev.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/*
 * A program that reads a file in pieces (sha256sum: 128 KiB at a time)
 * would otherwise cost a VM exit per piece, plus libext2fs's mapping per
 * piece. Like the page cache's read-ahead on Linux, a read that starts
 * where the previous one ended (or at 0) fills a window of the file in
 * one batch (its extents mapped to as few requests as they are
 * contiguous), and the next reads are copied from it; the window doubles
 * with each sequential fill up to RA_MAX. Small random reads leave the
 * window alone and go their usual way. A write or truncate of the file drops
 * the windows of every open file of that inode (extfs_node_written).
 */
#define RA_MIN (256u << 10)
#define RA_MAX (2u << 20)

void extfs_ra_drop(struct extfs_ra *ra) {
  ra->len = 0;
}

void extfs_ra_free(struct extfs_ra *ra) {
  free(ra->buf);
  *ra = (struct extfs_ra){0};
}

/* Refills the window with the blocks from the one holding off; 0 or -errno (-EAGAIN: no window
 * for this file). */
static int fill(struct extfs_ra *ra, ext2_ino_t ino, struct ext2_inode_large *inode, uint64_t off,
                size_t want) {
  uint32_t bs = extfs_fs->blocksize;
  uint64_t size = EXT2_I_SIZE(inode), lblk = off / bs, end_blk = (size + bs - 1) / bs;
  size_t window = ra->window == 0 ? RA_MIN : ra->window * 2;
  while (window < want && window < RA_MAX)
    window *= 2;
  if (window > RA_MAX)
    window = RA_MAX;
  size_t count = window / bs;
  if (count == 0)
    count = 1;
  if (count > end_blk - lblk)
    count = (size_t)(end_blk - lblk);
  ra->len = 0;
  if (ra->cap < count * bs) {
    /* Room for the largest window at once (no larger than the file): growing it would move it
     * to memory the guest has not touched yet, which costs a fault per page. Sector-aligned, so
     * that the requests land in it directly. */
    size_t cap = end_blk - lblk > RA_MAX / bs ? RA_MAX : (size_t)(end_blk - lblk) * bs;
    free(ra->buf);
    ra->cap = 0;
    ra->buf = memalign(extfs_fs->io->align > 0 ? (size_t)extfs_fs->io->align : 512, cap);
    if (ra->buf == NULL)
      return -EAGAIN; /* no memory for a window: read the usual way */
    ra->cap = cap;
  }
  int err = extfs_read_blocks(ino, inode, lblk, count, ra->buf);
  if (err != 0)
    return err;
  ra->window = window;
  ra->off = lblk * bs;
  ra->len = count * bs;
  return 0;
}

ssize_t extfs_ra_read(struct extfs_ra *ra, ext2_ino_t ino, struct ext2_inode_large *inode,
                      void *buf, size_t len, uint64_t off) {
  bool sequential = off == ra->next || off == 0;
  bool hit = off >= ra->off && off < ra->off + ra->len;
  /* A large read costs about what a window does: it may as well fill one. */
  if (!hit && !sequential && len < RA_MIN) {
    ra->window = 0; /* random access: start small again when it turns sequential */
    return -EAGAIN;
  }
  size_t done = 0;
  while (done < len) {
    uint64_t at = off + done;
    if (!(at >= ra->off && at < ra->off + ra->len)) {
      int err = fill(ra, ino, inode, at, len - done);
      if (err != 0) {
        if (done > 0)
          break;
        return err;
      }
    }
    size_t avail = (size_t)(ra->off + ra->len - at), n = len - done < avail ? len - done : avail;
    blkdev_copy((uint8_t *)buf + done, ra->buf + (at - ra->off), n);
    done += n;
  }
  ra->next = off + done;
  return (ssize_t)done;
}
