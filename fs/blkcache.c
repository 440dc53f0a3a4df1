/* blkcache.c: a write-back cache of disk blocks: LRU, read-ahead, batched write-back. */
#include "blkcache.h"
#include <errno.h>
#include <guest/blkdev.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every request to the device costs a VM exit (tens of microseconds), so
 * the cache trades memory for exits: a miss reads ahead up to
 * READAHEAD_BLOCKS in the same exit, dirty blocks wait for blkcache_sync
 * and then go out together, and large transfers bypass the cache (one
 * request per contiguous run, straight from or into the caller's buffer).
 */
#define READAHEAD_BLOCKS  32
#define DIRECT_MIN_BLOCKS 16
#define MIN_ENTRIES       (4 * READAHEAD_BLOCKS)

struct blkcache_entry {
  uint64_t blk;
  bool dirty;
  struct blkcache_entry *hnext;       /* hash chain */
  struct blkcache_entry *prev, *next; /* LRU list */
  uint8_t *data;
};

static size_t hash_of(const struct blkcache *c, uint64_t blk) {
  return (size_t)(blk ^ (blk >> 17)) & (c->hash_size - 1);
}

static uint64_t sector_of(const struct blkcache *c, uint64_t blk) {
  return blk * (c->blksize / c->sector_size);
}

static struct blkcache_entry *lookup(struct blkcache *c, uint64_t blk) {
  for (struct blkcache_entry *e = c->hash[hash_of(c, blk)]; e != NULL; e = e->hnext)
    if (e->blk == blk)
      return e;
  return NULL;
}

static void lru_unlink(struct blkcache *c, struct blkcache_entry *e) {
  if (e->prev != NULL)
    e->prev->next = e->next;
  else
    c->lru_head = e->next;
  if (e->next != NULL)
    e->next->prev = e->prev;
  else
    c->lru_tail = e->prev;
  e->prev = e->next = NULL;
}

static void lru_push(struct blkcache *c, struct blkcache_entry *e) {
  e->prev = NULL;
  e->next = c->lru_head;
  if (c->lru_head != NULL)
    c->lru_head->prev = e;
  c->lru_head = e;
  if (c->lru_tail == NULL)
    c->lru_tail = e;
}

static void touch(struct blkcache *c, struct blkcache_entry *e) {
  if (c->lru_head != e) {
    lru_unlink(c, e);
    lru_push(c, e);
  }
}

static void hash_remove(struct blkcache *c, struct blkcache_entry *e) {
  struct blkcache_entry **p = &c->hash[hash_of(c, e->blk)];
  while (*p != e)
    p = &(*p)->hnext;
  *p = e->hnext;
}

static void set_dirty(struct blkcache *c, struct blkcache_entry *e, bool dirty) {
  if (e->dirty != dirty)
    c->dirty += dirty ? 1 : (size_t)-1;
  e->dirty = dirty;
}

/* Drops an entry that holds nothing dirty. */
static void drop(struct blkcache *c, struct blkcache_entry *e) {
  hash_remove(c, e);
  lru_unlink(c, e);
  c->count--;
  free(e->data);
  free(e);
}

static int cmp_blk(const void *a, const void *b) {
  uint64_t x = (*(struct blkcache_entry *const *)a)->blk;
  uint64_t y = (*(struct blkcache_entry *const *)b)->blk;
  return x < y ? -1 : x > y;
}

/* Dirty blocks that follow each other on disk go out as one request of up to this many bytes. */
#define WRITEBACK_RUN_MAX (1u << 20)

/*
 * Writes list[0..n) (sorted by block) as runs of consecutive blocks: each
 * run is copied into one buffer, so that the host does one write for it
 * instead of one per block.
 */
static int writeback(struct blkcache *c, struct blkcache_entry **list, size_t n, bool flush) {
  size_t per_run = WRITEBACK_RUN_MAX / c->blksize, runs = 0;
  struct blkdev_req *reqs = malloc((n + 1) * sizeof(*reqs));
  size_t *first = malloc((n + 1) * sizeof(*first));
  int err = reqs != NULL && first != NULL ? 0 : -ENOMEM;
  for (size_t i = 0; i < n && err == 0;) {
    size_t len = 1;
    while (i + len < n && len < per_run && list[i + len]->blk == list[i]->blk + len)
      len++;
    uint8_t *buf = len == 1 ? list[i]->data : memalign(c->sector_size, len * c->blksize);
    if (buf == NULL) {
      err = -ENOMEM;
      break;
    }
    for (size_t k = 0; len > 1 && k < len; k++)
      memcpy(buf + k * c->blksize, list[i + k]->data, c->blksize);
    first[runs] = i;
    reqs[runs++] = (struct blkdev_req){.op = BLKDEV_WRITE,
                                       .sector = sector_of(c, list[i]->blk),
                                       .buf = buf,
                                       .len = len * c->blksize};
    i += len;
  }
  if (err == 0 && flush)
    reqs[runs++] = (struct blkdev_req){.op = BLKDEV_FLUSH};
  if (err == 0)
    err = blkdev_submit(reqs, runs);
  for (size_t r = 0; r < runs && reqs[r].op == BLKDEV_WRITE; r++) {
    size_t len = reqs[r].len / c->blksize;
    for (size_t k = 0; k < len && reqs[r].ret == 0; k++)
      set_dirty(c, list[first[r] + k], false);
    if (reqs[r].ret == 0)
      c->bytes_written += reqs[r].len;
    if (len > 1)
      free(reqs[r].buf);
  }
  free(first);
  free(reqs);
  return err;
}

int blkcache_sync(struct blkcache *c, bool flush) {
  size_t n = 0;
  if (c->dirty == 0 && !flush)
    return 0;
  struct blkcache_entry **list = malloc(c->dirty * sizeof(*list) + 1);
  if (list == NULL)
    return -ENOMEM;
  for (struct blkcache_entry *e = c->lru_head; e != NULL; e = e->next)
    if (e->dirty)
      list[n++] = e;
  /* In disk order: neighbours merge, and the host's writes run forward. */
  qsort(list, n, sizeof(*list), cmp_blk);
  int err = writeback(c, list, n, flush);
  free(list);
  return err;
}

/* A fresh entry for blk (not yet in the cache), evicting the least recently used one if full. */
static int entry_new(struct blkcache *c, uint64_t blk, struct blkcache_entry **out) {
  struct blkcache_entry *e;
  if (c->count >= c->capacity && c->lru_tail != NULL) {
    e = c->lru_tail;
    if (e->dirty) {
      /* Writing everything now costs one batch instead of one exit per eviction. */
      int err = blkcache_sync(c, false);
      if (err != 0)
        return err;
    }
    hash_remove(c, e);
    lru_unlink(c, e);
  } else {
    e = calloc(1, sizeof(*e));
    /* Aligned to sectors: a host disk opened with O_DIRECT needs it. */
    if (e == NULL || (e->data = memalign(c->sector_size, c->blksize)) == NULL) {
      free(e);
      return -ENOMEM;
    }
    c->count++;
  }
  e->blk = blk;
  e->dirty = false;
  size_t h = hash_of(c, blk);
  e->hnext = c->hash[h];
  c->hash[h] = e;
  lru_push(c, e);
  *out = e;
  return 0;
}

/* Reads blk, which is not cached, plus the uncached blocks after it, in one exit. */
static int fill(struct blkcache *c, uint64_t blk, struct blkcache_entry **out) {
  struct blkdev_req reqs[READAHEAD_BLOCKS];
  struct blkcache_entry *got[READAHEAD_BLOCKS];
  size_t n = 0;
  if (blk >= c->blocks)
    return -EINVAL;
  while (n < READAHEAD_BLOCKS && blk + n < c->blocks && (n == 0 || lookup(c, blk + n) == NULL)) {
    int err = entry_new(c, blk + n, &got[n]);
    if (err != 0) {
      if (n == 0)
        return err;
      break;
    }
    reqs[n] = (struct blkdev_req){
        .op = BLKDEV_READ, .sector = sector_of(c, blk + n), .buf = got[n]->data, .len = c->blksize};
    n++;
  }
  int err = blkdev_submit(reqs, n);
  for (size_t i = 0; i < n; i++) {
    if (reqs[i].ret != 0)
      drop(c, got[i]);
    else
      c->bytes_read += c->blksize;
  }
  if (reqs[0].ret != 0)
    return err != 0 ? err : -EIO;
  /* The block asked for is the most recently used, not the read-ahead. */
  touch(c, got[0]);
  *out = got[0];
  return 0;
}

/* A growing array of requests, merged where they continue each other on disk and in memory. */
struct req_list {
  struct blkdev_req *reqs;
  size_t n, cap;
};

static int req_add(struct blkcache *c, struct req_list *l, enum blkdev_op op, uint64_t blk,
                   uint8_t *p) {
  struct blkdev_req *last = l->n > 0 ? &l->reqs[l->n - 1] : NULL;
  if (last != NULL && last->sector + last->len / c->sector_size == sector_of(c, blk) &&
      (uint8_t *)last->buf + last->len == p && last->len < (4u << 20)) {
    last->len += c->blksize;
    return 0;
  }
  if (l->n == l->cap) {
    size_t cap = l->cap != 0 ? l->cap * 2 : 16;
    struct blkdev_req *r = realloc(l->reqs, cap * sizeof(*r));
    if (r == NULL)
      return -ENOMEM;
    l->reqs = r;
    l->cap = cap;
  }
  l->reqs[l->n++] =
      (struct blkdev_req){.op = op, .sector = sector_of(c, blk), .buf = p, .len = c->blksize};
  return 0;
}

/* Moves count blocks between the disk and buf: cached blocks are copied from the cache (reads,
 * newer than the disk when dirty) or updated and carried by this write (writes). */
static int direct_add(struct blkcache *c, struct req_list *l, enum blkdev_op op, uint64_t blk,
                      size_t count, uint8_t *buf) {
  for (size_t i = 0; i < count; i++) {
    struct blkcache_entry *e = lookup(c, blk + i);
    uint8_t *p = buf + i * c->blksize;
    if (e != NULL && op == BLKDEV_READ) {
      memcpy(p, e->data, c->blksize);
      continue;
    }
    if (e != NULL) {
      memcpy(e->data, p, c->blksize);
      set_dirty(c, e, false);
    }
    int err = req_add(c, l, op, blk + i, p);
    if (err != 0)
      return err;
  }
  return 0;
}

static int direct_submit(struct blkcache *c, struct req_list *l) {
  int err = blkdev_submit(l->reqs, l->n);
  for (size_t i = 0; i < l->n; i++)
    if (l->reqs[i].ret == 0) {
      if (l->reqs[i].op == BLKDEV_READ)
        c->bytes_read += l->reqs[i].len;
      else
        c->bytes_written += l->reqs[i].len;
    }
  free(l->reqs);
  return err;
}

static int direct(struct blkcache *c, enum blkdev_op op, uint64_t blk, size_t count, uint8_t *buf) {
  struct req_list l = {0};
  int err = direct_add(c, &l, op, blk, count, buf);
  if (err != 0) {
    free(l.reqs);
    return err;
  }
  return direct_submit(c, &l);
}

static bool use_direct(const struct blkcache *c, size_t count, const void *buf) {
  return count >= DIRECT_MIN_BLOCKS && (uintptr_t)buf % c->sector_size == 0;
}

int blkcache_read(struct blkcache *c, uint64_t blk, size_t count, void *buf) {
  if (blk > c->blocks || count > c->blocks - blk)
    return -EINVAL;
  if (use_direct(c, count, buf))
    return direct(c, BLKDEV_READ, blk, count, buf);
  for (size_t i = 0; i < count; i++) {
    struct blkcache_entry *e = lookup(c, blk + i);
    if (e != NULL) {
      touch(c, e);
    } else {
      int err = fill(c, blk + i, &e);
      if (err != 0)
        return err;
    }
    memcpy((uint8_t *)buf + i * c->blksize, e->data, c->blksize);
  }
  return 0;
}

int blkcache_read_runs(struct blkcache *c, const struct blkcache_run *runs, size_t n) {
  struct req_list l = {0};
  for (size_t i = 0; i < n; i++) {
    const struct blkcache_run *r = &runs[i];
    if (r->blk > c->blocks || r->count > c->blocks - r->blk) {
      free(l.reqs);
      return -EINVAL;
    }
    /* The host needs sector-aligned memory for a disk it opened with O_DIRECT. */
    int err = (uintptr_t)r->buf % c->sector_size == 0
                  ? direct_add(c, &l, BLKDEV_READ, r->blk, r->count, r->buf)
                  : blkcache_read(c, r->blk, r->count, r->buf);
    if (err != 0) {
      free(l.reqs);
      return err;
    }
  }
  return direct_submit(c, &l);
}

int blkcache_plan_runs(struct blkcache *c, const struct blkcache_run *runs, size_t n,
                       struct blkdev_req **reqs, size_t *nreqs) {
  struct req_list l = {0};
  for (size_t i = 0; i < n; i++) {
    const struct blkcache_run *r = &runs[i];
    int err = r->blk > c->blocks || r->count > c->blocks - r->blk ? -EINVAL
              : (uintptr_t)r->buf % c->sector_size != 0
                  ? -EAGAIN
                  : direct_add(c, &l, BLKDEV_READ, r->blk, r->count, r->buf);
    if (err != 0) {
      free(l.reqs);
      return err;
    }
  }
  *reqs = l.reqs;
  *nreqs = l.n;
  return 0;
}

int blkcache_write(struct blkcache *c, uint64_t blk, size_t count, const void *buf) {
  if (blk > c->blocks || count > c->blocks - blk)
    return -EINVAL;
  if (use_direct(c, count, buf))
    return direct(c, BLKDEV_WRITE, blk, count, (uint8_t *)buf);
  for (size_t i = 0; i < count; i++) {
    struct blkcache_entry *e = lookup(c, blk + i);
    if (e != NULL) {
      touch(c, e);
    } else {
      int err = entry_new(c, blk + i, &e);
      if (err != 0)
        return err;
    }
    memcpy(e->data, (const uint8_t *)buf + i * c->blksize, c->blksize);
    set_dirty(c, e, true);
  }
  return 0;
}

int blkcache_write_bytes(struct blkcache *c, uint64_t offset, size_t len, const void *buf) {
  const uint8_t *p = buf;
  while (len > 0) {
    uint64_t blk = offset / c->blksize;
    size_t in = (size_t)(offset % c->blksize);
    size_t n = c->blksize - in < len ? c->blksize - in : len;
    struct blkcache_entry *e = lookup(c, blk);
    if (e != NULL) {
      touch(c, e);
    } else {
      int err = fill(c, blk, &e);
      if (err != 0)
        return err;
    }
    memcpy(e->data + in, p, n);
    set_dirty(c, e, true);
    p += n;
    offset += n;
    len -= n;
  }
  return 0;
}

static int setup(struct blkcache *c, uint32_t blksize) {
  const struct blkdev_info *info = blkdev_info();
  if (info == NULL)
    return -ENODEV;
  if (blksize == 0 || blksize % info->sector_size != 0)
    return -EINVAL;
  c->blksize = blksize;
  c->sector_size = info->sector_size;
  c->blocks = info->sectors / (blksize / info->sector_size);
  return 0;
}

int blkcache_init(struct blkcache *c, uint32_t blksize, size_t cache_bytes) {
  memset(c, 0, sizeof(*c));
  int err = setup(c, blksize);
  if (err != 0)
    return err;
  c->capacity = cache_bytes / blksize;
  if (c->capacity < MIN_ENTRIES)
    c->capacity = MIN_ENTRIES;
  c->hash_size = 1;
  while (c->hash_size < c->capacity)
    c->hash_size *= 2;
  c->hash = calloc(c->hash_size, sizeof(*c->hash));
  return c->hash != NULL ? 0 : -ENOMEM;
}

static void drop_all(struct blkcache *c) {
  while (c->lru_head != NULL)
    drop(c, c->lru_head);
  c->dirty = 0;
}

void blkcache_fini(struct blkcache *c) {
  drop_all(c);
  free(c->hash);
  c->hash = NULL;
}

int blkcache_set_blksize(struct blkcache *c, uint32_t blksize) {
  if (blksize == c->blksize)
    return 0;
  int err = blkcache_sync(c, false);
  if (err != 0)
    return err;
  drop_all(c);
  size_t bytes = c->capacity * c->blksize;
  err = setup(c, blksize);
  if (err != 0)
    return err;
  /* The same memory in blocks of the new size; the hash table only gets fuller. */
  c->capacity = bytes / blksize < MIN_ENTRIES ? MIN_ENTRIES : bytes / blksize;
  return 0;
}
