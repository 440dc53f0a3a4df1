/* blk.h: the paravirtual block device: batches of sector requests on a host file. */
#ifndef UNIKVM_BLK_H
#define UNIKVM_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BLK_SECTOR_SIZE 512u

struct iocb;
struct blk_async;

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
  /* The thread that runs READ_ASYNC requests (blk_async.c); NULL: they run at once. */
  struct blk_async *async;
  uint64_t reads, writes, flushes, errors;
  uint64_t max_in_flight; /* the most requests one batch had in flight at once */
  uint64_t async_reads, async_waits;
  uint64_t shared_reads; /* large reads the read thread helped copy */
};

/*
 * Opens SPEC = "FILE[,ro][,direct]". Returns 0, or -1 with a one-line
 * reason in ERR; -2 when SPEC itself is malformed.
 */
int blk_open(struct blk_device *blk, const char *spec, char *err, size_t errlen);

/* Closes the file and frees what blk_open set up. */
void blk_close(struct blk_device *blk);

/* Returns once every READ_ASYNC request posted so far has completed: before the host copies or
 * restores guest RAM (snapshots), whose pages those reads write. */
void blk_drain(struct blk_device *blk);

/* Full pread/pwrite of LEN bytes at OFF: short transfers are retried, EOF is -EIO; 0 or -errno. */
int blk_transfer(int fd, bool write, uint8_t *buf, size_t len, uint64_t off);

/* One "unikvm: stats: blk ..." line for --stats. */
void blk_print_stats(const struct blk_device *blk, FILE *out);

#endif
