/* test_efi_args.c: the UEFI loader splits the ESP's command line into argv as unikvm lays it out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "efi_args.h"

static uint8_t area[28 * 1024];

static const char *arg(int i) {
  return (const char *)(uintptr_t)((const uint64_t *)area)[i];
}

static int layout(const char *text) {
  memset(area, 0xaa, sizeof(area));
  return efi_args_layout(text, strlen(text), "kernel.elf", area, sizeof(area));
}

static void test_words_and_table(void **state) {
  (void)state;
  assert_int_equal(layout("build/hello-virtio.elf  a\tb\n"), 3);
  assert_string_equal(arg(0), "build/hello-virtio.elf");
  assert_string_equal(arg(1), "a");
  assert_string_equal(arg(2), "b");
  assert_null(arg(3));
  /* The strings follow the table, inside the area. */
  assert_ptr_equal(arg(0), (const char *)area + 4 * sizeof(uint64_t));
}

static void test_quotes_keep_spaces(void **state) {
  (void)state;
  assert_int_equal(layout("k 'b c' \"it's\" x'y z'w ''"), 5);
  assert_string_equal(arg(1), "b c");
  assert_string_equal(arg(2), "it's");
  assert_string_equal(arg(3), "xy zw");
  assert_string_equal(arg(4), "");
}

static void test_empty_gives_default_argv0(void **state) {
  (void)state;
  assert_int_equal(layout(" \n"), 1);
  assert_string_equal(arg(0), "kernel.elf");
  assert_null(arg(1));
  assert_int_equal(efi_args_layout(NULL, 0, "kernel.elf", area, sizeof(area)), 1);
}

static void test_too_long_is_refused(void **state) {
  (void)state;
  static char big[40 * 1024];
  memset(big, 'x', sizeof(big) - 1);
  assert_int_equal(layout(big), -1);
  /* Too many words for the table. */
  for (size_t i = 0; i + 1 < sizeof(big); i += 2)
    big[i] = 'y', big[i + 1] = ' ';
  big[sizeof(big) - 1] = 0;
  assert_int_equal(layout(big), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_words_and_table),
      cmocka_unit_test(test_quotes_keep_spaces),
      cmocka_unit_test(test_empty_gives_default_argv0),
      cmocka_unit_test(test_too_long_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
