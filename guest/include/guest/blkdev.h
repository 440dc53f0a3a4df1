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

#endif
