/* state.c: "/state": what one VM has seen, to show that --reset-per-request isolates requests. */
#include "state.h"

#include <stdio.h>
#include <stdlib.h>

long state_generation;
static unsigned long seen; /* a global a request changes: the next request must not see it */

size_t state_report(char *buf, size_t cap) {
  int n = snprintf(buf, cap, "generation=%ld seen=%lu random=%d\n", state_generation, seen, rand());
  seen++;
  return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}
