/* linpack.h: the LINPACK kernels shared by the benchmark driver (column-major, 0-based). */
#ifndef APPS_LINPACK_LINPACK_H
#define APPS_LINPACK_LINPACK_H

/* Element (row i, column j) of a column-major matrix with leading dimension lda. */
#define AT(a, lda, i, j) ((a)[(long)(j) * (lda) + (i)])

/* Factors a (n x n, leading dimension lda) in place as P·L·U; ipvt gets the pivot rows.
 * Returns -1 when the matrix is nonsingular, else the first column with a zero pivot. */
int dgefa(double *a, int lda, int n, int *ipvt);

/* Solves A·x = b with the factors from dgefa; b is overwritten with x. */
void dgesl(const double *a, int lda, int n, const int *ipvt, double *b);

/* Fills a with a deterministic pseudo-random matrix in [-2, 2) and b with its row sums, so the
 * exact solution is all ones. Returns the largest |a[i][j]|. */
double matgen(double *a, int lda, int n, double *b);

/* ||A·x - b||_inf; b is overwritten with the residual vector. */
double residual(const double *a, int lda, int n, const double *x, double *b);

#endif
