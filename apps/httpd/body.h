/* body.h: a response body still to be written after the head: the /bytes pattern or a file. */
#ifndef HTTPD_BODY_H
#define HTTPD_BODY_H

#include <stddef.h>
#include <stdint.h>

enum body_kind { BODY_NONE, BODY_PATTERN, BODY_FILE };

struct body {
  enum body_kind kind;
  uint64_t left; /* bytes still to send */
  uint64_t pos;  /* offset of the next byte in the pattern */
  int fd;        /* BODY_FILE: the open file, read sequentially */
};

/* The /bytes/N pattern: byte i is 'a' + i % 26. pattern_at(pos) points at a run of at least
 * PATTERN_RUN bytes that continue the pattern from offset pos. */
#define PATTERN_RUN (128 * 1024)
void pattern_init(void);
const char *pattern_at(uint64_t pos);

/* Copies up to cap bytes of the body into buf (advancing it); returns the count, or -1 when
 * a file ends early or fails. */
long body_fill(struct body *b, char *buf, size_t cap);

/* Closes a file body and resets b to BODY_NONE. */
void body_end(struct body *b);

#endif
