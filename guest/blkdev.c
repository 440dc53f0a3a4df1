/* blkdev.c: the platform-independent part of the block device: single requests, and the queue
 * that lets the requests of many threads share one VM exit. */
#include <guest/alloc.h>
#include <guest/blkdev.h>
#include <guest/sched.h>
#include <string.h>

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

/*
 * The queue. Threads are cooperative, so a thread that blocked in a VM
 * exit would keep every other thread from issuing its request: the device
 * would only ever see one request at a time. Instead a request waits here
 * while the other runnable threads run once (and queue theirs), then they
 * all go out in one exit, which the host runs in parallel.
 *
 * Queued data lives in a record on the heap, never on the caller's stack:
 * a forked child's stack is swapped out while it waits, and whichever
 * thread submits the queue must still see the bytes.
 */
#define QUEUE_MAX 256

struct queued {
  struct blkdev_req req; /* req.buf points into data, sector-aligned */
  bool done;
  uint8_t data[];
};

static struct queued *queue[QUEUE_MAX];
static size_t queued;
static struct blkdev_req batch[QUEUE_MAX]; /* not on a stack: submission never switches */

/* Sends the whole queue in one batch. */
static void submit_queue(void) {
  size_t n = queued;
  for (size_t i = 0; i < n; i++)
    batch[i] = queue[i]->req;
  queued = 0;
  blkdev_submit(batch, n);
  for (size_t i = 0; i < n; i++) {
    queue[i]->req.ret = batch[i].ret;
    queue[i]->done = true;
  }
}

/*
 * Every queued thread yields once; the first whose yield returns with its
 * request still queued sends the queue, by then holding the requests of
 * every thread that ran meanwhile. No thread has a role the others rely
 * on, so a thread killed while it waits (its process exited) holds nobody
 * up; its record is then never freed, a leak only.
 */
int blkdev_queued_io(enum blkdev_op op, uint64_t sector, void *buf, size_t len) {
  const struct blkdev_info *info = blkdev_info();
  if (info == NULL || len > BLKDEV_QUEUED_MAX)
    return one(op, sector, buf, len);
  size_t align = info->sector_size;
  struct queued *q = guest_alloc(sizeof(*q) + len + align);
  if (q == NULL)
    return one(op, sector, buf, len); /* no memory for a copy: on its own, at once */
  uint8_t *data = (uint8_t *)(((uintptr_t)q->data + align - 1) & ~(uintptr_t)(align - 1));
  q->req = (struct blkdev_req){.op = op, .sector = sector, .buf = data, .len = len};
  q->done = false;
  if (op == BLKDEV_WRITE)
    memcpy(data, buf, len);
  queue[queued++] = q;
  if (queued < QUEUE_MAX)
    guest_yield();
  if (!q->done)
    submit_queue();
  int ret = q->req.ret;
  if (op == BLKDEV_READ && ret == 0)
    memcpy(buf, data, len); /* the caller's stack is its own again */
  guest_free(q);
  return ret;
}
