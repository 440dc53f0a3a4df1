/* verify.c: the -v/-V check: each distinct block written is read back once, in disk order. */
#include "verify.h"

#include "buffer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int read_all(int fd, char *buf, uint64_t len, uint64_t off) {
  while (len) {
    ssize_t n = pread(fd, buf, (size_t)len, (off_t)off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n < 0 ? errno : EIO; /* 0: the file ends inside a block we wrote */
    buf += n, off += (uint64_t)n, len -= (uint64_t)n;
  }
  return 0;
}

int verify_blocks(int fd, const char *path, uint64_t bs, uint64_t nblocks, const uint64_t *blocks,
                  uint64_t count, const struct pattern *pat) {
  /* A bitmap of the blocks written: repeats are checked once, and in ascending order. */
  unsigned char *written = calloc(nblocks / 8 + 1, 1);
  struct buffer buf = {0};
  if (!written || buffer_alloc(&buf, bs) < 0) {
    free(written);
    fprintf(stderr, "diskbench: verify %s: %s\n", path, strerror(ENOMEM));
    return -1;
  }
  for (uint64_t i = 0; i < count; i++)
    written[blocks[i] / 8] |= (unsigned char)(1u << (blocks[i] % 8));
  uint64_t checked = 0;
  int status = 0;
  for (uint64_t b = 0; b < nblocks && status == 0; b++) {
    if (!(written[b / 8] & (1u << (b % 8))))
      continue;
    int err = read_all(fd, buf.data, bs, b * bs);
    long bad = err ? 0 : pattern_check(pat, b, buf.data);
    if (err) {
      fprintf(stderr, "diskbench: verify %s: read of block %" PRIu64 ": %s\n", path, b,
              strerror(err));
      status = -1;
    } else if (bad >= 0) {
      fprintf(stderr,
              "diskbench: verify %s: block %" PRIu64 " (offset %" PRIu64 ") differs at byte %ld"
              " from the pattern of seed %" PRIu64 "\n",
              path, b, b * bs, bad * 8, pat->seed);
      status = -1;
    }
    checked++;
  }
  if (status == 0)
    printf("diskbench: verified %" PRIu64 " blocks of %" PRIu64 " bytes (seed %" PRIu64 ")\n",
           checked, bs, pat->seed);
  free(written);
  buffer_free(&buf);
  return status;
}
