/* blkdev_file.c: /dev/blk0, the raw disk as a file: any offset and length, fsync = device flush. */
#include "port.h"
#include "vfs.h"
#include <fcntl.h>
#include <guest/blkdev.h>
#include <guest/blkdev_stream.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/*
 * Sector-aligned transfers from a sector-aligned buffer go to the host as
 * they are: small ones through the block device's queue, so that the
 * requests of several threads share one exit and are in flight together
 * (queue depth), larger ones in one exit of their own, split into requests
 * of at most DIRECT_REQ_MAX (4 MiB: on a file in the host's page cache one
 * 4 MiB pread beat four kernel-AIO reads of 1 MiB, sha256sum of 1 GiB 1.01x
 * against 1.045x native, medians of 10 interleaved runs). Anything else goes
 * through a bounce buffer, reading the partial sectors at either end first
 * when writing. The file system caches blocks of its own: writing here while
 * it is mounted is as unwise as writing to a mounted disk on Linux.
 */
#define BOUNCE_SIZE    (64u * 1024)
#define DIRECT_REQ_MAX (4u << 20)

/*
 * A read() that continues the previous one (or starts at 0) is served from
 * the read-ahead stream (guest/blkdev_stream.c): chunks of the disk that
 * the host fills on its own thread while the program works, one VM exit per
 * chunk instead of one per read, as the page cache's read-ahead does for a
 * raw disk on Linux. Other reads go to the disk as they are (a random 4 KiB
 * read stays 4 KiB), as do large aligned reads: from DIRECT_READ_MIN up, an
 * exit costs less than the stream's copy out of a chunk (28 us against about
 * 65 us per MiB), and the host's copy into the caller's buffer is the only
 * one, as on Linux. Writes drop what the stream holds.
 */
#define DIRECT_READ_MIN (1u << 20)

struct blk_file {
  struct port_file file;
  off_t pos;
  struct blkdev_stream ra;
  bool ra_ready;      /* ra initialised */
  uint64_t ra_writes; /* write_generation when ra was last dropped */
};

static uint64_t disk_bytes(const struct blkdev_info *info) {
  return info->sectors * info->sector_size;
}

/*
 * Bumped by every write to the disk, whatever its file: a read-ahead buffer
 * filled before a write may hold what the write replaced. Bumped again when
 * the write is done, since a queued write lets other threads run (and read)
 * while it waits.
 */
static uint64_t write_generation;

/* One batch of requests of up to DIRECT_REQ_MAX bytes each. */
static int direct_io(enum blkdev_op op, uint64_t sector, uint8_t *buf, size_t len, uint32_t ssize) {
  if (len <= BLKDEV_QUEUED_MAX)
    return blkdev_queued_io(op, sector, buf, len);
  size_t n = (len + DIRECT_REQ_MAX - 1) / DIRECT_REQ_MAX;
  struct blkdev_req *reqs = malloc(n * sizeof(*reqs));
  if (reqs == NULL)
    return -ENOMEM;
  for (size_t i = 0; i < n; i++) {
    size_t off = i * DIRECT_REQ_MAX;
    size_t part = len - off < DIRECT_REQ_MAX ? len - off : DIRECT_REQ_MAX;
    reqs[i] = (struct blkdev_req){op, sector + off / ssize, buf + off, part, 0};
  }
  int err = blkdev_submit(reqs, n);
  free(reqs);
  return err;
}

/* Whether the transfer can skip the bounce buffer. */
static bool aligned(const void *buf, uint64_t off, size_t len, uint32_t ssize) {
  return (uintptr_t)buf % ssize == 0 && off % ssize == 0 && len % ssize == 0;
}

/* Moves one piece of at most BOUNCE_SIZE bytes through the bounce buffer. */
static int bounce_io(bool write, uint8_t *bounce, uint64_t off, uint8_t *buf, size_t len,
                     uint32_t ssize) {
  uint64_t first = off / ssize, last = (off + len - 1) / ssize;
  size_t in = (size_t)(off % ssize), span = (size_t)(last - first + 1) * ssize;
  int err = 0;
  if (!write) {
    err = blkdev_read(first, bounce, span);
    if (err == 0)
      memcpy(buf, bounce + in, len);
    return err;
  }
  /* The sectors at either end keep the bytes this write does not cover. */
  if (in != 0)
    err = blkdev_read(first, bounce, ssize);
  if (err == 0 && (off + len) % ssize != 0 && (last != first || in == 0))
    err = blkdev_read(last, bounce + span - ssize, ssize);
  if (err == 0) {
    memcpy(bounce + in, buf, len);
    err = blkdev_write(first, bounce, span);
  }
  return err;
}

/* Moves len bytes at offset between the disk and buf (clipped at the disk's end). */
static ssize_t blk_transfer(bool write, uint8_t *buf, size_t len, off_t offset) {
  const struct blkdev_info *info = blkdev_info();
  uint64_t size = disk_bytes(info), off = (uint64_t)offset;
  if (offset < 0)
    return -EINVAL;
  if (off >= size || len == 0)
    return write && len > 0 ? -ENOSPC : 0;
  if (len > size - off)
    len = (size_t)(size - off);
  uint32_t ssize = info->sector_size;
  if (aligned(buf, off, len, ssize)) {
    int err = direct_io(write ? BLKDEV_WRITE : BLKDEV_READ, off / ssize, buf, len, ssize);
    return err != 0 ? err : (ssize_t)len;
  }
  uint8_t *bounce = memalign(ssize, BOUNCE_SIZE + ssize);
  if (bounce == NULL)
    return -ENOMEM;
  size_t done = 0;
  int err = 0;
  while (done < len && err == 0) {
    size_t n = len - done < BOUNCE_SIZE ? len - done : BOUNCE_SIZE;
    err = bounce_io(write, bounce, off + done, buf + done, n, ssize);
    if (err == 0)
      done += n;
  }
  free(bounce);
  return done > 0 ? (ssize_t)done : err;
}

static ssize_t blk_io(bool write, uint8_t *buf, size_t len, off_t offset) {
  if (write)
    write_generation++;
  ssize_t n = blk_transfer(write, buf, len, offset);
  if (write)
    write_generation++;
  return n;
}

static ssize_t blk_pread(struct port_file *f, void *buf, size_t len, off_t off) {
  (void)f;
  return blk_io(false, buf, len, off);
}

static ssize_t blk_pwrite(struct port_file *f, const void *buf, size_t len, off_t off) {
  (void)f;
  return blk_io(true, (uint8_t *)buf, len, off);
}

/* The disk as a stream: [off, off + len) in requests of at most STREAM_REQ_MAX bytes, so that
 * the first part of a chunk can be read while the host still fills the rest. */
#define STREAM_REQ_MAX (1u << 20)
static int map_disk(void *ctx, uint64_t off, size_t len, uint8_t *buf, struct blkdev_req *reqs,
                    size_t max, size_t *mapped) {
  (void)ctx;
  uint32_t ssize = blkdev_info()->sector_size;
  size_t n = 0, at = 0;
  for (; at < len && n < max; at += STREAM_REQ_MAX) {
    size_t part = len - at < STREAM_REQ_MAX ? len - at : STREAM_REQ_MAX;
    reqs[n++] = (struct blkdev_req){BLKDEV_READ, (off + at) / ssize, buf + at, part, 0};
  }
  *mapped = at < len ? at : len;
  return (int)n;
}

static ssize_t blk_read(struct port_file *f, void *buf, size_t len) {
  struct blk_file *b = f->priv;
  const struct blkdev_info *info = blkdev_info();
  ssize_t n = -EAGAIN;
  if (!b->ra_ready) {
    blkdev_stream_init(&b->ra, disk_bytes(info), info->sector_size, map_disk, NULL);
    b->ra_ready = true;
    b->ra_writes = write_generation;
  }
  if (b->ra_writes != write_generation) {
    blkdev_stream_drop(&b->ra, disk_bytes(info));
    b->ra_writes = write_generation;
  }
  bool large = len >= DIRECT_READ_MIN && aligned(buf, (uint64_t)b->pos, len, info->sector_size);
  if (!large && !(f->flags & O_DIRECT))
    n = blkdev_stream_read(&b->ra, buf, len, (uint64_t)b->pos);
  if (n == -EAGAIN) {
    n = blk_io(false, buf, len, b->pos);
    b->ra.next = (uint64_t)b->pos + (n > 0 ? (uint64_t)n : 0); /* the next read continues it */
  }
  if (n > 0)
    b->pos += n;
  return n;
}

static ssize_t blk_write(struct port_file *f, const void *buf, size_t len) {
  struct blk_file *b = f->priv;
  ssize_t n = blk_io(true, (uint8_t *)buf, len, b->pos);
  if (n > 0)
    b->pos += n;
  return n;
}

static off_t blk_lseek(struct port_file *f, off_t off, int whence) {
  struct blk_file *b = f->priv;
  off_t base = whence == SEEK_SET   ? 0
               : whence == SEEK_CUR ? b->pos
               : whence == SEEK_END ? (off_t)disk_bytes(blkdev_info())
                                    : -1;
  if (base < 0 || base + off < 0)
    return -EINVAL;
  b->pos = base + off;
  return b->pos;
}

static int blk_fstat(struct port_file *f, struct stat *st) {
  (void)f;
  memset(st, 0, sizeof(*st));
  st->st_mode = S_IFBLK | 0660;
  st->st_nlink = 1;
  st->st_size = (off_t)disk_bytes(blkdev_info());
  st->st_blksize = 4096;
  st->st_blocks = st->st_size / 512;
  return 0;
}

static int blk_fsync(struct port_file *f) {
  (void)f;
  return blkdev_flush();
}

static void blk_release(struct port_file *f) {
  struct blk_file *b = f->priv;
  if (b->ra_ready)
    blkdev_stream_free(&b->ra);
  free(b);
}

static const struct port_file_ops blk_ops = {
    .read = blk_read,
    .write = blk_write,
    .fstat = blk_fstat,
    .release = blk_release,
    .lseek = blk_lseek,
    .pread = blk_pread,
    .pwrite = blk_pwrite,
    .fsync = blk_fsync,
};

int vfs_blkdev_open(int flags, struct port_file **out) {
  const struct blkdev_info *info = blkdev_info();
  if (info == NULL)
    return -ENOENT;
  if ((flags & O_CREAT) && (flags & O_EXCL))
    return -EEXIST;
  if (flags & O_DIRECTORY)
    return -ENOTDIR;
  if ((flags & O_ACCMODE) != O_RDONLY && info->readonly)
    return -EROFS;
  struct blk_file *b = calloc(1, sizeof(*b));
  if (b == NULL)
    return -ENOMEM;
  b->file = (struct port_file){&blk_ops, 1, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK), b};
  *out = &b->file;
  return 0;
}
