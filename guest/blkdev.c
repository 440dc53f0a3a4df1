/* blkdev.c: single-request helpers over blkdev_submit, the same on every platform. */
#include <guest/blkdev.h>

static int one(enum blkdev_op op, uint64_t sector, void *buf, size_t len) {
  struct blkdev_req req = {.op = op, .sector = sector, .buf = buf, .len = len};
  return blkdev_submit(&req, 1);
}

int blkdev_read(uint64_t sector, void *buf, size_t len) {
  return one(BLKDEV_READ, sector, buf, len);
}

int blkdev_write(uint64_t sector, const void *buf, size_t len) {
  return one(BLKDEV_WRITE, sector, (void *)buf, len);
}

int blkdev_flush(void) {
  return one(BLKDEV_FLUSH, 0, NULL, 0);
}
