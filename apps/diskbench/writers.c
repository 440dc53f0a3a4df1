/* writers.c: the queue depth as QDEPTH threads, each with one blocking pwrite in flight. */

/* Threads rather than POSIX AIO, which the guest lacks. Natively the kernel overlaps their writes;
 * in the guest the threads are cooperative, so the overlap is whatever the block driver batches. */
#include "writers.h"

#include "buffer.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* The shared state is behind one mutex, held only to take the next write and count writes in
 * flight, never across a pwrite: plain POSIX (the guest's newlib has no usable <stdatomic.h>), and
 * cheap next to a write. */
struct pool {
  int fd;
  uint64_t bs;
  const uint64_t *blocks;
  uint64_t count;
  const struct pattern *pat;
  pthread_mutex_t lock;
  uint64_t next; /* the next write to take: threads take them in sequence order */
  unsigned in_flight, max_in_flight;
  int err;
  uint64_t failed_block;
};

static int write_all(int fd, const char *buf, uint64_t len, uint64_t off) {
  while (len) {
    ssize_t n = pwrite(fd, buf, (size_t)len, (off_t)off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n < 0 ? errno : EIO;
    buf += n, off += (uint64_t)n, len -= (uint64_t)n;
  }
  return 0;
}

/* Ends the previous write if done, takes the next into *i; 0 when none is left or one failed. */
static int take(struct pool *p, int done, int err, uint64_t block, uint64_t *i) {
  pthread_mutex_lock(&p->lock);
  if (done)
    p->in_flight--;
  if (err && !p->err)
    p->err = err, p->failed_block = block;
  int more = p->next < p->count && !p->err;
  if (more) {
    *i = p->next++;
    if (++p->in_flight > p->max_in_flight)
      p->max_in_flight = p->in_flight;
  }
  pthread_mutex_unlock(&p->lock);
  return more;
}

static void *writer(void *arg) {
  struct pool *p = arg;
  struct buffer buf;
  if (buffer_alloc(&buf, p->bs) < 0) {
    take(p, 0, ENOMEM, 0, &(uint64_t){0});
    return NULL;
  }
  uint64_t i;
  for (int more = take(p, 0, 0, 0, &i); more;) {
    pattern_fill(p->pat, p->blocks[i], buf.data);
    int err = write_all(p->fd, buf.data, p->bs, p->blocks[i] * p->bs);
    more = take(p, 1, err, p->blocks[i], &i);
  }
  buffer_free(&buf);
  return NULL;
}

struct write_result write_blocks(int fd, uint64_t bs, const uint64_t *blocks, uint64_t count,
                                 const struct pattern *pat, unsigned threads) {
  struct pool p = {.fd = fd, .bs = bs, .blocks = blocks, .count = count, .pat = pat};
  pthread_mutex_init(&p.lock, NULL);
  if (threads > count)
    threads = (unsigned)count;

  pthread_t *tids = threads > 1 ? calloc(threads, sizeof *tids) : NULL;
  unsigned started = 0;
  if (tids) {
    /* Small stacks: 64 writers at the default 256 KiB would take 16 MiB of a 64 MiB guest. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 << 10);
    while (started < threads && pthread_create(&tids[started], &attr, writer, &p) == 0)
      started++;
    pthread_attr_destroy(&attr);
  }
  if (started == 0) /* one writer, or no threads to be had: the caller's thread does it all */
    writer(&p);
  for (unsigned i = 0; i < started; i++)
    pthread_join(tids[i], NULL);
  free(tids);
  pthread_mutex_destroy(&p.lock);
  return (struct write_result){.threads = started ? started : 1,
                               .max_in_flight = p.max_in_flight,
                               .err = p.err,
                               .failed_block = p.failed_block};
}
