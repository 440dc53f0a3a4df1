/* hvt_blk.c: the block device on hvt: batches of requests through the BLK_IO hypercall. */
#include <guest/blkdev.h>
#include <string.h>

#include "hvt_hypercall.h"
#include "hvt_platform.h"

static struct blkdev_info info;
static bool present;

void hvt_blk_init(const struct unikvm_boot_info *bi) {
  present = bi->blk_sectors != 0 && bi->blk_sector_size != 0;
  info.sectors = bi->blk_sectors;
  info.sector_size = bi->blk_sector_size;
  info.readonly = (bi->blk_flags & UNIKVM_BLK_READONLY) != 0;
}

const struct blkdev_info *blkdev_info(void) {
  return present ? &info : NULL;
}

static const uint32_t hvt_ops[] = {
    [BLKDEV_READ] = UNIKVM_BLK_READ,
    [BLKDEV_WRITE] = UNIKVM_BLK_WRITE,
    [BLKDEV_FLUSH] = UNIKVM_BLK_FLUSH,
};

/* One exit for up to UNIKVM_BLK_BATCH_MAX requests. The array is static (8 KiB would be a lot on
 * a small thread stack): an exit never switches threads, so no two submissions overlap. */
static void submit_batch(struct blkdev_req *reqs, size_t count) {
  static struct unikvm_blk_req hc[UNIKVM_BLK_BATCH_MAX];
  for (size_t i = 0; i < count; i++)
    hc[i] = (struct unikvm_blk_req){
        .sector = reqs[i].sector,
        .data = (uint64_t)(uintptr_t)reqs[i].buf,
        .len = (uint32_t)reqs[i].len,
        .op = hvt_ops[reqs[i].op],
        .ret = -UNIKVM_EIO, /* stays if the host does not run it */
    };
  struct unikvm_hc_blk_io arg = {.reqs = (uint64_t)(uintptr_t)hc, .count = (uint32_t)count};
  hvt_hypercall(UNIKVM_HC_BLK_IO, &arg);
  for (size_t i = 0; i < count; i++)
    reqs[i].ret = (int)hc[i].ret;
}

int blkdev_submit(struct blkdev_req *reqs, size_t count) {
  if (!present) {
    for (size_t i = 0; i < count; i++)
      reqs[i].ret = -UNIKVM_EIO;
    return count ? -UNIKVM_EIO : 0;
  }
  for (size_t done = 0; done < count;) {
    size_t n = count - done < UNIKVM_BLK_BATCH_MAX ? count - done : UNIKVM_BLK_BATCH_MAX;
    submit_batch(reqs + done, n);
    done += n;
  }
  for (size_t i = 0; i < count; i++)
    if (reqs[i].ret)
      return reqs[i].ret;
  return 0;
}
