/* virtio_blk.c: the block device on the virtio platform: a legacy virtio-blk device, polled. */
#include <guest/blkdev.h>
#include <guest/panic.h>
#include <stdlib.h>
#include <string.h>
#include <unikvm/abi.h>

#include "virtio_io.h"
#include "virtio_platform.h"
#include "virtio_ring.h"

#define BLK_F_RO        (1u << 5)
#define BLK_F_FLUSH     (1u << 9)
#define BLK_T_IN        0u
#define BLK_T_OUT       1u
#define BLK_T_FLUSH     4u
#define BLK_S_OK        0u
#define BLK_S_UNSUPP    2u
#define BLK_SECTOR      512u /* virtio-blk counts in 512-byte sectors whatever the block size */
#define BLK_SLOTS_MAX   64u
#define BLK_STATUS_NONE 0xffu

/* One request in flight: three descriptors (header, data, status) at 3 * slot. */
struct blk_slot {
  struct {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
  } hdr;
  volatile uint8_t status;
  struct blkdev_req *req; /* NULL: free */
};

static uint16_t iobase;
static uint32_t features;
static struct blkdev_info info;
static struct virtq q;
static struct blk_slot *slots;
static unsigned nslots, inflight;

void virtio_blk_probe(uint16_t base) {
  if (base == 0)
    return;
  features = virtio_reset(base) & (BLK_F_RO | BLK_F_FLUSH | VIRTIO_F_ANY_LAYOUT);
  virtio_set_features(base, features);
  uint64_t lo = io_in32(base + VIRTIO_REG_CONFIG), hi = io_in32(base + VIRTIO_REG_CONFIG + 4);
  info.sectors = hi << 32 | lo;
  info.sector_size = BLK_SECTOR;
  info.readonly = (features & BLK_F_RO) != 0;
  iobase = base;
}

const struct blkdev_info *blkdev_info(void) {
  return iobase != 0 ? &info : NULL;
}

static bool blk_ready(void) {
  if (iobase == 0 || slots != NULL)
    return iobase != 0;
  if (!virtq_init(&q, iobase, 0))
    guest_panic("virtio-blk: the device has no request queue");
  nslots = q.size / 3u < BLK_SLOTS_MAX ? q.size / 3u : BLK_SLOTS_MAX;
  slots = calloc(nslots, sizeof(*slots));
  if (slots == NULL)
    guest_panic("virtio-blk: no memory for %u requests", nslots);
  virtio_driver_ok(iobase);
  return true;
}

/* The checks unikvm's host makes, so that both platforms fail a request the same way. */
static int check(const struct blkdev_req *r) {
  if (r->op == BLKDEV_FLUSH)
    return 0;
  if (r->op != BLKDEV_READ && r->op != BLKDEV_WRITE)
    return -UNIKVM_EINVAL;
  if (r->len == 0 || r->len % BLK_SECTOR || r->len > UINT32_MAX || r->sector > info.sectors ||
      r->len / BLK_SECTOR > info.sectors - r->sector)
    return -UNIKVM_EINVAL;
  if (r->op == BLKDEV_WRITE && info.readonly)
    return -UNIKVM_EROFS;
  return 0;
}

static void complete(void) {
  uint32_t head, len;
  while (virtq_pop(&q, &head, &len)) {
    struct blk_slot *s = &slots[head / 3u];
    if (head % 3u || head / 3u >= nslots || s->req == NULL)
      guest_panic("virtio-blk: the device completed an unknown request %u", head);
    s->req->ret = s->status == BLK_S_OK       ? 0
                  : s->status == BLK_S_UNSUPP ? -UNIKVM_EINVAL
                                              : -UNIKVM_EIO;
    s->req = NULL;
    inflight--;
  }
}

static bool all_done(void) {
  complete();
  return inflight == 0;
}

static void drain(void) {
  virtq_kick(&q);
  virtio_wait_until(UINT64_MAX, all_done);
}

static void start(struct blk_slot *s, uint16_t head, struct blkdev_req *r) {
  static const uint32_t types[] = {
      [BLKDEV_READ] = BLK_T_IN, [BLKDEV_WRITE] = BLK_T_OUT, [BLKDEV_FLUSH] = BLK_T_FLUSH};
  s->hdr.type = types[r->op];
  s->hdr.reserved = 0;
  s->hdr.sector = r->op == BLKDEV_FLUSH ? 0 : r->sector;
  s->status = BLK_STATUS_NONE;
  s->req = r;
  q.desc[head] = (struct vring_desc){(uint64_t)(uintptr_t)&s->hdr, sizeof(s->hdr),
                                     VRING_DESC_F_NEXT, (uint16_t)(head + 1)};
  uint16_t st = head + 1;
  if (r->op != BLKDEV_FLUSH) {
    uint16_t dir = r->op == BLKDEV_READ ? VRING_DESC_F_WRITE : 0;
    q.desc[head + 1] =
        (struct vring_desc){(uint64_t)(uintptr_t)r->buf, (uint32_t)r->len,
                            (uint16_t)(dir | VRING_DESC_F_NEXT), (uint16_t)(head + 2)};
    st = head + 2;
  }
  q.desc[st] = (struct vring_desc){(uint64_t)(uintptr_t)&s->status, 1, VRING_DESC_F_WRITE, 0};
  virtq_push(&q, head);
  inflight++;
}

/* Two requests conflict when they touch a common sector and one of them writes. */
static bool conflicts(const struct blkdev_req *r) {
  for (unsigned i = 0; i < nslots; i++) {
    const struct blkdev_req *o = slots[i].req;
    if (o != NULL && (o->op == BLKDEV_WRITE || r->op == BLKDEV_WRITE) &&
        r->sector < o->sector + o->len / BLK_SECTOR && o->sector < r->sector + r->len / BLK_SECTOR)
      return true;
  }
  return false;
}

/*
 * The device may complete requests out of order, so a request waits for
 * those before it that it could observe: a flush for everything, a read or
 * write for overlapping writes. Independent requests go out together.
 */
int blkdev_submit(struct blkdev_req *reqs, size_t count) {
  if (!blk_ready()) {
    for (size_t i = 0; i < count; i++)
      reqs[i].ret = -UNIKVM_EIO;
    return count ? -UNIKVM_EIO : 0;
  }
  for (size_t i = 0; i < count; i++) {
    struct blkdev_req *r = &reqs[i];
    if ((r->ret = check(r)) != 0)
      continue;
    if (r->op == BLKDEV_FLUSH && !(features & BLK_F_FLUSH))
      continue; /* no volatile cache to flush: writes are already durable */
    if (inflight == nslots || (inflight && (r->op == BLKDEV_FLUSH || conflicts(r))))
      drain();
    unsigned s = 0;
    while (slots[s].req != NULL)
      s++;
    start(&slots[s], (uint16_t)(3u * s), r);
  }
  if (inflight)
    drain();
  for (size_t i = 0; i < count; i++)
    if (reqs[i].ret)
      return reqs[i].ret;
  return 0;
}

/* Asynchronous reads: the device is polled, so a post reads at once and records the result. */
int blkdev_post_reads(struct blkdev_async *recs, const struct blkdev_req *reqs, size_t count) {
  static struct blkdev_req batch[BLKDEV_ASYNC_MAX]; /* submission never switches threads */
  if (count > BLKDEV_ASYNC_MAX)
    return -UNIKVM_EINVAL;
  memcpy(batch, reqs, count * sizeof(*reqs));
  blkdev_submit(batch, count);
  for (size_t i = 0; i < count; i++)
    memcpy(recs[i].dev, &batch[i].ret, sizeof(batch[i].ret));
  return 0;
}

int blkdev_async_poll(const struct blkdev_async *rec) {
  int ret;
  memcpy(&ret, rec->dev, sizeof(ret));
  return ret;
}

int blkdev_async_wait(struct blkdev_async *rec) {
  return blkdev_async_poll(rec);
}
