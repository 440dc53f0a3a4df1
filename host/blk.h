/* blk.h: the paravirtual block device: batches of sector requests on a host file. */
#ifndef UNIKVM_BLK_H
#define UNIKVM_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BLK_SECTOR_SIZE 512u

struct blk_device {
  int fd;
  bool readonly;
  bool direct;      /* O_DIRECT: buffers and offsets must be sector-aligned */
  uint64_t sectors; /* the file's size in sectors (a partial last sector is unusable) */
  uint64_t reads, writes, flushes, errors;
};

/*
 * Opens SPEC = "FILE[,ro][,direct]". Returns 0, or -1 with a one-line
 * reason in ERR; -2 when SPEC itself is malformed.
 */
int blk_open(struct blk_device *blk, const char *spec, char *err, size_t errlen);

/* One "unikvm: stats: blk ..." line for --stats. */
void blk_print_stats(const struct blk_device *blk, FILE *out);

#endif
