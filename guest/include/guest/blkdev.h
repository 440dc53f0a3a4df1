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

/*
 * Asynchronous reads: the device fills the buffers while the caller works
 * on, so a program that streams a file overlaps its reading with its work
 * (on hvt the host reads on a thread of its own, on its other core). One
 * VM exit posts up to BLKDEV_ASYNC_MAX reads; finding out that one
 * completed costs no exit. Each read has a record, which the device
 * completes in place: it must stay where it is until the read completed.
 * Where the device cannot (virtio, an older host), a post reads at once.
 */
struct blkdev_async {
  _Alignas(8) unsigned char dev[32]; /* the platform's request, as the device sees it */
};

#define BLKDEV_ASYNC_MAX 256u

/*
 * Posts reqs[0..count) (reads, count <= BLKDEV_ASYNC_MAX) in one exit;
 * recs[i] tracks reqs[i]. 0, or -errno when nothing was posted.
 */
int blkdev_post_reads(struct blkdev_async *recs, const struct blkdev_req *reqs, size_t count);

/* 1 while the read is in flight, then its result: 0 or -errno. Never exits. */
int blkdev_async_poll(const struct blkdev_async *rec);

/* Its result, once the read completed: polls a short while, then asks the device (an exit). */
int blkdev_async_wait(struct blkdev_async *rec);

/* One request each: 0 or -errno. */
int blkdev_read(uint64_t sector, void *buf, size_t len);
int blkdev_write(uint64_t sector, const void *buf, size_t len);
int blkdev_flush(void);

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
