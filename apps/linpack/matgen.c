/* matgen.c: the benchmark's test matrix (deterministic pseudo-random) and its residual. */
#include "linpack.h"
#include <math.h>
#include <stdint.h>

/* A fixed 64-bit LCG (Knuth's MMIX constants): the same matrix on every platform and run, with no
 * dependence on the libc's rand(). The top 53 bits give a double in [0, 1). */
static double next_uniform(uint64_t *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) * (1.0 / 9007199254740992.0);
}

double matgen(double *a, int lda, int n, double *b) {
  uint64_t state = 1325;
  double norma = 0.0;
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < n; i++) {
      double v = 4.0 * next_uniform(&state) - 2.0;
      AT(a, lda, i, j) = v;
      if (fabs(v) > norma)
        norma = fabs(v);
    }
  }
  for (int i = 0; i < n; i++)
    b[i] = 0.0;
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      b[i] += AT(a, lda, i, j);
  return norma;
}

double residual(const double *a, int lda, int n, const double *x, double *b) {
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      b[i] -= AT(a, lda, i, j) * x[j];
  double norm = 0.0;
  for (int i = 0; i < n; i++)
    if (fabs(b[i]) > norm)
      norm = fabs(b[i]);
  return norm;
}
