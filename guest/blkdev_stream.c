/* blkdev_stream.c: sequential reads of a file or disk, read ahead asynchronously in chunks. */
#include <errno.h>
#include <guest/blkdev_stream.h>
#include <guest/heap.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/*
 * The chunks of all streams share a budget, a quarter of the heap that was
 * free when the first stream started: a program with many large files open
 * at once, or a small VM, gets smaller chunks (and, past the budget, fewer)
 * instead of running out of memory.
 */
static size_t budget;
static bool budget_set;

void blkdev_stream_init(struct blkdev_stream *s, uint64_t size, uint32_t align,
                        blkdev_stream_map_fn map, void *ctx) {
  memset(s, 0, sizeof(*s));
  s->size = size;
  s->align = align != 0 ? align : 1;
  s->map = map;
  s->ctx = ctx;
  if (!budget_set) {
    budget = guest_heap_free_bytes() / 4;
    budget_set = true;
  }
  s->chunk = BLKDEV_STREAM_CHUNK;
  while (s->chunk > BLKDEV_STREAM_FIRST && s->chunk * BLKDEV_STREAM_CHUNKS > budget)
    s->chunk /= 2;
}

/* Waits for the reads of c in [at, at + len) of its buffer (all with len 0 and ALL); c->err. */
static int settle(struct blkdev_stream_chunk *c, size_t at, size_t len, bool all) {
  for (uint32_t bits = c->pending; bits != 0; bits &= bits - 1) {
    unsigned i = (unsigned)__builtin_ctz(bits);
    if (!all && (c->req_at[i] >= at + len || c->req_at[i] + c->req_len[i] <= at))
      continue;
    int ret = blkdev_async_wait(&c->recs[i]);
    if (ret < 0 && c->err == 0)
      c->err = ret;
    c->pending &= ~(1u << i);
  }
  return c->err;
}

/* Makes c hold nothing, once the device is done with its buffer. */
static void empty(struct blkdev_stream_chunk *c) {
  settle(c, 0, 0, true);
  c->len = 0;
  c->err = 0;
}

/* The chunk holding the stream's byte at, or NULL. */
static struct blkdev_stream_chunk *holding(struct blkdev_stream *s, uint64_t at) {
  for (unsigned i = 0; i < BLKDEV_STREAM_CHUNKS; i++) {
    struct blkdev_stream_chunk *c = &s->chunks[i];
    if (c->len > 0 && at >= c->off && at - c->off < c->len)
      return c;
  }
  return NULL;
}

/* Where the data the chunks hold (or are being filled with) ends. */
static uint64_t ahead(const struct blkdev_stream *s) {
  uint64_t end = 0;
  for (unsigned i = 0; i < BLKDEV_STREAM_CHUNKS; i++) {
    const struct blkdev_stream_chunk *c = &s->chunks[i];
    if (c->len > 0 && c->off + c->len > end)
      end = c->off + c->len;
  }
  return end;
}

/*
 * Starts filling the empty chunk c with the stream from off (a multiple of
 * align): its reads are posted, to complete while the caller goes on.
 * 0 or -errno.
 */
static int fill(struct blkdev_stream *s, struct blkdev_stream_chunk *c, uint64_t off) {
  uint64_t left = s->size - off, whole = (left + s->align - 1) / s->align * s->align;
  size_t want = whole < s->window ? (size_t)whole : s->window;
  if (want > s->chunk)
    want = s->chunk;
  if (c->cap < want) {
    /* Allocated once at its full size (no larger than the stream): a buffer that grows would
     * move to memory the guest has not touched yet, and each first touch of a page costs a
     * fault. Past the budget, only a stream's first chunk is allowed. */
    size_t cap = whole < s->chunk ? (size_t)whole : s->chunk;
    free(c->buf);
    budget += c->cap;
    c->cap = 0;
    c->buf = NULL;
    if (cap > budget && c != &s->chunks[0])
      return -ENOMEM;
    c->buf = memalign(4096, cap);
    if (c->buf == NULL)
      return -ENOMEM;
    c->cap = cap;
    budget = budget > cap ? budget - cap : 0;
  }
  struct blkdev_req reqs[BLKDEV_STREAM_REQS_MAX];
  size_t mapped = 0;
  int n = s->map(s->ctx, off, want, c->buf, reqs, BLKDEV_STREAM_REQS_MAX, &mapped);
  if (n < 0)
    return n;
  if (mapped == 0 || mapped > want)
    return -EIO;
  int err = blkdev_post_reads(c->recs, reqs, (size_t)n);
  if (err != 0) {
    err = blkdev_submit(reqs, (size_t)n); /* no asynchronous reads here: read them now */
    n = 0;
    if (err != 0)
      return err;
  }
  c->pending = n > 0 ? (uint32_t)((1ull << n) - 1) : 0;
  for (int i = 0; i < n; i++) {
    c->req_at[i] = (uint32_t)((uint8_t *)reqs[i].buf - c->buf);
    c->req_len[i] = (uint32_t)reqs[i].len;
  }
  c->off = off;
  c->len = mapped < left ? mapped : (size_t)left;
  c->err = 0;
  if (s->window < s->chunk)
    s->window *= 2;
  return 0;
}

/* The chunk was read to its end: it is filled again with the part after the others. */
static void advance(struct blkdev_stream *s, struct blkdev_stream_chunk *c) {
  uint64_t next = ahead(s);
  empty(c);
  if (next < s->size && fill(s, c, next) != 0)
    empty(c); /* read ahead no further; a read that needs it starts again */
}

/* Empties every chunk and fills them with the stream from the aligned offset below at, the
 * first with at least len bytes. */
static int restart(struct blkdev_stream *s, uint64_t at, size_t len) {
  for (unsigned i = 0; i < BLKDEV_STREAM_CHUNKS; i++)
    empty(&s->chunks[i]);
  s->window = BLKDEV_STREAM_FIRST;
  while (s->window < len + s->align && s->window < s->chunk)
    s->window *= 2;
  uint64_t off = at - at % s->align;
  int err = fill(s, &s->chunks[0], off);
  if (err != 0)
    return err;
  for (unsigned i = 1; i < BLKDEV_STREAM_CHUNKS; i++) {
    uint64_t next = ahead(s);
    if (next >= s->size || fill(s, &s->chunks[i], next) != 0)
      break;
  }
  return 0;
}

ssize_t blkdev_stream_read(struct blkdev_stream *s, void *buf, size_t len, uint64_t off) {
  if (s->failed || (holding(s, off) == NULL && off != s->next && off != 0))
    return -EAGAIN;
  size_t done = 0;
  int err = 0;
  while (done < len && off + done < s->size) {
    uint64_t at = off + done;
    struct blkdev_stream_chunk *c = holding(s, at);
    if (c == NULL) {
      err = restart(s, at, len - done);
      if (err == -ENOMEM)
        s->failed = true;
      if (err != 0 || (c = holding(s, at)) == NULL)
        break;
    }
    size_t in = (size_t)(at - c->off), n = c->len - in < len - done ? c->len - in : len - done;
    err = settle(c, in, n, false);
    if (err != 0) {
      empty(c);
      break;
    }
    memcpy((uint8_t *)buf + done, c->buf + in, n);
    done += n;
    if (in + n == c->len)
      advance(s, c);
  }
  if (done == 0 && err != 0)
    return err == -ENOMEM ? -EAGAIN : err;
  s->next = off + done;
  return (ssize_t)done;
}

void blkdev_stream_drop(struct blkdev_stream *s, uint64_t size) {
  for (unsigned i = 0; i < BLKDEV_STREAM_CHUNKS; i++)
    empty(&s->chunks[i]);
  s->size = size;
}

void blkdev_stream_free(struct blkdev_stream *s) {
  for (unsigned i = 0; i < BLKDEV_STREAM_CHUNKS; i++) {
    empty(&s->chunks[i]);
    free(s->chunks[i].buf);
    budget += s->chunks[i].cap;
    s->chunks[i].buf = NULL;
    s->chunks[i].cap = 0;
  }
}
