/* snaptest.c: boot, initialise MIB mebibytes of state, snapshot, exit: for timing a boot
 * against a restore of the same snapshot (bench/snapshot) and for checking what survives. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unikvm_snapshot.h>

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 0;
  /* The app's start-up work: here, building a table; a restored VM skips it. */
  unsigned char *table = mib > 0 ? malloc((size_t)mib << 20) : NULL;
  unsigned long sum = 0;
  for (size_t i = 0; table && i < ((size_t)mib << 20); i++) {
    table[i] = (unsigned char)(i * 2654435761u >> 24);
    sum += table[i];
  }
  int generation = unikvm_snapshot ? unikvm_snapshot() : -1;
  if (argc <= 2)
    return 0; /* ready: what a boot and a restore are timed to */
  /* Asked to check: the table is what it was when the snapshot was taken. */
  unsigned long again = 0;
  for (size_t i = 0; table && i < ((size_t)mib << 20); i++)
    again += table[i];
  if (again != sum) {
    fprintf(stderr, "snaptest: the table changed across the snapshot\n");
    return 1;
  }
  printf("generation=%d sum=%lu\n", generation, sum);
  return 0;
}
