/* tsc.h: reading the time-stamp counter, which works at CPL 3. */
#ifndef GUEST_TSC_H
#define GUEST_TSC_H

#include <stdint.h>

static inline uint64_t guest_rdtsc(void) {
  uint32_t lo, hi;
  /* volatile: two reads must not be merged or hoisted out of loops. */
  __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

#endif
