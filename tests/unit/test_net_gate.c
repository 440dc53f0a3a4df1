/* test_net_gate.c: one client connection at a time under --reset-per-request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../host/net_gate.h"

#define SYN 0x02
#define ACK 0x10
#define FIN 0x01

/* An Ethernet + IPv4 + TCP frame from CLIENT_PORT to the guest's port 80. */
static uint32_t tcp_frame(uint8_t *f, uint16_t client_port, uint8_t flags) {
  memset(f, 0, 64);
  f[12] = 0x08; /* IPv4 */
  f[14] = 0x45; /* version 4, 20-byte header */
  f[23] = 6;    /* TCP */
  memcpy(f + 26, "\x0a\x00\x00\x01", 4);
  f[34] = (uint8_t)(client_port >> 8), f[35] = (uint8_t)client_port;
  f[36] = 0, f[37] = 80;
  f[47] = flags;
  return 64;
}

static void only_one_connection_passes_until_the_reset(void **state) {
  (void)state;
  struct net_gate *g = net_gate_new();
  assert_non_null(g);
  uint8_t f[64], out[2048];
  uint32_t len = tcp_frame(f, 1000, SYN);
  assert_true(net_gate_admit(g, f, len)); /* picks the connection served */
  len = tcp_frame(f, 1000, ACK);
  assert_true(net_gate_admit(g, f, len));
  len = tcp_frame(f, 2000, SYN);
  assert_false(net_gate_admit(g, f, len)); /* the next client waits */
  len = tcp_frame(f, 2000, ACK);
  assert_false(net_gate_admit(g, f, len)); /* ...all of it */
  len = tcp_frame(f, 3000, ACK);
  assert_true(net_gate_admit(g, f, len)); /* a stray frame of an old connection passes */
  uint8_t arp[60] = {[12] = 0x08, [13] = 0x06};
  assert_true(net_gate_admit(g, arp, sizeof(arp))); /* not TCP: passes */
  len = tcp_frame(f, 1000, FIN | ACK);
  assert_true(net_gate_admit(g, f, len));
  assert_false(net_gate_pending(g));

  assert_int_equal(net_gate_reset(g), 2);
  assert_true(net_gate_pending(g));
  assert_int_equal(net_gate_take(g, out, sizeof(out)), 64); /* the kept SYN, now served */
  assert_int_equal(out[47], SYN);
  assert_int_equal(out[35], 2000 & 0xff);
  assert_int_equal(net_gate_take(g, out, sizeof(out)), 64);
  assert_int_equal(out[47], ACK);
  assert_int_equal(net_gate_take(g, out, sizeof(out)), 0);
  assert_false(net_gate_pending(g));
  len = tcp_frame(f, 4000, SYN);
  assert_false(net_gate_admit(g, f, len)); /* 2000 is served now */
  net_gate_free(g);
}

static void garbage_is_not_tcp(void **state) {
  (void)state;
  struct net_gate *g = net_gate_new();
  uint8_t f[64];
  tcp_frame(f, 1000, SYN);
  assert_true(net_gate_admit(g, f, 20)); /* too short to be TCP */
  f[14] = 0x4f;                          /* a 60-byte IP header the frame does not hold */
  assert_true(net_gate_admit(g, f, 64));
  assert_false(net_gate_pending(g));
  net_gate_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(only_one_connection_passes_until_the_reset),
      cmocka_unit_test(garbage_is_not_tcp),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
