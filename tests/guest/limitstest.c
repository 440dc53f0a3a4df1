/* limitstest.c: a guest that pushes against the host's limits; argv[1] picks how. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unikvm/abi.h>
#include <unikvm_snapshot.h>
#include <unistd.h>

/* Never returns: only --timeout (or a signal) ends this guest. */
static int cmd_spin(void) {
  printf("spinning\n");
  fflush(stdout);
  for (volatile unsigned long i = 0;; i++)
    ;
  return 1;
}

/* Writes MIB mebibytes of 'x' lines to stdout, then says how much it was told got written. */
static int cmd_flood(int argc, char **argv) {
  long mib = argc > 2 ? atol(argv[2]) : 4;
  static char chunk[1 << 16];
  memset(chunk, 'x', sizeof(chunk));
  for (size_t i = 63; i < sizeof(chunk); i += 64)
    chunk[i] = '\n';
  unsigned long long written = 0;
  for (long i = 0; i < mib * 16; i++) {
    ssize_t n = write(STDOUT_FILENO, chunk, sizeof(chunk));
    if (n < 0) {
      perror("write");
      return 1;
    }
    written += (unsigned long long)n;
  }
  fprintf(stderr, "flood written=%llu\n", written);
  return 0;
}

/* Touches every page malloc will give: host memory must stay within --mem plus overhead. */
static int cmd_touch_all(void) {
  const size_t block = 1u << 20;
  unsigned long blocks = 0;
  for (char *p; (p = malloc(block)) != NULL; blocks++)
    memset(p, 0xa5, block); /* kept: the point is to hold it all at once */
  printf("touched MiB=%lu\n", blocks);
  fflush(stdout);
  sleep(2); /* holding it all while the test reads the host's memory use */
  return blocks ? 0 : 1;
}

/* The test-only hypercall of a host built with UNIKVM_TEST_HOOKS: the host then makes a
 * system call its seccomp filter forbids. */
static int cmd_forbidden_syscall(void) {
  printf("asking the host for a forbidden system call\n");
  fflush(stdout);
  __asm__ __volatile__("outl %0, %1" : : "a"(0u), "Nd"((uint16_t)UNIKVM_HC_TEST_HOOK) : "memory");
  printf("the host survived its forbidden system call\n");
  return 0;
}

/* Snapshots first; a VM restored from it (a clone: a thread of its own in unikvm) then asks
 * for the forbidden call, to show that the filter covers every thread, not just the first. */
static int cmd_forbidden_after_snapshot(void) {
  int generation = unikvm_snapshot();
  if (generation <= 0) {
    printf("snapshot taken\n");
    return 0;
  }
  return cmd_forbidden_syscall();
}

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : "";
  if (strcmp(cmd, "spin") == 0)
    return cmd_spin();
  if (strcmp(cmd, "flood") == 0)
    return cmd_flood(argc, argv);
  if (strcmp(cmd, "touch-all") == 0)
    return cmd_touch_all();
  if (strcmp(cmd, "forbidden-syscall") == 0)
    return cmd_forbidden_syscall();
  if (strcmp(cmd, "forbidden-after-snapshot") == 0)
    return cmd_forbidden_after_snapshot();
  fprintf(stderr, "usage: limitstest spin | flood MIB | touch-all | forbidden-syscall | "
                  "forbidden-after-snapshot\n");
  return 2;
}
