/* test_options.c: unikvm's command line: sizes, errors, guest arguments. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"

static struct options opts;
static char err[256];

/* options_parse keeps pointers into argv, so it must outlive the call. */
static char *saved_argv[16];

static int parse(int argc, char **argv) {
  err[0] = 0;
  memcpy(saved_argv, argv, (size_t)(argc + 1) * sizeof(char *));
  return options_parse(&opts, argc, saved_argv, err, sizeof(err));
}

#define PARSE(...)                                                                                 \
  parse((int)(sizeof((char *[]){"unikvm", __VA_ARGS__}) / sizeof(char *)),                         \
        (char *[]){"unikvm", __VA_ARGS__, NULL})

static void test_sizes(void **state) {
  (void)state;
  uint64_t v;
  assert_int_equal(options_parse_size("64M", &v), 0);
  assert_int_equal(v, 64ull << 20);
  assert_int_equal(options_parse_size("1G", &v), 0);
  assert_int_equal(v, 1ull << 30);
  assert_int_equal(options_parse_size("512k", &v), 0);
  assert_int_equal(v, 512ull << 10);
  assert_int_equal(options_parse_size("2MiB", &v), 0);
  assert_int_equal(v, 2ull << 20);
  assert_int_equal(options_parse_size("4096", &v), 0);
  assert_int_equal(v, 4096);
  assert_int_equal(options_parse_size("", &v), -1);
  assert_int_equal(options_parse_size("-1M", &v), -1);
  assert_int_equal(options_parse_size("12Q", &v), -1);
  assert_int_equal(options_parse_size("M", &v), -1);
  assert_int_equal(options_parse_size("99999999999999999999G", &v), -1);
  assert_int_equal(options_parse_size("17179869184G", &v), -1); /* overflows on shift */
}

static void test_defaults(void **state) {
  (void)state;
  assert_int_equal(PARSE("hello.elf"), 0);
  assert_int_equal(opts.action, OPTIONS_RUN);
  assert_int_equal(opts.mem_size, OPTIONS_MEM_DEFAULT);
  assert_false(opts.stats);
  assert_string_equal(opts.image, "hello.elf");
  assert_int_equal(opts.guest_argc, 1);
  assert_string_equal(opts.guest_argv[0], "hello.elf");
  assert_null(opts.guest_argv[1]);
}

static void test_guest_args_after_dashdash(void **state) {
  (void)state;
  assert_int_equal(PARSE("--mem", "128M", "--stats", "app.elf", "--", "-x", "--mem", "y"), 0);
  assert_int_equal(opts.mem_size, 128ull << 20);
  assert_true(opts.stats);
  assert_int_equal(opts.guest_argc, 4);
  assert_string_equal(opts.guest_argv[0], "app.elf");
  assert_string_equal(opts.guest_argv[1], "-x");
  assert_string_equal(opts.guest_argv[2], "--mem");
  assert_string_equal(opts.guest_argv[3], "y");
  assert_null(opts.guest_argv[4]);
}

static void test_guest_args_without_dashdash(void **state) {
  (void)state;
  assert_int_equal(PARSE("--mem=16M", "app.elf", "a", "b"), 0);
  assert_int_equal(opts.mem_size, 16ull << 20);
  assert_int_equal(opts.guest_argc, 3);
  assert_string_equal(opts.guest_argv[1], "a");
  assert_string_equal(opts.guest_argv[2], "b");
}

static void test_help_and_version(void **state) {
  (void)state;
  assert_int_equal(PARSE("--help"), 0);
  assert_int_equal(opts.action, OPTIONS_HELP);
  assert_int_equal(PARSE("--version"), 0);
  assert_int_equal(opts.action, OPTIONS_VERSION);
}

static void expect_error(int rc, const char *why) {
  assert_int_equal(rc, -1);
  if (!strstr(err, why))
    fail_msg("error \"%s\" does not mention \"%s\"", err, why);
}

static void test_errors(void **state) {
  (void)state;
  expect_error(PARSE("--mem", "4M", "x.elf"), "--mem 4M: too small");
  expect_error(PARSE("--mem", "8G", "x.elf"), "--mem 8G: too large");
  expect_error(PARSE("--mem", "9M", "x.elf"), "--mem 9M: not a multiple of 2M");
  expect_error(PARSE("--mem", "lots", "x.elf"), "--mem lots: not a size");
  expect_error(PARSE("--bogus", "x.elf"), "--bogus: unknown option");
  expect_error(PARSE("--stats"), "IMAGE: missing");
  /* After the image every word is the guest's, even one that looks like ours. */
  assert_int_equal(PARSE("x.elf", "--mem"), 0);
  assert_string_equal(opts.guest_argv[1], "--mem");
}

static void test_network_options(void **state) {
  (void)state;
  assert_int_equal(PARSE("--net", "user,hostfwd=tcp:8080-:80,restrict=on", "x.elf"), 0);
  assert_string_equal(opts.net, "user,hostfwd=tcp:8080-:80,restrict=on");
  assert_int_equal(PARSE("--net", "tap:tap0", "--ip", "10.1.0.2/16", "--gw", "10.1.0.1", "x.elf"),
                   0);
  assert_string_equal(opts.net, "tap:tap0");
  assert_int_equal(opts.ipv4_addr, htonl(0x0a010002));
  assert_int_equal(opts.ipv4_prefix, 16);
  assert_int_equal(opts.ipv4_gateway, htonl(0x0a010001));
  assert_int_equal(PARSE("--ip", "10.1.0.2", "x.elf"), 0);
  assert_int_equal(opts.ipv4_prefix, 24);
  assert_int_equal(PARSE("x.elf"), 0);
  assert_null(opts.net);
  expect_error(PARSE("--net", "bridge", "x.elf"), "--net bridge: expected user");
  assert_int_equal(PARSE("--net", "none", "x.elf"), 0);
  assert_string_equal(opts.net, "none");
  expect_error(PARSE("--net", "tap:", "x.elf"), "--net tap:: expected");
  expect_error(PARSE("--net", "user,hostfw=1", "x.elf"), "user options are");
  expect_error(PARSE("--net", "user,restrict=maybe", "x.elf"), "user options are");
  expect_error(PARSE("--ip", "10.0.0.300/24", "x.elf"), "--ip 10.0.0.300/24: expected");
  expect_error(PARSE("--ip", "10.0.0.1/33", "x.elf"), "--ip 10.0.0.1/33: expected");
  expect_error(PARSE("--gw", "10.0.0.1/24", "x.elf"), "--gw 10.0.0.1/24: expected A.B.C.D");
  expect_error(PARSE("--gw", "10.0.0.1", "x.elf"), "--gw: needs --ip");
  assert_int_equal(PARSE("x.elf"), 0);
  assert_int_equal(opts.net_poll_us, OPTIONS_NET_POLL_DEFAULT_US);
  assert_int_equal(PARSE("--net-poll", "0", "x.elf"), 0);
  assert_int_equal(opts.net_poll_us, 0);
  assert_int_equal(PARSE("--net-poll", "100000", "x.elf"), 0);
  assert_int_equal(opts.net_poll_us, 100000);
  expect_error(PARSE("--net-poll", "100001", "x.elf"), "--net-poll: expected microseconds");
  expect_error(PARSE("--net-poll", "-1", "x.elf"), "--net-poll: expected microseconds");
  expect_error(PARSE("--net-poll", "5us", "x.elf"), "--net-poll: expected microseconds");
  assert_int_equal(opts.pin, OPTIONS_PIN_AUTO);
  assert_int_equal(PARSE("--pin", "off", "x.elf"), 0);
  assert_int_equal(opts.pin, OPTIONS_PIN_OFF);
  assert_int_equal(PARSE("--pin", "1", "x.elf"), 0);
  assert_int_equal(opts.pin, 1);
  assert_int_equal(PARSE("--pin", "auto", "x.elf"), 0);
  assert_int_equal(opts.pin, OPTIONS_PIN_AUTO);
  expect_error(PARSE("--pin", "-1", "x.elf"), "--pin: expected auto, off or a CPU number");
  expect_error(PARSE("--pin", "first", "x.elf"), "--pin: expected auto, off or a CPU number");
  expect_error(PARSE("--pin", "99999", "x.elf"), "--pin: expected auto, off or a CPU number");
}

static void test_missing_mem_argument(void **state) {
  (void)state;
  char *argv[] = {"unikvm", "--mem", NULL};
  expect_error(parse(2, argv), "--mem");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sizes),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_guest_args_after_dashdash),
      cmocka_unit_test(test_guest_args_without_dashdash),
      cmocka_unit_test(test_help_and_version),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_network_options),
      cmocka_unit_test(test_missing_mem_argument),
  };
  return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
