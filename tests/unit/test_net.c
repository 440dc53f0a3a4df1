/* test_net.c: the NET_IO hypercall moves batches of frames and refuses bad ones. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "exit_status.h"
#include "fake_vm.h"
#include "hypercall.h"
#include "net.h"
#include "unikvm/abi.h"

#define RAM     (8u << 20)
#define ARG_GPA 0x200000u
#define TX_GPA  0x201000u
#define RX_GPA  0x202000u
#define BUF_GPA 0x300000u
#define MTU     1500u

static struct fake_vm fake;
static struct net_device net;
static int peer; /* the backend's far end: what a tap or the slirp helper would see */

/* Runs every case twice: as a message socket (batched) and as a tap-like fd (one frame per call).
 */
static int setup_with(bool message_socket) {
  if (fake_vm_init(&fake, RAM) < 0)
    return -1;
  if (fake_vm_add_nic(&fake, &net, message_socket, MTU, &peer) < 0)
    return -1;
  return 0;
}

static int setup_socket(void **state) {
  (void)state;
  return setup_with(true);
}

static int setup_tap_like(void **state) {
  (void)state;
  return setup_with(false);
}

static int teardown(void **state) {
  (void)state;
  close(net.fd);
  close(peer);
  fake_vm_free(&fake);
  return 0;
}

static void *at(uint64_t gpa) {
  return fake_vm_at(&fake, gpa);
}

static struct unikvm_net_frame *tx_frames = NULL, *rx_frames = NULL;

/* Puts COUNT tx frames of LEN bytes (byte i of frame f = f + i) into guest RAM. */
static void make_tx(uint32_t count, uint32_t len) {
  tx_frames = at(TX_GPA);
  for (uint32_t f = 0; f < count; f++) {
    uint64_t gpa = BUF_GPA + f * 0x10000u;
    uint8_t *p = at(gpa);
    for (uint32_t i = 0; i < len; i++)
      p[i] = (uint8_t)(f + i);
    tx_frames[f] = (struct unikvm_net_frame){.data = gpa, .len = len};
  }
}

static void make_rx(uint32_t count, uint32_t cap) {
  rx_frames = at(RX_GPA);
  for (uint32_t f = 0; f < count; f++)
    rx_frames[f] =
        (struct unikvm_net_frame){.data = BUF_GPA + 0x100000u + f * 0x10000u, .len = cap};
}

static struct unikvm_hc_net_io *io(uint32_t tx, uint32_t rx, uint64_t timeout_ns) {
  struct unikvm_hc_net_io *arg = at(ARG_GPA);
  *arg = (struct unikvm_hc_net_io){
      .tx = TX_GPA, .rx = RX_GPA, .tx_count = tx, .rx_count = rx, .timeout_ns = timeout_ns};
  return arg;
}

static int call(void) {
  return hypercall_dispatch(&fake.vm, UNIKVM_HC_BASE + UNIKVM_HC_NET_IO, 4, ARG_GPA);
}

static const char *errors(void) {
  return fake_vm_text(fake.err);
}

static void test_tx_batch_reaches_backend(void **state) {
  (void)state;
  make_tx(3, 60);
  struct unikvm_hc_net_io *arg = io(3, 0, 0);
  assert_int_equal(call(), 0);
  assert_int_equal(arg->ret, 0);
  assert_int_equal(arg->tx_done, 3);
  for (uint32_t f = 0; f < 3; f++) {
    uint8_t buf[2000];
    assert_int_equal(recv(peer, buf, sizeof(buf), 0), 60);
    assert_int_equal(buf[0], f);
    assert_int_equal(buf[59], (uint8_t)(f + 59));
  }
  assert_int_equal(net.tx_frames, 3);
}

static void test_rx_batch_from_backend(void **state) {
  (void)state;
  assert_int_equal(send(peer, "frame-one-0123456", 17, 0), 17);
  assert_int_equal(send(peer, "two", 3, 0), 3);
  make_rx(4, MTU + 14);
  struct unikvm_hc_net_io *arg = io(0, 4, 0);
  assert_int_equal(call(), 0);
  assert_int_equal(arg->rx_done, 2);
  assert_int_equal(arg->rx_pending, 0);
  assert_int_equal(rx_frames[0].len, 17);
  assert_memory_equal(at(rx_frames[0].data), "frame-one-0123456", 17);
  assert_int_equal(rx_frames[1].len, 3);
  assert_memory_equal(at(rx_frames[1].data), "two", 3);
}

static void test_rx_full_batch_says_more_pending(void **state) {
  (void)state;
  for (int i = 0; i < 3; i++)
    assert_int_equal(send(peer, "x", 1, 0), 1);
  make_rx(2, MTU + 14);
  struct unikvm_hc_net_io *arg = io(0, 2, 0);
  assert_int_equal(call(), 0);
  assert_int_equal(arg->rx_done, 2);
  assert_int_not_equal(arg->rx_pending, 0);
}

static void test_rx_waits_until_timeout(void **state) {
  (void)state;
  make_rx(1, MTU + 14);
  struct unikvm_hc_net_io *arg = io(0, 1, 1000000);
  assert_int_equal(call(), 0);
  assert_int_equal(arg->rx_done, 0);
  assert_false(fake.vm.stopped);
}

static void test_oversized_tx_frame_is_einval(void **state) {
  (void)state;
  make_tx(3, 100);
  tx_frames[1].len = MTU + 15;
  struct unikvm_hc_net_io *arg = io(3, 0, 0);
  assert_int_equal(call(), 0);
  assert_int_equal(arg->ret, -UNIKVM_EINVAL);
  assert_int_equal(arg->tx_done, 1); /* the frame before it still went out */
  assert_int_equal(net.tx_frames, 1);
  assert_false(fake.vm.stopped);
}

static void test_runt_tx_frame_is_einval(void **state) {
  (void)state;
  make_tx(2, 60);
  tx_frames[0].len = 13;
  struct unikvm_hc_net_io *arg = io(2, 0, 0);
  assert_int_equal(call(), 0);
  assert_int_equal(arg->ret, -UNIKVM_EINVAL);
  assert_int_equal(arg->tx_done, 0);
  uint8_t buf[64];
  assert_int_equal(recv(peer, buf, sizeof(buf), MSG_DONTWAIT), -1);
}

static void test_small_rx_buffer_is_einval(void **state) {
  (void)state;
  assert_int_equal(send(peer, "x", 1, 0), 1);
  make_rx(1, 64);
  struct unikvm_hc_net_io *arg = io(0, 1, 0);
  assert_int_equal(call(), 0);
  assert_int_equal(arg->ret, -UNIKVM_EINVAL);
  assert_int_equal(arg->rx_done, 0);
}

static void test_batch_too_large_stops_vm(void **state) {
  (void)state;
  io(UNIKVM_NET_BATCH_MAX + 1, 0, 0);
  assert_int_equal(call(), -1);
  assert_int_equal(fake.vm.exit_status, EXIT_GUEST_ABI);
  assert_non_null(strstr(errors(), "net_io: batch of 257/0 frames"));
}

static void test_frame_outside_ram_stops_vm(void **state) {
  (void)state;
  make_tx(1, 60);
  tx_frames[0].data = RAM - 10;
  io(1, 0, 0);
  assert_int_equal(call(), -1);
  assert_int_equal(fake.vm.exit_status, EXIT_GUEST_ABI);
  assert_non_null(strstr(errors(), "net_io: address 0x7ffff6+60 outside guest RAM"));
  uint8_t buf[64];
  assert_int_equal(recv(peer, buf, sizeof(buf), MSG_DONTWAIT), -1); /* nothing was sent */
}

static void test_frame_array_wraps_stops_vm(void **state) {
  (void)state;
  struct unikvm_hc_net_io *arg = io(0, 4, 0);
  arg->rx = UINT64_MAX - 16;
  assert_int_equal(call(), -1);
  assert_int_equal(fake.vm.exit_status, EXIT_GUEST_ABI);
}

static void test_no_network_device(void **state) {
  (void)state;
  fake.vm.net = NULL;
  io(0, 0, 0);
  assert_int_equal(call(), -1);
  assert_non_null(strstr(errors(), "no network device"));
}

static void test_poll_wakes_on_frame(void **state) {
  (void)state;
  assert_int_equal(send(peer, "x", 1, 0), 1);
  struct unikvm_hc_poll *arg = at(ARG_GPA);
  *arg = (struct unikvm_hc_poll){.timeout_ns = UINT64_MAX};
  assert_int_equal(hypercall_dispatch(&fake.vm, UNIKVM_HC_BASE + UNIKVM_HC_POLL, 4, ARG_GPA), 0);
  assert_int_equal(arg->ready, UNIKVM_READY_NET_RX);
}

#define BOTH(fn)                                                                                   \
  cmocka_unit_test_setup_teardown(fn, setup_socket, teardown),                                     \
      cmocka_unit_test_setup_teardown(fn, setup_tap_like, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      BOTH(test_tx_batch_reaches_backend),
      BOTH(test_rx_batch_from_backend),
      BOTH(test_rx_full_batch_says_more_pending),
      BOTH(test_rx_waits_until_timeout),
      BOTH(test_oversized_tx_frame_is_einval),
      BOTH(test_small_rx_buffer_is_einval),
      BOTH(test_runt_tx_frame_is_einval),
      BOTH(test_batch_too_large_stops_vm),
      BOTH(test_frame_outside_ram_stops_vm),
      BOTH(test_frame_array_wraps_stops_vm),
      BOTH(test_no_network_device),
      BOTH(test_poll_wakes_on_frame),
  };
  return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
