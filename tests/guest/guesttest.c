/* guesttest.c: one guest image for the integration tests; argv[1] picks what it checks. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* usleep */
#include <assert.h>
#include <guest/blkdev.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unikvm/abi.h>
#include <unistd.h>

extern char **environ;

/* Printing through %ld keeps to what every newlib printf build supports. */
static long long monotonic_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
    perror("clock_gettime(CLOCK_MONOTONIC)");
    exit(2);
  }
  return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmd_exit(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: exit N\n");
    return 2;
  }
  return atoi(argv[2]);
}

static int cmd_cpl(void) {
  uint16_t cs;
  uint64_t flags;
  __asm__ __volatile__("mov %%cs, %0" : "=r"(cs));
  __asm__ __volatile__("pushfq; popq %0" : "=r"(flags));
  printf("cpl=%u\n", cs & 3u);
  printf("iopl=%u\n", (unsigned)((flags >> 12) & 3u));
  printf("if=%u\n", (unsigned)((flags >> 9) & 1u));
  return 0;
}

static int cmd_time(void) {
  long long before = monotonic_ns();
  /* A fixed amount of work, ~50 ms on these machines, timed by the clock under test. */
  volatile unsigned long spin = 0;
  for (unsigned long i = 0; i < 60000000ul; i++)
    spin++;
  long long after = monotonic_ns();
  printf("monotonic before=%lld after=%lld elapsed_ns=%lld\n", before, after, after - before);
  printf("monotonic advances: %s\n", after > before ? "yes" : "no");

  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  printf("realtime=%lld\n", (long long)rt.tv_sec);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  printf("gettimeofday=%lld\n", (long long)tv.tv_sec);
  printf("time=%lld\n", (long long)time(NULL));
  printf("clock=%ld clocks_per_sec=%ld\n", (long)clock(), (long)CLOCKS_PER_SEC);

  struct timespec res;
  clock_getres(CLOCK_MONOTONIC, &res);
  printf("resolution_ns=%ld\n", res.tv_nsec);
  int bad = clock_gettime((clockid_t)12345, &rt);
  printf("bad clock rejected: %s\n", bad == -1 ? "yes" : "no");
  return 0;
}

/* Sleeps with each API and reports how long each really took. */
static int report_sleep(const char *what, long long want_ns, long long t0) {
  long long got = monotonic_ns() - t0;
  printf("slept %s elapsed_ns=%lld\n", what, got);
  printf("%s long enough: %s\n", what, got >= want_ns ? "yes" : "no");
  return got >= want_ns ? 0 : 1;
}

static int cmd_sleep(void) {
  long long t0 = monotonic_ns();
  sleep(1);
  return report_sleep("sleep(1)", 1000000000ll, t0);
}

static int cmd_usleep(void) {
  int fails = 0;
  long long t0 = monotonic_ns();
  usleep(200000);
  fails += report_sleep("usleep(200000)", 200000000ll, t0);
  t0 = monotonic_ns();
  struct timespec req = {.tv_sec = 0, .tv_nsec = 300000000};
  struct timespec rem = {.tv_sec = 99, .tv_nsec = 99};
  nanosleep(&req, &rem);
  fails += report_sleep("nanosleep(300ms)", 300000000ll, t0);
  printf("nanosleep rem=%lld.%09ld\n", (long long)rem.tv_sec, rem.tv_nsec);
  struct timespec bad = {.tv_sec = 0, .tv_nsec = 1000000000};
  printf("bad nanosleep rejected: %s\n", nanosleep(&bad, NULL) == -1 ? "yes" : "no");
  return fails;
}

static int cmd_malloc(void) {
  /* RAM is at most 4 GiB: at most 4096 blocks of 1 MiB. */
  static void *blocks[4096];
  const size_t block = 1u << 20;
  size_t n = 0;
  while (n < sizeof(blocks) / sizeof(blocks[0]) && (blocks[n] = malloc(block)) != NULL)
    n++;
  printf("blocks=%lu\n", (unsigned long)n);
  for (size_t i = 0; i < n; i++)
    free(blocks[i]);
  size_t again = 0;
  while (again < n && (blocks[again] = malloc(block)) != NULL)
    again++;
  printf("again=%lu\n", (unsigned long)again);
  for (size_t i = 0; i < again; i++)
    free(blocks[i]);
  if (n == 0 || again != n) {
    printf("malloc FAILED\n");
    return 1;
  }
  printf("malloc ok\n");
  return 0;
}

static int cmd_div0(void) {
  volatile int num = 1, den = 0;
  printf("dividing by zero\n");
  printf("quotient=%d (should not print)\n", num / den);
  return 1;
}

static int cmd_ud2(void) {
  printf("executing ud2\n");
  __asm__ __volatile__("ud2");
  printf("survived ud2 (should not print)\n");
  return 1;
}

/* The address goes through a volatile so the compiler emits a plain access, not a trap. */
static int cmd_segv(uintptr_t addr, int write) {
  volatile uintptr_t where = addr;
  volatile int *p = (volatile int *)where;
  printf("%s address %#lx\n", write ? "writing" : "reading", (unsigned long)addr);
  if (write)
    *p = 1;
  else
    printf("value=%d (should not print)\n", *p);
  printf("survived (should not print)\n");
  return 1;
}

static void raw_hypercall(uint16_t port, uint32_t arg) {
  __asm__ __volatile__("outl %0, %1" : : "a"(arg), "Nd"(port) : "memory");
}

/* A console write whose buffer is outside RAM: the host must refuse it, not read it. */
static int cmd_badhc(uint64_t data, uint64_t len) {
  struct unikvm_hc_console_write arg = {
      .data = data, .len = len, .stream = UNIKVM_CONSOLE_STDOUT, .ret = 12345};
  printf("bad hypercall data=%#lx len=%#lx\n", (unsigned long)data, (unsigned long)len);
  raw_hypercall(UNIKVM_HC_BASE + UNIKVM_HC_CONSOLE_WRITE, (uint32_t)(uintptr_t)&arg);
  printf("badhc ret=%lld\n", (long long)arg.ret);
  return arg.ret < 0 ? 0 : 1;
}

static int cmd_badport(void) {
  printf("out to unknown port %#x\n", UNIKVM_HC_BASE + 20);
  raw_hypercall(UNIKVM_HC_BASE + 20, 0);
  printf("badport returned\n");
  return 1;
}

static int cmd_argv(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++)
    printf("argv[%d]=%s\n", i, argv[i]);
  printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "not NULL");
  printf("environ[0]=%s\n", environ != NULL && environ[0] == NULL ? "NULL" : "not NULL");
  return 0;
}

static int ctor_value;

__attribute__((constructor)) static void set_ctor_value(void) {
  ctor_value = 42;
}

/* The raw block device: blk-info, blk-write SECTOR TEXT, blk-read SECTOR, blk-bad. */
static int cmd_blk(const char *what, int argc, char **argv) {
  static char sector[1024] __attribute__((aligned(512)));
  const struct blkdev_info *info = blkdev_info();
  if (info == NULL) {
    printf("no disk\n");
    return 1;
  }
  if (strcmp(what, "info") == 0) {
    printf("sectors=%llu sector_size=%u ro=%d\n", (unsigned long long)info->sectors,
           info->sector_size, info->readonly);
    return 0;
  }
  if (strcmp(what, "write") == 0 && argc == 2) {
    memset(sector, 0, sizeof(sector));
    snprintf(sector, 512, "%s\n", argv[1]);
    printf("write ret=%d\n", blkdev_write(strtoull(argv[0], NULL, 0), sector, 512));
    printf("flush ret=%d\n", blkdev_flush());
    return 0;
  }
  if (strcmp(what, "read") == 0 && argc == 1) {
    int ret = blkdev_read(strtoull(argv[0], NULL, 0), sector, 512);
    printf("read ret=%d data=%.*s", ret, (int)strcspn(sector, "\n") + 1, sector);
    return 0;
  }
  if (strcmp(what, "bad") == 0) {
    printf("past end ret=%d\n", blkdev_read(info->sectors, sector, 512));
    printf("straddling end ret=%d\n", blkdev_read(info->sectors - 1, sector, 1024));
    printf("partial sector ret=%d\n", blkdev_read(0, sector, 100));
    printf("good after bad ret=%d\n", blkdev_read(0, sector, 512));
    return 0;
  }
  printf("blk-%s: bad arguments\n", what);
  return 2;
}

static int cmd_ctor(void) {
  printf("ctor=%d\n", ctor_value);
  return ctor_value == 42 ? 0 : 1;
}

static int cmd_stdin(void) {
  char buf[512];
  unsigned long total = 0;
  for (;;) {
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0) {
      perror("read(stdin)");
      return 1;
    }
    if (n == 0)
      break;
    total += (unsigned long)n;
  }
  printf("stdin bytes=%lu\n", total);
  return 0;
}

static void usage(void) {
  fprintf(stderr, "usage: guesttest exit N | cpl | time | sleep | usleep | malloc | div0 | ud2 |"
                  " segv | null | badhc | badhc-wrap | badport | abort | assert | argv | ctor |"
                  " stdin\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage();
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "exit") == 0)
    return cmd_exit(argc, argv);
  if (strcmp(cmd, "cpl") == 0)
    return cmd_cpl();
  if (strcmp(cmd, "time") == 0)
    return cmd_time();
  if (strcmp(cmd, "sleep") == 0)
    return cmd_sleep();
  if (strcmp(cmd, "usleep") == 0 || strcmp(cmd, "nanosleep") == 0)
    return cmd_usleep();
  if (strcmp(cmd, "malloc") == 0)
    return cmd_malloc();
  if (strcmp(cmd, "div0") == 0)
    return cmd_div0();
  if (strcmp(cmd, "ud2") == 0)
    return cmd_ud2();
  if (strcmp(cmd, "segv") == 0)
    return cmd_segv(0x7f0000000000ul, 1);
  if (strcmp(cmd, "null") == 0)
    return cmd_segv(0, 0);
  if (strcmp(cmd, "badhc") == 0)
    return cmd_badhc(0xfff00000ul, 16);
  if (strcmp(cmd, "badhc-wrap") == 0)
    return cmd_badhc(0xffffffffffffff00ul, 0x200);
  if (strcmp(cmd, "badport") == 0)
    return cmd_badport();
  if (strcmp(cmd, "abort") == 0) {
    printf("calling abort\n");
    abort();
  }
  if (strcmp(cmd, "assert") == 0) {
    printf("failing an assert\n");
    assert(0 && "guesttest assert");
    return 1;
  }
  if (strcmp(cmd, "argv") == 0)
    return cmd_argv(argc, argv);
  if (strcmp(cmd, "ctor") == 0)
    return cmd_ctor();
  if (strcmp(cmd, "stdin") == 0)
    return cmd_stdin();
  if (strncmp(cmd, "blk-", 4) == 0)
    return cmd_blk(cmd + 4, argc - 2, argv + 2);
  usage();
  return 2;
}
