/* test_boot_info.c: the boot-info page and argv area the guest finds at entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot_info.h"
#include "unikvm/abi.h"

#define RAM (16u << 20)

static struct guest_mem mem;
static const struct elf_image image = {.entry = 0x100000, .image_end = 0x180000};
static char err[256];

static int setup(void **state) {
  (void)state;
  mem.base = calloc(1, RAM);
  mem.size = RAM;
  mem.fd = -1;
  return mem.base ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  free(mem.base);
  return 0;
}

static void test_fields_and_argv(void **state) {
  (void)state;
  char *argv[] = {"hello.elf", "a b", "", "ünïcode", NULL};
  struct boot_params params = {
      .argc = 4, .argv = argv, .tsc_hz = 2400000000u, .wallclock_ns = 123, .console_tty = 5};
  assert_int_equal(boot_info_write(&mem, &image, &params, err, sizeof(err)), 0);
  const struct unikvm_boot_info *bi = (void *)(mem.base + UNIKVM_BOOT_INFO_ADDR);
  assert_int_equal(bi->magic, UNIKVM_BOOT_MAGIC);
  assert_int_equal(bi->abi_version, UNIKVM_ABI_VERSION);
  assert_int_equal(bi->platform, UNIKVM_PLATFORM_HVT);
  assert_int_equal(bi->ram_size, RAM);
  assert_int_equal(bi->stack_top, RAM);
  assert_int_equal(bi->image_end, 0x180000);
  assert_int_equal(bi->tsc_hz, 2400000000u);
  assert_int_equal(bi->wallclock_ns, 123);
  assert_int_equal(bi->console_tty, 5);
  assert_int_equal(bi->argc, 4);
  const uint64_t *table = (void *)(mem.base + bi->argv);
  for (int i = 0; i < 4; i++) {
    assert_true(table[i] >= UNIKVM_ARGS_ADDR && table[i] < UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE);
    assert_string_equal((const char *)mem.base + table[i], argv[i]);
  }
  assert_int_equal(table[4], 0);
}

static void test_arguments_too_long(void **state) {
  (void)state;
  static char big[UNIKVM_ARGS_SIZE];
  memset(big, 'x', sizeof(big) - 1);
  char *argv[] = {"app.elf", big, NULL};
  struct boot_params params = {.argc = 2, .argv = argv, .tsc_hz = 1};
  assert_int_equal(boot_info_write(&mem, &image, &params, err, sizeof(err)), -1);
  assert_non_null(strstr(err, "too long"));
}

static void test_arguments_just_fit(void **state) {
  (void)state;
  static char big[UNIKVM_ARGS_SIZE];
  size_t len = UNIKVM_ARGS_SIZE - 3 * sizeof(uint64_t) - 8 - 1;
  memset(big, 'y', len);
  big[len] = 0;
  char *argv[] = {"app.elf", big, NULL};
  struct boot_params params = {.argc = 2, .argv = argv, .tsc_hz = 1};
  assert_int_equal(boot_info_write(&mem, &image, &params, err, sizeof(err)), 0);
  assert_int_equal(mem.base[UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE], 0); /* nothing past it */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_fields_and_argv),
      T(test_arguments_too_long),
      T(test_arguments_just_fit),
  };
  return cmocka_run_group_tests_name("boot_info", tests, NULL, NULL);
}
