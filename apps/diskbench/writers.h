/* writers.h: the timed phase: the writes, spread over a pool of threads (the queue depth). */
#ifndef WRITERS_H
#define WRITERS_H

#include <stdint.h>

#include "pattern.h"

struct write_result {
  unsigned threads;       /* writer threads that ran */
  unsigned max_in_flight; /* the queue depth really reached (cooperative threads may not) */
  int err;                /* 0, or the errno of the first failed write */
  uint64_t failed_block;
};

/* Writes blocks[0..count) with `threads` threads, each with one pwrite in flight at a time. */
struct write_result write_blocks(int fd, uint64_t bs, const uint64_t *blocks, uint64_t count,
                                 const struct pattern *pat, unsigned threads);

#endif
