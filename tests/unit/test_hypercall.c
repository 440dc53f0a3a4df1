/* test_hypercall.c: hypercall dispatch validates every guest address and ends bad guests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exit_status.h"
#include "fake_vm.h"
#include "hypercall.h"
#include "unikvm/abi.h"

#define RAM      (8u << 20)
#define ARG_GPA  0x200000u
#define DATA_GPA 0x300000u

static struct fake_vm fake;

static int setup(void **state) {
  (void)state;
  return fake_vm_init(&fake, RAM);
}

static int teardown(void **state) {
  (void)state;
  fake_vm_free(&fake);
  return 0;
}

static void *at(uint64_t gpa) {
  return fake_vm_at(&fake, gpa);
}

static int call(unsigned nr, uint32_t arg_gpa) {
  return hypercall_dispatch(&fake.vm, (uint16_t)(UNIKVM_HC_BASE + nr), 4, arg_gpa);
}

static void expect_stopped(int status, const char *why) {
  assert_true(fake.vm.stopped);
  assert_int_equal(fake.vm.exit_status, status);
  const char *msg = fake_vm_text(fake.err);
  if (!strstr(msg, why))
    fail_msg("stderr \"%s\" does not mention \"%s\"", msg, why);
  assert_non_null(strstr(msg, "unikvm: "));
}

static struct unikvm_hc_console_write *console_arg(uint64_t data, uint64_t len, uint32_t stream) {
  struct unikvm_hc_console_write *arg = at(ARG_GPA);
  *arg = (struct unikvm_hc_console_write){.data = data, .len = len, .stream = stream};
  return arg;
}

static void test_console_write_stdout(void **state) {
  (void)state;
  memcpy(at(DATA_GPA), "hello\n", 6);
  struct unikvm_hc_console_write *arg = console_arg(DATA_GPA, 6, UNIKVM_CONSOLE_STDOUT);
  assert_int_equal(call(UNIKVM_HC_CONSOLE_WRITE, ARG_GPA), 0);
  assert_false(fake.vm.stopped);
  assert_int_equal(arg->ret, 6);
  assert_string_equal(fake_vm_text(fake.out), "hello\n");
  assert_int_equal(fake.vm.stats.hypercalls[UNIKVM_HC_CONSOLE_WRITE], 1);
}

static void test_console_write_stderr(void **state) {
  (void)state;
  memcpy(at(DATA_GPA), "oops", 4);
  console_arg(DATA_GPA, 4, UNIKVM_CONSOLE_STDERR);
  assert_int_equal(call(UNIKVM_HC_CONSOLE_WRITE, ARG_GPA), 0);
  assert_string_equal(fake_vm_text(fake.err), "oops");
  assert_string_equal(fake_vm_text(fake.out), "");
}

static void test_console_write_data_at_ram_end(void **state) {
  (void)state;
  console_arg(RAM - 4, 4, UNIKVM_CONSOLE_STDOUT);
  assert_int_equal(call(UNIKVM_HC_CONSOLE_WRITE, ARG_GPA), 0);
  assert_false(fake.vm.stopped);
}

static void test_console_write_data_past_ram(void **state) {
  (void)state;
  console_arg(RAM - 4, 5, UNIKVM_CONSOLE_STDOUT);
  assert_int_equal(call(UNIKVM_HC_CONSOLE_WRITE, ARG_GPA), -1);
  expect_stopped(EXIT_GUEST_ABI, "console_write: address 0x7ffffc+5 outside guest RAM");
  assert_string_equal(fake_vm_text(fake.out), "");
}

static void test_console_write_length_wraps(void **state) {
  (void)state;
  console_arg(0xffffffffffffff00ull, 0x200, UNIKVM_CONSOLE_STDOUT);
  assert_int_equal(call(UNIKVM_HC_CONSOLE_WRITE, ARG_GPA), -1);
  expect_stopped(EXIT_GUEST_ABI, "outside guest RAM");
}

static void test_console_write_huge_length(void **state) {
  (void)state;
  console_arg(DATA_GPA, UINT64_MAX, UNIKVM_CONSOLE_STDOUT);
  assert_int_equal(call(UNIKVM_HC_CONSOLE_WRITE, ARG_GPA), -1);
  expect_stopped(EXIT_GUEST_ABI, "outside guest RAM");
}

static void test_console_write_bad_stream(void **state) {
  (void)state;
  console_arg(DATA_GPA, 1, 7);
  assert_int_equal(call(UNIKVM_HC_CONSOLE_WRITE, ARG_GPA), -1);
  expect_stopped(EXIT_GUEST_ABI, "unknown stream 7");
}

static void test_arg_struct_outside_ram(void **state) {
  (void)state;
  assert_int_equal(call(UNIKVM_HC_CONSOLE_WRITE, 0xfff00000u), -1);
  expect_stopped(EXIT_GUEST_ABI, "address 0xfff00000");
}

static void test_arg_struct_straddles_ram_end(void **state) {
  (void)state;
  assert_int_equal(call(UNIKVM_HC_WALLTIME, RAM - 4), -1);
  expect_stopped(EXIT_GUEST_ABI, "hypercall walltime");
}

static void test_unknown_hypercall(void **state) {
  (void)state;
  assert_int_equal(call(UNIKVM_HC_COUNT, ARG_GPA), -1);
  char want[64];
  snprintf(want, sizeof(want), "unknown I/O port 0x%x", UNIKVM_HC_BASE + UNIKVM_HC_COUNT);
  expect_stopped(EXIT_GUEST_ABI, want);
}

static void test_port_below_base(void **state) {
  (void)state;
  assert_int_equal(hypercall_dispatch(&fake.vm, 0x3f8, 1, 'x'), -1);
  expect_stopped(EXIT_GUEST_ABI, "unknown I/O port 0x3f8");
}

static void test_wrong_access_size(void **state) {
  (void)state;
  assert_int_equal(hypercall_dispatch(&fake.vm, UNIKVM_HC_BASE, 1, 0), -1);
  expect_stopped(EXIT_GUEST_ABI, "1-byte out");
}

static void test_exit_status(void **state) {
  (void)state;
  *(struct unikvm_hc_exit *)at(ARG_GPA) = (struct unikvm_hc_exit){.status = 0x1ff};
  assert_int_equal(call(UNIKVM_HC_EXIT, ARG_GPA), -1);
  assert_true(fake.vm.stopped);
  assert_int_equal(fake.vm.exit_status, 0xff);
  assert_string_equal(fake_vm_text(fake.err), "");
}

static void test_abort_message(void **state) {
  (void)state;
  memcpy(at(DATA_GPA), "assertion failed\n", 17);
  *(struct unikvm_hc_abort *)at(ARG_GPA) = (struct unikvm_hc_abort){.msg = DATA_GPA, .len = 17};
  assert_int_equal(call(UNIKVM_HC_ABORT, ARG_GPA), -1);
  expect_stopped(EXIT_GUEST_ABORT, "unikvm: guest aborted: assertion failed\n");
}

static void test_abort_bad_message(void **state) {
  (void)state;
  *(struct unikvm_hc_abort *)at(ARG_GPA) = (struct unikvm_hc_abort){.msg = RAM, .len = 1};
  assert_int_equal(call(UNIKVM_HC_ABORT, ARG_GPA), -1);
  expect_stopped(EXIT_GUEST_ABI, "hypercall abort");
}

static void test_abort_huge_message_is_truncated(void **state) {
  (void)state;
  memset(at(DATA_GPA), 'x', 8192);
  *(struct unikvm_hc_abort *)at(ARG_GPA) = (struct unikvm_hc_abort){.msg = DATA_GPA, .len = 8192};
  assert_int_equal(call(UNIKVM_HC_ABORT, ARG_GPA), -1);
  assert_int_equal(fake.vm.exit_status, EXIT_GUEST_ABORT);
}

static void test_walltime(void **state) {
  (void)state;
  struct unikvm_hc_walltime *arg = at(ARG_GPA);
  assert_int_equal(call(UNIKVM_HC_WALLTIME, ARG_GPA), 0);
  assert_true(arg->ns > 1700000000ull * 1000000000ull);
}

static void test_cputime_advances_with_work(void **state) {
  (void)state;
  struct unikvm_hc_cputime *arg = at(ARG_GPA);
  assert_int_equal(call(UNIKVM_HC_CPUTIME, ARG_GPA), 0);
  uint64_t first = arg->ns;
  volatile uint64_t spin = 0;
  for (unsigned i = 0; i < 20000000; i++)
    spin += i;
  assert_int_equal(call(UNIKVM_HC_CPUTIME, ARG_GPA), 0);
  assert_true(arg->ns > first);
}

static void test_poll_timeout(void **state) {
  (void)state;
  struct unikvm_hc_poll *arg = at(ARG_GPA);
  *arg = (struct unikvm_hc_poll){.timeout_ns = 1000, .ready = 77};
  assert_int_equal(call(UNIKVM_HC_POLL, ARG_GPA), 0);
  assert_int_equal(arg->ready, 0);
}

static void test_poll_forever_without_devices(void **state) {
  (void)state;
  *(struct unikvm_hc_poll *)at(ARG_GPA) = (struct unikvm_hc_poll){.timeout_ns = UINT64_MAX};
  assert_int_equal(call(UNIKVM_HC_POLL, ARG_GPA), -1);
  expect_stopped(EXIT_GUEST_ABI, "waits forever");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_console_write_stdout),
      T(test_console_write_stderr),
      T(test_console_write_data_at_ram_end),
      T(test_console_write_data_past_ram),
      T(test_console_write_length_wraps),
      T(test_console_write_huge_length),
      T(test_console_write_bad_stream),
      T(test_arg_struct_outside_ram),
      T(test_arg_struct_straddles_ram_end),
      T(test_unknown_hypercall),
      T(test_port_below_base),
      T(test_wrong_access_size),
      T(test_exit_status),
      T(test_abort_message),
      T(test_abort_bad_message),
      T(test_abort_huge_message_is_truncated),
      T(test_walltime),
      T(test_cputime_advances_with_work),
      T(test_poll_timeout),
      T(test_poll_forever_without_devices),
  };
  return cmocka_run_group_tests_name("hypercall", tests, NULL, NULL);
}
