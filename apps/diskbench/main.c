/* main.c: diskbench: fio-style random block writes over a file or raw device, IOPS, read-back. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "pattern.h"
#include "verify.h"
#include "writers.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const char *path, int err) {
  fprintf(stderr, "diskbench: %s %s: %s\n", what, path, strerror(err));
  return 1;
}

/* A regular file is made at least SIZE long (never shortened: a laid-out file stays laid out);
 * anything else is a device whose own size bounds SIZE. */
static int fit_size(int fd, struct options *o) {
  struct stat st;
  if (fstat(fd, &st) < 0)
    return fail("cannot stat", o->path, errno);
  if (S_ISREG(st.st_mode)) {
    if ((uint64_t)st.st_size >= o->size)
      return 0;
    if (o->verify_only) {
      fprintf(stderr, "diskbench: %s is shorter than %" PRIu64 " bytes\n", o->path, o->size);
      return 1;
    }
    return ftruncate(fd, (off_t)o->size) < 0 ? fail("cannot extend", o->path, errno) : 0;
  }
  off_t end = lseek(fd, 0, SEEK_END);
  if (end <= 0)
    return fail("cannot find the size of", o->path, end < 0 ? errno : EINVAL);
  if (!o->size_given)
    o->size = (uint64_t)end;
  if (o->size > (uint64_t)end) {
    fprintf(stderr, "diskbench: %s has only %lld bytes\n", o->path, (long long)end);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  struct options o;
  if (parse_options(argc, argv, &o) < 0)
    return 1;
  int flags = o.verify_only ? O_RDONLY : O_RDWR | O_CREAT;
  if (o.direct)
    flags |= O_DIRECT;
  int fd = open(o.path, flags, 0644);
  if (fd < 0)
    return fail(o.direct && errno == EINVAL ? "O_DIRECT refused for" : "cannot open", o.path,
                errno);
  if (fit_size(fd, &o))
    return 1;
  uint64_t nblocks = o.size / o.bs;
  if (nblocks == 0) {
    fprintf(stderr, "diskbench: size %" PRIu64 " is below one block of %" PRIu64 "\n", o.size,
            o.bs);
    return 1;
  }
  uint64_t count = o.count ? o.count : nblocks;
  uint64_t *blocks = pattern_sequence(o.seed, nblocks, count);
  struct pattern pat;
  if (!blocks || pattern_init(&pat, o.seed, (size_t)o.bs) < 0)
    return fail("out of memory for", o.path, ENOMEM);

  if (!o.verify_only) {
    double start = now();
    struct write_result r = write_blocks(fd, o.bs, blocks, count, &pat, o.qdepth);
    if (r.err) {
      fprintf(stderr, "diskbench: write of block %" PRIu64 " to %s: %s\n", r.failed_block, o.path,
              strerror(r.err));
      return 1;
    }
    double synced = now();
    if (fsync(fd) < 0)
      return fail("fsync of", o.path, errno);
    double end = now();
    printf("diskbench: %" PRIu64 " writes of %" PRIu64 " bytes in %.3f s: IOPS %.0f\n", count, o.bs,
           end - start, (double)count / (end - start));
    printf("diskbench: %u writer threads, at most %u writes in flight, %s, fsync %.3f s,"
           " %" PRIu64 " blocks of %" PRIu64 " in %" PRIu64 " bytes, seed %" PRIu64 "\n",
           r.threads, r.max_in_flight, o.direct ? "O_DIRECT" : "buffered", end - synced, nblocks,
           o.bs, o.size, o.seed);
  }
  int status = 0;
  if (o.verify || o.verify_only)
    status = verify_blocks(fd, o.path, o.bs, nblocks, blocks, count, &pat) < 0;
  if (close(fd) < 0)
    return fail("close of", o.path, errno);
  return status;
}
