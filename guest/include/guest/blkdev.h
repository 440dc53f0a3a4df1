/* blkdev.h: the guest's one block device, the same interface on every platform. */
#ifndef GUEST_BLKDEV_H
#define GUEST_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blkdev_info {
  uint64_t sectors;
  uint32_t sector_size;
  bool readonly;
};

/* The device's geometry, or NULL when the VM has no disk. */
const struct blkdev_info *blkdev_info(void);

enum blkdev_op { BLKDEV_READ, BLKDEV_WRITE, BLKDEV_FLUSH };

/* One request: whole sectors; buf must stay valid until blkdev_submit returns. */
struct blkdev_req {
  enum blkdev_op op;
  uint64_t sector;
  void *buf;
  size_t len; /* bytes, a multiple of sector_size; 0 for FLUSH */
  int ret;    /* out: 0 or -errno (EINVAL, EIO, EROFS) */
};

/*
 * Runs the requests in order, as few VM exits as the batch limit allows
 * (one for up to 256), and returns 0 or the first request's error. A
 * FLUSH makes everything before it durable.
 */
int blkdev_submit(struct blkdev_req *reqs, size_t count);

/* One request each: 0 or -errno. */
int blkdev_read(uint64_t sector, void *buf, size_t len);
int blkdev_write(uint64_t sector, const void *buf, size_t len);
int blkdev_flush(void);

/*
 * memcpy for disk data moving between the block layer's buffers and a
 * caller's: the destination ends up in the cache. newlib's x86_64 memcpy
 * writes anything from 256 bytes up with non-temporal stores, which send
 * it past the cache to memory, so a program that reads a file and then
 * processes what it read (sha256sum) would fetch it all back from memory;
 * measured in the guest, 128 KiB copies take 0.16 s per GiB that way
 * against 0.09 s here.
 */
void blkdev_copy(void *dst, const void *src, size_t n);

/* The largest request blkdev_queued_io queues (it copies the data). */
#define BLKDEV_QUEUED_MAX (64u * 1024)

/*
 * One request for the calling thread that the requests of other threads
 * join: it waits while every other runnable thread runs once, and the
 * requests they queued meanwhile go to the device with it in one batch (one
 * VM exit, or sooner when the queue is full). So N threads with a blocking
 * request each keep N requests in flight, as they would on Linux. buf may
 * be anywhere, a forked child's stack included (the data is copied); a
 * request larger than BLKDEV_QUEUED_MAX runs at once on its own. Requests of
 * different threads may complete in any order, as on a real device; a
 * thread's own run in order. 0 or -errno.
 */
int blkdev_queued_io(enum blkdev_op op, uint64_t sector, void *buf, size_t len);

#endif
