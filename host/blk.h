/* blk.h: the paravirtual block device: batches of sector requests on a host file. */
#ifndef UNIKVM_BLK_H
#define UNIKVM_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BLK_SECTOR_SIZE 512u

struct iocb;

struct blk_device {
  int fd;
  bool readonly;
  bool direct;      /* O_DIRECT: buffers and offsets must be sector-aligned */
  uint64_t sectors; /* the file's size in sectors (a partial last sector is unusable) */
  /*
   * Kernel AIO context (0: none, requests then run one at a time) and one
   * iocb per request of a batch: the independent requests of a batch are
   * in flight together, so the host's own device queue fills as it would
   * for a native program with as many requests outstanding.
   */
  unsigned long aio;
  struct iocb *iocbs;
  uint64_t reads, writes, flushes, errors;
  uint64_t max_in_flight; /* the most requests one batch had in flight at once */
};

/*
 * Opens SPEC = "FILE[,ro][,direct]". Returns 0, or -1 with a one-line
 * reason in ERR; -2 when SPEC itself is malformed.
 */
int blk_open(struct blk_device *blk, const char *spec, char *err, size_t errlen);

/* Closes the file and frees what blk_open set up. */
void blk_close(struct blk_device *blk);

/* One "unikvm: stats: blk ..." line for --stats. */
void blk_print_stats(const struct blk_device *blk, FILE *out);

#endif
