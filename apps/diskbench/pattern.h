/* pattern.h: what diskbench writes where: a seeded offset sequence and a per-block data pattern. */
#ifndef PATTERN_H
#define PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* The block numbers (0..nblocks-1) of `count` writes: the same seed gives the same sequence, so a
 * later run (or the other platform) can check what this one wrote. NULL if out of memory. */
uint64_t *pattern_sequence(uint64_t seed, uint64_t nblocks, uint64_t count);

/* The data of a block depends only on its number and the seed, never on which write put it there:
 * concurrent writers may land repeated blocks in any order and the final content is still known. */
struct pattern {
  uint64_t seed;
  size_t words; /* bs / 8 */
  uint64_t *base;
};

int pattern_init(struct pattern *p, uint64_t seed, size_t bs);
void pattern_fill(const struct pattern *p, uint64_t block, void *buf);
/* -1 when buf is block's pattern, else the index of the first 64-bit word that differs. */
long pattern_check(const struct pattern *p, uint64_t block, const void *buf);

#endif
