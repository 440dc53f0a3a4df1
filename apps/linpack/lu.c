/* lu.c: LU factorization with partial pivoting (DGEFA) and the matching solve (DGESL). */
#include "linpack.h"
#include <math.h>

/*
 * Why pinned: the hot loops' placement otherwise depends on where the linker puts this file, and
 * on these CPUs a bad placement halved daxpy's speed (measured: the same lu.o ran at 0.5x when
 * linked into a different binary). Out of line and 64-byte aligned, the native and the guest
 * build run the same machine code at the same alignment, so the benchmark compares platforms,
 * not link layouts. The original LINPACK calls these as functions too.
 */
#define KERNEL __attribute__((noinline, aligned(64)))

/* The three level-1 BLAS the kernels are built on; unit stride only, since columns of a
 * column-major matrix are contiguous. */
KERNEL static void daxpy(int n, double alpha, const double *x, double *y) {
  if (n <= 0 || alpha == 0.0)
    return;
  for (int i = 0; i < n; i++)
    y[i] += alpha * x[i];
}

KERNEL static void dscal(int n, double alpha, double *x) {
  for (int i = 0; i < n; i++)
    x[i] *= alpha;
}

/* Index of the first element with the largest magnitude (0 when n <= 1). */
KERNEL static int idamax(int n, const double *x) {
  int best = 0;
  double max = n > 0 ? fabs(x[0]) : 0.0;
  for (int i = 1; i < n; i++) {
    if (fabs(x[i]) > max) {
      max = fabs(x[i]);
      best = i;
    }
  }
  return best;
}

int dgefa(double *a, int lda, int n, int *ipvt) {
  int singular = -1;
  for (int k = 0; k < n - 1; k++) {
    double *col_k = &AT(a, lda, 0, k);
    int l = k + idamax(n - k, &col_k[k]);
    ipvt[k] = l;
    if (col_k[l] == 0.0) {
      singular = k;
      continue;
    }
    if (l != k) {
      double t = col_k[l];
      col_k[l] = col_k[k];
      col_k[k] = t;
    }
    /* Multipliers: column k below the diagonal becomes -L. */
    dscal(n - k - 1, -1.0 / col_k[k], &col_k[k + 1]);
    /* Eliminate column by column, so every inner loop runs down a contiguous column. */
    for (int j = k + 1; j < n; j++) {
      double *col_j = &AT(a, lda, 0, j);
      double t = col_j[l];
      if (l != k) {
        col_j[l] = col_j[k];
        col_j[k] = t;
      }
      daxpy(n - k - 1, t, &col_k[k + 1], &col_j[k + 1]);
    }
  }
  ipvt[n - 1] = n - 1;
  if (AT(a, lda, n - 1, n - 1) == 0.0)
    singular = n - 1;
  return singular;
}

void dgesl(const double *a, int lda, int n, const int *ipvt, double *b) {
  /* Forward: apply the row swaps and L, in the order dgefa recorded them. */
  for (int k = 0; k < n - 1; k++) {
    int l = ipvt[k];
    double t = b[l];
    if (l != k) {
      b[l] = b[k];
      b[k] = t;
    }
    daxpy(n - k - 1, t, &AT(a, lda, k + 1, k), &b[k + 1]);
  }
  /* Backward: U·x = y, column-oriented so the updates again run down columns. */
  for (int k = n - 1; k >= 0; k--) {
    b[k] /= AT(a, lda, k, k);
    daxpy(k, -b[k], &AT(a, lda, 0, k), b);
  }
}
