/* state.c: "/state": what one VM has seen, to show that --reset-per-request isolates requests. */
#include "state.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

long state_generation;
bool state_crash_route;

void state_crash(void) {
  fprintf(stderr, "httpd: /crash asked for: faulting on purpose\n");
  fflush(stderr);
  volatile uintptr_t page_zero = 16; /* never mapped, natively or in the guest */
  *(volatile int *)page_zero = 1;
}
static unsigned long seen; /* a global a request changes: the next request must not see it */

size_t state_report(char *buf, size_t cap) {
  int n = snprintf(buf, cap, "generation=%ld seen=%lu random=%d\n", state_generation, seen, rand());
  seen++;
  return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}
