/* test_slirp_hostfwd.c: unikvm-slirp's command line: --hostfwd rules, --mac, errors. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "slirp/args.h"
#include "slirp/hostfwd.h"

static struct hostfwd fwd;
static char why[256];

static int parse(const char *spec) {
  memset(&fwd, 0xaa, sizeof(fwd));
  why[0] = 0;
  return hostfwd_parse(spec, &fwd, why, sizeof(why));
}

static void assert_addr(struct in_addr addr, const char *want) {
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &addr, text, sizeof(text));
  assert_string_equal(text, want);
}

static void assert_rule(const char *spec, int udp, const char *host, int host_port,
                        const char *guest, int guest_port) {
  if (parse(spec) != 0)
    fail_msg("'%s' rejected: %s", spec, why);
  assert_int_equal(fwd.udp, udp);
  assert_addr(fwd.host_addr, host);
  assert_int_equal(fwd.host_port, host_port);
  assert_addr(fwd.guest_addr, guest);
  assert_int_equal(fwd.guest_port, guest_port);
}

static void assert_rejected(const char *spec, const char *reason) {
  if (parse(spec) == 0)
    fail_msg("'%s' accepted", spec);
  if (!strstr(why, reason))
    fail_msg("'%s': reason '%s' lacks '%s'", spec, why, reason);
}

static void test_hostfwd_forms(void **state) {
  (void)state;
  /* The host side defaults to loopback: never listen beyond it unless asked. */
  assert_rule("tcp:8080-:80", 0, "127.0.0.1", 8080, "10.0.2.15", 80);
  assert_rule("tcp::8080-:80", 0, "127.0.0.1", 8080, "10.0.2.15", 80);
  assert_rule("tcp:127.0.0.1:8080-:80", 0, "127.0.0.1", 8080, "10.0.2.15", 80);
  assert_rule("tcp::8080-10.0.2.15:80", 0, "127.0.0.1", 8080, "10.0.2.15", 80);
  assert_rule("tcp:0.0.0.0:1-10.0.2.16:65535", 0, "0.0.0.0", 1, "10.0.2.16", 65535);
  assert_rule("udp:127.0.0.2:5353-:53", 1, "127.0.0.2", 5353, "10.0.2.15", 53);
  assert_rule("tcp:8080-80", 0, "127.0.0.1", 8080, "10.0.2.15", 80);
  assert_rule("::8080-:80", 0, "127.0.0.1", 8080, "10.0.2.15", 80); /* QEMU: tcp by default */
}

static void test_hostfwd_errors(void **state) {
  (void)state;
  assert_rejected("", "expected tcp|udp:");
  assert_rejected("tcp", "expected tcp|udp:");
  assert_rejected("tcp:xyz", "expected one '-'");
  assert_rejected("tcp:8080", "expected one '-'");
  assert_rejected("tcp:1-:2-:3", "expected one '-'");
  assert_rejected("sctp:1-:2", "bad protocol 'sctp'");
  assert_rejected("TCP:1-:2", "bad protocol");
  assert_rejected("tcp:-:80", "bad host port ''");
  assert_rejected("tcp:0-:80", "bad host port '0'");
  assert_rejected("tcp:65536-:80", "bad host port");
  assert_rejected("tcp:123456-:80", "bad host port");
  assert_rejected("tcp:+80-:80", "bad host port");
  assert_rejected("tcp: 80-:80", "bad host port");
  assert_rejected("tcp:8080-", "bad guest port ''");
  assert_rejected("tcp:8080-:", "bad guest port");
  assert_rejected("tcp:8080-:80 ", "bad guest port");
  assert_rejected("tcp:8080-:0x50", "bad guest port");
  assert_rejected("tcp:localhost:8080-:80", "bad host address 'localhost'");
  assert_rejected("tcp:1.2.3:8080-:80", "bad host address");
  assert_rejected("tcp:255.255.255.255.1:8080-:80", "bad host address");
  assert_rejected("tcp:8080-10.0.2:80", "bad guest address");
  /* Guest addresses that are slirp itself, or outside the network, go nowhere. */
  assert_rejected("tcp:8080-10.0.2.2:80", "10.0.2.2 is not a guest's address");
  assert_rejected("tcp:8080-10.0.2.3:80", "not a guest's address");
  assert_rejected("tcp:8080-10.0.2.0:80", "not a guest's address");
  assert_rejected("tcp:8080-10.0.2.255:80", "not a guest's address");
  assert_rejected("tcp:8080-10.0.3.1:80", "not a guest's address");
  assert_rejected("tcp:8080-0.0.0.0:80", "not a guest's address");
}

static struct args args;
static char err[512];

#define PARSE_ARGS(...)                                                                            \
  args_parse(&args, (int)(sizeof((char *[]){"unikvm-slirp", __VA_ARGS__}) / sizeof(char *)),       \
             (char *[]){"unikvm-slirp", __VA_ARGS__, NULL}, err, sizeof(err))

static void test_args(void **state) {
  (void)state;
  assert_int_equal(PARSE_ARGS("--mac", "52:54:00:AB:cd:0f"), 0);
  assert_false(args.restrict_guest);
  assert_false(args.stats);
  assert_int_equal(args.hostfwd_count, 0);
  static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0x0f};
  assert_memory_equal(args.mac, mac, 6);

  assert_int_equal(PARSE_ARGS("--restrict", "--hostfwd", "tcp:8080-:80", "--hostfwd=udp:53-:53",
                              "--stats", "--mac=52:54:00:00:00:01"),
                   0);
  assert_true(args.restrict_guest);
  assert_true(args.stats);
  assert_int_equal(args.hostfwd_count, 2);
  assert_string_equal(args.hostfwd_spec[0], "tcp:8080-:80");
  assert_int_equal(args.hostfwd[0].host_port, 8080);
  assert_string_equal(args.hostfwd_spec[1], "udp:53-:53");
  assert_true(args.hostfwd[1].udp);
  assert_int_equal(args.mac[5], 1);
}

static void test_args_errors(void **state) {
  (void)state;
  assert_int_equal(PARSE_ARGS("--restrict"), -1);
  assert_string_equal(err, "--mac: missing (the guest's MAC address)");
  assert_int_equal(PARSE_ARGS("--mac", "52:54:00:00:00:01", "--hostfwd", "tcp:xyz"), -1);
  assert_string_equal(err,
                      "--hostfwd tcp:xyz: expected one '-' between the host and the guest side");
  assert_int_equal(PARSE_ARGS("--mac", "52:54:00:00:00:01", "--hostfwd"), -1);
  assert_string_equal(err, "--hostfwd: missing value");
  assert_int_equal(PARSE_ARGS("--mac"), -1);
  assert_string_equal(err, "--mac: missing value");
  assert_int_equal(PARSE_ARGS("--mac", "52:54:00:00:00:01", "--restricted"), -1);
  assert_string_equal(err, "--restricted: unknown option");
  assert_int_equal(PARSE_ARGS("--mac", "52:54:00:00:00:01", "extra"), -1);
  assert_string_equal(err, "extra: unknown option");
  assert_int_equal(PARSE_ARGS("--macaddr", "52:54:00:00:00:01"), -1);
  assert_string_equal(err, "--macaddr: unknown option");

  char *argv[2 + 2 * (ARGS_MAX_HOSTFWD + 1) + 1];
  char specs[ARGS_MAX_HOSTFWD + 1][32];
  int argc = 0;
  argv[argc++] = "unikvm-slirp";
  argv[argc++] = "--mac=52:54:00:00:00:01";
  for (int i = 0; i <= ARGS_MAX_HOSTFWD; i++) {
    snprintf(specs[i], sizeof(specs[i]), "tcp:%d-:80", 10000 + i);
    argv[argc++] = "--hostfwd";
    argv[argc++] = specs[i];
  }
  argv[argc] = NULL;
  assert_int_equal(args_parse(&args, argc, argv, err, sizeof(err)), -1);
  assert_non_null(strstr(err, "more than"));
}

static void test_mac(void **state) {
  (void)state;
  uint8_t mac[6];
  assert_int_equal(args_parse_mac("02:00:00:00:00:00", mac), 0);
  assert_int_equal(mac[0], 2);
  assert_int_equal(args_parse_mac("01:00:5e:00:00:01", mac), -1); /* multicast */
  assert_int_equal(args_parse_mac("ff:ff:ff:ff:ff:ff", mac), -1);
  assert_int_equal(args_parse_mac("52:54:00:12:34", mac), -1);
  assert_int_equal(args_parse_mac("52:54:00:12:34:567", mac), -1);
  assert_int_equal(args_parse_mac("52-54-00-12-34-56", mac), -1);
  assert_int_equal(args_parse_mac("52:54:00:12:34:5g", mac), -1);
  assert_int_equal(args_parse_mac("", mac), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hostfwd_forms), cmocka_unit_test(test_hostfwd_errors),
      cmocka_unit_test(test_args),          cmocka_unit_test(test_args_errors),
      cmocka_unit_test(test_mac),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
