/* body.c: the sources of large bodies. The pattern is one shared buffer of 26 + PATTERN_RUN
 * bytes, so a body of any length streams from it without per-connection memory. */
#define _DEFAULT_SOURCE
#include "body.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static char pattern[PATTERN_RUN + 26];

void pattern_init(void) {
  for (size_t i = 0; i < sizeof pattern; i++)
    pattern[i] = (char)('a' + i % 26);
}

const char *pattern_at(uint64_t pos) {
  return pattern + pos % 26;
}

long body_fill(struct body *b, char *buf, size_t cap) {
  size_t want = b->left < cap ? (size_t)b->left : cap;
  if (b->kind == BODY_PATTERN) {
    size_t done = 0;
    while (done < want) {
      size_t run = want - done < PATTERN_RUN ? want - done : PATTERN_RUN;
      memcpy(buf + done, pattern_at(b->pos + done), run);
      done += run;
    }
    b->pos += want;
    b->left -= want;
    return (long)want;
  }
  if (b->kind == BODY_FILE) {
    ssize_t n;
    do
      n = read(b->fd, buf, want);
    while (n < 0 && errno == EINTR);
    if (n <= 0 && want > 0)
      return -1; /* the file shrank or failed: the promised length cannot be kept */
    b->left -= (uint64_t)n;
    return (long)n;
  }
  return 0;
}

void body_end(struct body *b) {
  if (b->kind == BODY_FILE && b->fd >= 0)
    close(b->fd);
  b->kind = BODY_NONE;
  b->left = 0;
  b->fd = -1;
}
