/*
 * fuzz_cmdline.c: unikvm's command line -> options_parse (host/options.c) -> the --disk spec
 * (blk_open's option part) -> boot_info_write (host/boot_info.c), the path main() takes before
 * the guest runs. Input: the arguments after argv[0], each ended by a NUL byte. Checks that the
 * guest sees exactly its argv, inside the args area, and nothing outside the boot-info pages
 * changes.
 */
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "blk.h"
#include "boot_info.h"
#include "fuzz_check.h"
#include "net.h"
#include "options.h"
#include "unikvm/abi.h"

#define MAX_ARGS   512
#define RAM_SIZE   (UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE + 4096u)
#define RAM_FILL   0xa5
#define DISK_BYTES 4096

static uint8_t *ram;
static char disk_path[64];

/*
 * blk_open makes a kernel AIO context and blk_close destroys it, and io_destroy waits for an RCU
 * grace period (about 40 ms on these hosts): an input with --disk would run 10000 times slower
 * than one without. The harness links with -Wl,--wrap=syscall and hands out one context, made
 * once, that io_destroy leaves alone. These are the only syscall()s on this path; another one
 * stops the harness with its number, to be added here.
 */
long __real_syscall(long nr, ...);

long __wrap_syscall(long nr, ...) {
  static aio_context_t shared;
  va_list ap;
  va_start(ap, nr);
  long rc = 0;
  if (nr == SYS_io_setup) {
    unsigned nr_events = va_arg(ap, unsigned);
    aio_context_t *ctx = va_arg(ap, aio_context_t *);
    if (!shared && (rc = __real_syscall(SYS_io_setup, nr_events, &shared)) == 0 && !shared)
      rc = -1;
    if (rc == 0)
      *ctx = shared;
  } else if (nr != SYS_io_destroy) {
    fprintf(stderr, "fuzz_cmdline: unexpected syscall(%ld): pass it through in __wrap_syscall\n",
            nr);
    abort();
  }
  va_end(ap);
  return rc;
}

static void init_once(void) {
  if (ram)
    return;
  ram = malloc(RAM_SIZE);
  /* The disk is always this memfd: the fuzzer picks the options after FILE, never a path. */
  int fd = memfd_create("fuzz-cmdline-disk", 0);
  if (!ram || fd < 0 || ftruncate(fd, DISK_BYTES) < 0)
    abort();
  snprintf(disk_path, sizeof(disk_path), "/proc/self/fd/%d", fd);
}

/* The guest's view: boot info and argv as it finds them in RAM at entry. */
static void check_guest_view(const struct options *opts, const struct boot_params *params) {
  struct unikvm_boot_info bi;
  memcpy(&bi, ram + UNIKVM_BOOT_INFO_ADDR, sizeof(bi));
  FUZZ_CHECK(bi.magic == UNIKVM_BOOT_MAGIC && bi.abi_version == UNIKVM_ABI_VERSION);
  FUZZ_CHECK(bi.argc == (uint32_t)opts->guest_argc && bi.argv == UNIKVM_ARGS_ADDR);
  /* The address reaches the guest with its NIC only. */
  FUZZ_CHECK(bi.net_ipv4_addr == (params->net ? opts->ipv4_addr : 0));
  FUZZ_CHECK(bi.net_ipv4_gateway == (params->net ? opts->ipv4_gateway : 0));
  FUZZ_CHECK(bi.blk_sectors == (params->blk ? DISK_BYTES / BLK_SECTOR_SIZE : 0));
  const uint64_t area_end = UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE;
  for (int i = 0; i <= opts->guest_argc; i++) {
    uint64_t gpa;
    memcpy(&gpa, ram + UNIKVM_ARGS_ADDR + i * sizeof(gpa), sizeof(gpa));
    if (i == opts->guest_argc) {
      FUZZ_CHECK(gpa == 0);
      break;
    }
    size_t len = strlen(opts->guest_argv[i]) + 1;
    FUZZ_CHECK(gpa >= UNIKVM_ARGS_ADDR && gpa < area_end && len <= area_end - gpa);
    FUZZ_CHECK(memcmp(ram + gpa, opts->guest_argv[i], len) == 0);
  }
}

/* Nothing below the boot-info page or past the args area is written. */
static void check_untouched(void) {
  static uint8_t fill[RAM_SIZE];
  const uint64_t args_end = UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE;
  if (!fill[0])
    memset(fill, RAM_FILL, sizeof(fill));
  FUZZ_CHECK(memcmp(ram, fill, UNIKVM_BOOT_INFO_ADDR) == 0);
  FUZZ_CHECK(memcmp(ram + args_end, fill, RAM_SIZE - args_end) == 0);
}

static void boot(const struct options *opts) {
  /* --disk: FILE is fixed, what follows its first comma is the fuzzer's. */
  char spec[4200];
  const char *disk_opts = opts->disk ? strchr(opts->disk, ',') : NULL;
  snprintf(spec, sizeof(spec), "%s%s", disk_path, disk_opts ? disk_opts : "");
  struct blk_device blk;
  char err[512];
  int blk_rc = opts->disk ? blk_open(&blk, spec, err, sizeof(err)) : -2;
  /* The file is there: only the options can be wrong, or O_DIRECT unsupported (tmpfs). */
  FUZZ_CHECK(blk_rc == 0 || blk_rc == -2 || (blk_rc == -1 && blk.direct));
  struct net_device net = {.mac = {0x02, 1, 2, 3, 4, 5}, .mtu = 1500};
  struct elf_image image = {.entry = UNIKVM_IMAGE_MIN, .image_end = UNIKVM_IMAGE_MIN + 4096};
  struct boot_params params = {
      .argc = opts->guest_argc,
      .argv = opts->guest_argv,
      .tsc_hz = 1000000000,
      .net = opts->net && strcmp(opts->net, "none") != 0 ? &net : NULL,
      .blk = blk_rc == 0 ? &blk : NULL,
      .ipv4_addr = opts->ipv4_addr,
      .ipv4_prefix = opts->ipv4_prefix,
      .ipv4_gateway = opts->ipv4_gateway,
  };
  struct guest_mem mem = {.base = ram, .size = RAM_SIZE, .fd = -1};
  memset(ram, RAM_FILL, RAM_SIZE);
  if (boot_info_write(&mem, &image, &params, err, sizeof(err)) == 0)
    check_guest_view(opts, &params);
  else
    FUZZ_CHECK(strchr(err, '\n') == NULL);
  check_untouched();
  if (blk_rc == 0)
    blk_close(&blk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  init_once();
  /* argv[0], then one argument per NUL-ended piece; a last piece without its NUL counts. */
  char *text = malloc(size + 1);
  memcpy(text, data, size);
  text[size] = 0;
  char *argv[MAX_ARGS + 2] = {"unikvm"};
  int argc = 1;
  for (char *p = text; p < text + size && argc <= MAX_ARGS; p += strlen(p) + 1)
    argv[argc++] = p;
  argv[argc] = NULL;
  struct options opts;
  char err[512];
  err[0] = 0;
  if (options_parse(&opts, argc, argv, err, sizeof(err)) < 0) {
    /* One line, unless it quotes an argument that itself holds a newline. */
    FUZZ_CHECK(err[0] && (strchr(err, '\n') == NULL || memchr(data, '\n', size)));
  } else if (opts.action == OPTIONS_RUN) {
    FUZZ_CHECK(opts.mem_size >= OPTIONS_MEM_MIN && opts.mem_size <= UNIKVM_MEM_MAX);
    FUZZ_CHECK(opts.mem_size % OPTIONS_MEM_ALIGN == 0);
    FUZZ_CHECK(opts.timeout_s == 0 || (opts.timeout_s > 0 && opts.timeout_s <= 365.0 * 86400));
    FUZZ_CHECK(!opts.clones || opts.restore);
    if (opts.restore) {
      /* The snapshot holds the image and its arguments: none may come from here. */
      FUZZ_CHECK(!opts.image && !opts.snapshot_out);
    } else {
      FUZZ_CHECK(opts.image && opts.guest_argc >= 1 && opts.guest_argv[0] == opts.image);
      FUZZ_CHECK(opts.guest_argv + opts.guest_argc <= argv + argc);
      FUZZ_CHECK(opts.guest_argv[opts.guest_argc] == NULL);
      boot(&opts);
    }
  }
  free(text);
  return 0;
}
