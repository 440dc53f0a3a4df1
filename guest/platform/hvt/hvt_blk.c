/* hvt_blk.c: the block device on hvt: batches of requests through the BLK_IO hypercall. */
#include <guest/blkdev.h>
#include <guest/clock.h>
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

/* ---- asynchronous reads: the host's read thread fills the buffers ------------------------ */

_Static_assert(sizeof(struct unikvm_blk_req) <= sizeof(((struct blkdev_async *)0)->dev),
               "a blkdev_async record holds the host's request");
_Static_assert(BLKDEV_ASYNC_MAX <= UNIKVM_BLK_BATCH_MAX, "one post is one batch");

/* Set once the host refused READ_ASYNC (an older host): posts then fail without an exit. */
static bool async_refused;

static struct unikvm_blk_req *host_req(const struct blkdev_async *rec) {
  return (struct unikvm_blk_req *)(uintptr_t)rec->dev;
}

int blkdev_post_reads(struct blkdev_async *recs, const struct blkdev_req *reqs, size_t count) {
  if (!present || async_refused)
    return -UNIKVM_EINVAL;
  if (count == 0 || count > BLKDEV_ASYNC_MAX)
    return count == 0 ? 0 : -UNIKVM_EINVAL;
  for (size_t i = 0; i < count; i++)
    *host_req(&recs[i]) = (struct unikvm_blk_req){
        .sector = reqs[i].sector,
        .data = (uint64_t)(uintptr_t)reqs[i].buf,
        .len = (uint32_t)reqs[i].len,
        .op = UNIKVM_BLK_READ_ASYNC,
        .ret = -UNIKVM_EIO, /* stays if the host does not take it */
    };
  /* The records are the batch: the host completes each in place. */
  struct unikvm_hc_blk_io arg = {.reqs = (uint64_t)(uintptr_t)host_req(recs),
                                 .count = (uint32_t)count};
  hvt_hypercall(UNIKVM_HC_BLK_IO, &arg);
  size_t refused = 0;
  for (size_t i = 0; i < count; i++)
    refused += __atomic_load_n(&host_req(&recs[i])->ret, __ATOMIC_ACQUIRE) == -UNIKVM_EINVAL;
  if (refused == count) {
    async_refused = true; /* an older host: the caller reads them the usual way */
    return -UNIKVM_EINVAL;
  }
  return 0;
}

int blkdev_async_poll(const struct blkdev_async *rec) {
  int64_t ret = __atomic_load_n(&host_req(rec)->ret, __ATOMIC_ACQUIRE);
  return ret == UNIKVM_BLK_PENDING ? 1 : (int)ret;
}

/*
 * The host's thread copies a MiB in about 0.1 ms when it runs: a read still
 * pending is mostly one being copied right now, so polling a while is
 * cheaper than the exit of a WAIT (~28 us), in which the host runs queued
 * reads itself, or waits for the one in progress.
 */
#define ASYNC_SPIN_NS 200000u

int blkdev_async_wait(struct blkdev_async *rec) {
  int ret = blkdev_async_poll(rec);
  if (ret != 1)
    return ret;
  uint64_t deadline = guest_clock_monotonic_ns() + ASYNC_SPIN_NS;
  while ((ret = blkdev_async_poll(rec)) == 1 && guest_clock_monotonic_ns() < deadline)
    __builtin_ia32_pause();
  if (ret != 1)
    return ret;
  static struct unikvm_blk_req wait;
  wait = (struct unikvm_blk_req){.data = (uint64_t)(uintptr_t)host_req(rec), .op = UNIKVM_BLK_WAIT};
  struct unikvm_hc_blk_io arg = {.reqs = (uint64_t)(uintptr_t)&wait, .count = 1};
  hvt_hypercall(UNIKVM_HC_BLK_IO, &arg);
  ret = blkdev_async_poll(rec);
  return ret == 1 ? -UNIKVM_EIO : ret; /* the host completes it before WAIT returns */
}
