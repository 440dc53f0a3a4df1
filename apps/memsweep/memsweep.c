/* memsweep.c: the memsweep benchmark: a scattered read-modify-write sweep over a 33 MB array. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SIZE (8096 * 4096)
#define PAGE 4096

/* Static, as in the original: the array is bss, so its pages are first touched by the sweep
 * itself and the first-touch cost of the platform is part of the measurement. 33 MB of bss
 * still fits unikvm's default --mem 64M. */
static unsigned char a[SIZE];

static double seconds_since(clock_t start) {
  return (double)(clock() - start) / CLOCKS_PER_SEC;
}

/* Writes one byte per page so every page is faulted in before the sweep; timed on its own to
 * show what first touch costs on this platform. volatile: the stores must really happen. */
static double touch_pages(void) {
  volatile unsigned char *p = a;
  clock_t start = clock();
  for (long off = 0; off < SIZE; off += PAGE)
    p[off] = 0;
  return seconds_since(start);
}

int main(int argc, char **argv) {
  int pretouch = argc == 2 && strcmp(argv[1], "-p") == 0;
  if (argc > 2 || (argc == 2 && !pretouch)) {
    fprintf(stderr, "usage: memsweep [-p]  (-p: touch every page first, timed separately)\n");
    return 1;
  }
  if (pretouch)
    printf("first-touch: %.3f s (%d pages)\n", touch_pages(), SIZE / PAGE);

  clock_t start = clock();
  /* unsigned int on purpose: 4096 * i wraps at 2^32, which shapes the access pattern. */
  for (unsigned int i = 0; i < 10 * SIZE; i++)
    a[(4096 * i + i) % SIZE] = 1 + a[i % SIZE];
  double t = seconds_since(start);

  /* The checksum keeps the sweep observable and proves both platforms did the same work. */
  unsigned long sum = 0;
  for (long i = 0; i < SIZE; i++)
    sum = sum * 31 + a[i];
  printf("memsweep: %.3f s\n", t);
  printf("checksum: %016lx\n", sum);
  return 0;
}
