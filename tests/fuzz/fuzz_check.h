/* fuzz_check.h: what every harness shares: oracles that abort, and reading the input. */
#ifndef UNIKVM_FUZZ_CHECK_H
#define UNIKVM_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* abort() with the condition when it is false: a harness oracle, active in every build. */
#define FUZZ_CHECK(cond)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: fuzz invariant violated: %s\n", __FILE__, __LINE__, #cond);          \
      abort();                                                                                     \
    }                                                                                              \
  } while (0)

/* Copies LEN bytes of input at *DATA into OUT, zero-padded when fewer remain; advances. */
static inline void fuzz_take(void *out, size_t len, const uint8_t **data, size_t *size) {
  size_t n = *size < len ? *size : len;
  memset(out, 0, len);
  if (n)
    memcpy(out, *data, n);
  *data += n;
  *size -= n;
}

#endif
