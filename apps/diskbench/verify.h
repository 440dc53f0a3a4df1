/* verify.h: reads back every block a write sequence touched and checks its pattern. */
#ifndef VERIFY_H
#define VERIFY_H

#include <stdint.h>

#include "pattern.h"

/* Prints "diskbench: verified N blocks" on stdout and returns 0, or names the first bad block on
 * stderr and returns -1. */
int verify_blocks(int fd, const char *path, uint64_t bs, uint64_t nblocks, const uint64_t *blocks,
                  uint64_t count, const struct pattern *pat);

#endif
