/* pattern.c: a seeded xorshift for the offsets, and the per-block pattern derived from it. */
#include "pattern.h"

#include <stdlib.h>

/* Marsaglia's xorshift64: fast, reproducible everywhere, good enough to spread offsets. The seed
 * is scrambled first so that nearby seeds (1, 2, ...) start far apart and 0 is usable. */
static uint64_t xorshift_state(uint64_t seed) {
  uint64_t x = seed * 0x9e3779b97f4a7c15u + 0x632be59bd9b4e019u;
  return x ? x : 1;
}

static uint64_t xorshift64(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

uint64_t *pattern_sequence(uint64_t seed, uint64_t nblocks, uint64_t count) {
  if (count > SIZE_MAX / sizeof(uint64_t))
    return NULL;
  uint64_t *blocks = malloc(count * sizeof *blocks), x = xorshift_state(seed);
  if (blocks)
    for (uint64_t i = 0; i < count; i++)
      blocks[i] = xorshift64(&x) % nblocks; /* the bias is < nblocks / 2^64: negligible */
  return blocks;
}

int pattern_init(struct pattern *p, uint64_t seed, size_t bs) {
  p->seed = seed;
  p->words = bs / 8;
  p->base = malloc(bs);
  if (!p->base)
    return -1;
  /* A stream apart from the offsets' one, so data and offsets are not the same numbers. */
  uint64_t x = xorshift_state(~seed);
  for (size_t i = 0; i < p->words; i++)
    p->base[i] = xorshift64(&x);
  return 0;
}

/* word 0: the block number, word 1: the seed (readable in a hex dump), then the seed's stream
 * scrambled by the block number: one xor per word keeps filling far cheaper than the write. */
static uint64_t word(const struct pattern *p, uint64_t block, size_t i) {
  if (i == 0)
    return block;
  if (i == 1)
    return p->seed;
  return p->base[i] ^ ((block + 1) * 0x9e3779b97f4a7c15u);
}

void pattern_fill(const struct pattern *p, uint64_t block, void *buf) {
  uint64_t *w = buf;
  for (size_t i = 0; i < p->words; i++)
    w[i] = word(p, block, i);
}

long pattern_check(const struct pattern *p, uint64_t block, const void *buf) {
  const uint64_t *w = buf;
  for (size_t i = 0; i < p->words; i++)
    if (w[i] != word(p, block, i))
      return (long)i;
  return -1;
}
