/* test_net_ring.c: the NIC's shared rings: the host thread moves frames both ways without a
 * hypercall, POLL waits for and sends what is left, and broken rings stop the VM. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "exit_status.h"
#include "fake_vm.h"
#include "hypercall.h"
#include "net.h"
#include "net_ring.h"
#include "unikvm/abi.h"

#define RAM      (8u << 20)
#define ARG_GPA  0x200000u
#define RING_GPA 0x210000u
#define BUF_GPA  0x300000u
#define MTU      1500u
#define SLOTS    8u
#define POLL_NS  2000000u /* the thread polls 2 ms after each frame */

static struct fake_vm fake;
static struct net_device net;
static int peer; /* the backend's far end */
static struct unikvm_net_ring *ring;

static uint64_t poll_ns; /* the thread's awake window in this test */

static int setup_polling(uint64_t ns) {
  if (fake_vm_init(&fake, RAM) < 0)
    return -1;
  if (fake_vm_add_nic(&fake, &net, true, MTU, &peer) < 0)
    return -1;
  char err[128];
  poll_ns = ns;
  if (net_ring_start(&fake.vm, &net, ns, err, sizeof(err)) < 0)
    return -1;
  ring = fake_vm_at(&fake, RING_GPA);
  return 0;
}

static int setup(void **state) {
  (void)state;
  return setup_polling(POLL_NS);
}

/* A window long enough that "still awake" does not depend on how fast this test runs. */
static int setup_long_poll(void **state) {
  (void)state;
  return setup_polling(1000000000u);
}

static int teardown(void **state) {
  (void)state;
  net_ring_stop(net.ring);
  net_ring_free(net.ring);
  close(net.fd);
  close(peer);
  fake_vm_free(&fake);
  return 0;
}

static int offer(uint64_t gpa, uint32_t slots) {
  struct unikvm_hc_net_ring *arg = fake_vm_at(&fake, ARG_GPA);
  *arg = (struct unikvm_hc_net_ring){.ring = gpa, .slots = slots, .ret = 7};
  return hc_net_ring(&fake.vm, ARG_GPA);
}

/* Offers the rings with every rx slot posted (buffers at BUF_GPA + 64 KiB * i), as a guest
 * that polls rx (so the thread fills it while the guest runs). */
static void offer_posted(void) {
  for (uint32_t i = 0; i < SLOTS; i++)
    ring->rx[i] = (struct unikvm_net_frame){.data = BUF_GPA + 0x10000u * i, .len = MTU + 14};
  ring->rx_avail = SLOTS;
  ring->guest_polls = 1;
  assert_int_equal(offer(RING_GPA, SLOTS), 0);
  struct unikvm_hc_net_ring *arg = fake_vm_at(&fake, ARG_GPA);
  assert_int_equal(arg->ret, 0);
  assert_int_equal(arg->poll_ns, poll_ns);
  assert_true(net_ring_active(net.ring));
}

/* Waits (bounded) until *P == WANT, as the guest would poll it. */
static bool becomes(const uint32_t *p, uint32_t want) {
  for (int i = 0; i < 5000; i++) {
    if (__atomic_load_n(p, __ATOMIC_ACQUIRE) == want)
      return true;
    usleep(1000);
  }
  return false;
}

static void queue_tx(uint32_t index, uint64_t gpa, uint32_t len) {
  ring->tx[index % SLOTS] = (struct unikvm_net_frame){.data = gpa, .len = len};
  __atomic_store_n(&ring->tx_head, index + 1, __ATOMIC_RELEASE);
}

static void test_tx_leaves_without_a_hypercall(void **state) {
  (void)state;
  offer_posted();
  uint8_t *frame = fake_vm_at(&fake, BUF_GPA + 0x100000u);
  for (int i = 0; i < 60; i++)
    frame[i] = (uint8_t)(i + 1);
  queue_tx(0, BUF_GPA + 0x100000u, 60);
  assert_true(becomes(&ring->tx_tail, 1)); /* the thread took it */
  uint8_t got[2048];
  struct pollfd p = {.fd = peer, .events = POLLIN};
  assert_int_equal(poll(&p, 1, 5000), 1);
  assert_int_equal(recv(peer, got, sizeof(got), 0), 60);
  assert_memory_equal(got, frame, 60);
}

static void test_rx_fills_posted_buffers(void **state) {
  (void)state;
  offer_posted();
  for (uint8_t i = 0; i < 3; i++) {
    uint8_t frame[100];
    memset(frame, 0x40 + i, sizeof(frame));
    assert_int_equal(send(peer, frame, 20u + i, 0), 20 + i);
  }
  assert_true(becomes(&ring->rx_used, 3));
  for (uint32_t i = 0; i < 3; i++) {
    assert_int_equal(ring->rx[i].len, 20 + i);
    const uint8_t *buf = fake_vm_at(&fake, ring->rx[i].data);
    assert_int_equal(buf[0], 0x40 + i);
    assert_int_equal(buf[19 + i], 0x40 + i);
  }
  /* Nothing more arrived, and the guest has taken the three: a POLL with a short timeout. */
  ring->rx_seen = 3;
  assert_int_equal(vm_wait_ready(&fake.vm, 1000000), 0);
  assert_false(fake.vm.stopped);
}

/*
 * More frames wait than buffers are posted: every buffer fills, in order (the thread reads one
 * frame first, then the rest in a batch), the others wait in the backend, and once the guest
 * gives buffers back the rest arrive, still in order. MESSAGE_SOCKET picks recvmmsg or a
 * read per frame (the tap's way).
 */
static void rx_fills_in_order_then_waits_for_room(bool message_socket) {
  net.message_socket = message_socket;
  for (uint8_t i = 0; i < SLOTS + 4; i++) {
    uint8_t frame[100];
    memset(frame, 0x20 + i, sizeof(frame));
    assert_int_equal(send(peer, frame, 30u + i, 0), 30 + i);
  }
  offer_posted();
  assert_true(becomes(&ring->rx_used, SLOTS));
  for (uint32_t i = 0; i < SLOTS; i++) {
    assert_int_equal(ring->rx[i].len, 30 + i);
    assert_int_equal(*(const uint8_t *)fake_vm_at(&fake, ring->rx[i].data), 0x20 + i);
  }
  /* The guest took four frames and posts their buffers again; POLL fills them if the thread
   * sleeps by then (a full rx is not watched). */
  for (uint32_t i = 0; i < 4; i++)
    ring->rx[i].len = MTU + 14;
  ring->rx_seen = SLOTS;
  __atomic_store_n(&ring->rx_avail, SLOTS + 4, __ATOMIC_RELEASE);
  assert_int_equal(vm_wait_ready(&fake.vm, 1000000000u), UNIKVM_READY_NET_RX);
  assert_true(becomes(&ring->rx_used, SLOTS + 4));
  for (uint32_t i = 0; i < 4; i++) {
    assert_int_equal(ring->rx[i].len, 30 + SLOTS + i);
    assert_int_equal(*(const uint8_t *)fake_vm_at(&fake, ring->rx[i].data), 0x20 + SLOTS + i);
  }
  assert_false(fake.vm.stopped);
}

static void test_rx_fills_in_order_by_message_batch(void **state) {
  (void)state;
  rx_fills_in_order_then_waits_for_room(true);
}

static void test_rx_fills_in_order_by_frame_reads(void **state) {
  (void)state;
  rx_fills_in_order_then_waits_for_room(false);
}

/* A guest that does not poll rx: the thread leaves the backend alone, POLL on the vCPU reads. */
static void test_rx_left_to_poll_when_the_guest_does_not_poll(void **state) {
  (void)state;
  offer_posted();
  __atomic_store_n(&ring->guest_polls, 0u, __ATOMIC_RELEASE);
  usleep(2 * POLL_NS / 1000); /* the thread's awake window ends: it sleeps, not watching */
  uint8_t frame[64] = {7};
  assert_int_equal(send(peer, frame, sizeof(frame), 0), (ssize_t)sizeof(frame));
  usleep(20000);
  assert_int_equal(__atomic_load_n(&ring->rx_used, __ATOMIC_ACQUIRE), 0);
  ring->rx_seen = 0;
  ring->guest_waiting = 1;
  assert_int_equal(vm_wait_ready(&fake.vm, 30ull * 1000000000u), UNIKVM_READY_NET_RX);
  assert_int_equal(ring->rx[0].len, 64);
}

static void test_poll_wakes_when_a_frame_arrives(void **state) {
  (void)state;
  offer_posted();
  ring->rx_seen = 0;
  ring->guest_waiting = 1;
  uint8_t frame[64] = {1, 2, 3};
  assert_int_equal(send(peer, frame, sizeof(frame), 0), (ssize_t)sizeof(frame));
  /* Long timeout: only the frame can end this wait early enough for the test to go on. */
  assert_int_equal(vm_wait_ready(&fake.vm, 30ull * 1000000000u), UNIKVM_READY_NET_RX);
  assert_int_equal(__atomic_load_n(&ring->rx_used, __ATOMIC_ACQUIRE), 1);
}

static void test_poll_sends_what_tx_holds(void **state) {
  (void)state;
  offer_posted();
  for (uint32_t i = 0; i < SLOTS; i++) {
    uint8_t *frame = fake_vm_at(&fake, BUF_GPA + 0x100000u + 0x1000u * i);
    memset(frame, 0x10 + (int)i, 100);
    queue_tx(i, BUF_GPA + 0x100000u + 0x1000u * i, 100);
  }
  ring->rx_seen = 0;
  vm_wait_ready(&fake.vm, 0); /* POLL with timeout 0: a flush */
  assert_int_equal(__atomic_load_n(&ring->tx_tail, __ATOMIC_ACQUIRE), SLOTS);
  for (uint32_t i = 0; i < SLOTS; i++) {
    uint8_t got[256];
    assert_int_equal(recv(peer, got, sizeof(got), MSG_DONTWAIT), 100);
    assert_int_equal(got[0], 0x10 + i);
  }
  assert_false(fake.vm.stopped);
}

/*
 * The request reached the guest through POLL (the thread slept, not watching
 * the backend): the thread still sends the answer without a hypercall when
 * the guest queues it after the short linger, within the awake window.
 */
static void test_answer_to_a_frame_poll_delivered_leaves_without_a_hypercall(void **state) {
  (void)state;
  offer_posted();
  __atomic_store_n(&ring->guest_polls, 0u, __ATOMIC_RELEASE);
  assert_true(becomes(&ring->polling, 0)); /* asleep, watching neither side */
  uint8_t request[64] = {9};
  assert_int_equal(send(peer, request, sizeof(request), 0), (ssize_t)sizeof(request));
  __atomic_store_n(&ring->guest_polls, 1u, __ATOMIC_RELEASE);
  ring->rx_seen = 0;
  ring->guest_waiting = 1;
  assert_int_equal(vm_wait_ready(&fake.vm, 1000000000u), UNIKVM_READY_NET_RX);
  ring->guest_waiting = 0;
  usleep(400000); /* past the linger (poll_ns / 8), well within poll_ns */
  uint8_t *answer = fake_vm_at(&fake, BUF_GPA + 0x100000u);
  memset(answer, 0x5a, 60);
  queue_tx(0, BUF_GPA + 0x100000u, 60);
  assert_true(becomes(&ring->tx_tail, 1));
  uint8_t got[2048];
  assert_int_equal(recv(peer, got, sizeof(got), 0), 60);
  assert_memory_equal(got, answer, 60);
}

static void test_net_io_refused_once_rings_are_used(void **state) {
  (void)state;
  offer_posted();
  struct unikvm_hc_net_io *arg = fake_vm_at(&fake, ARG_GPA);
  *arg = (struct unikvm_hc_net_io){0};
  assert_int_equal(hc_net_io(&fake.vm, ARG_GPA), -1);
  assert_int_equal(fake.vm.exit_status, EXIT_GUEST_ABI);
  assert_non_null(strstr(fake_vm_text(fake.err), "rings are in use"));
}

/* Each bad offer ends the VM with its reason. */
static void expect_offer_refused(uint64_t gpa, uint32_t slots, const char *why) {
  fake.vm.stopped = false;
  assert_int_equal(offer(gpa, slots), -1);
  assert_true(fake.vm.stopped);
  assert_int_equal(fake.vm.exit_status, EXIT_GUEST_ABI);
  assert_non_null(strstr(fake_vm_text(fake.err), why));
}

static void test_bad_offers(void **state) {
  (void)state;
  expect_offer_refused(RING_GPA, 0, "0 slots");
  expect_offer_refused(RING_GPA, 12, "12 slots");
  expect_offer_refused(RING_GPA, 512, "512 slots");
  expect_offer_refused(RING_GPA + 8, SLOTS, "not 64-byte aligned");
  expect_offer_refused(RAM - 64, SLOTS, "outside guest RAM");
  assert_false(net_ring_active(net.ring));
  fake.vm.stopped = false;
  offer_posted();
  expect_offer_refused(RING_GPA, SLOTS, "offered twice");
}

static void test_declined_without_a_thread(void **state) {
  (void)state;
  struct net_ring *thread = net.ring;
  net.ring = NULL; /* --net-poll 0, or a snapshot */
  assert_int_equal(offer(RING_GPA, SLOTS), 0);
  struct unikvm_hc_net_ring *arg = fake_vm_at(&fake, ARG_GPA);
  assert_int_equal(arg->ret, -UNIKVM_ENOTSUP);
  net.ring = thread;
}

/* A broken ring is found by the thread; the guest's next POLL ends the VM with why. */
static void expect_broken(const char *why) {
  ring->guest_waiting = 1;
  assert_int_equal(vm_wait_ready(&fake.vm, 30ull * 1000000000u), 0);
  assert_true(fake.vm.stopped);
  assert_int_equal(fake.vm.exit_status, EXIT_GUEST_ABI);
  assert_non_null(strstr(fake_vm_text(fake.err), why));
}

static void test_tx_buffer_outside_ram(void **state) {
  (void)state;
  offer_posted();
  queue_tx(0, RAM - 10, 60);
  expect_broken("tx ring: buffer 0x7ffff6+60 outside guest RAM");
}

static void test_tx_frame_too_long(void **state) {
  (void)state;
  offer_posted();
  queue_tx(0, BUF_GPA, MTU + 15);
  expect_broken("tx ring: 1515-byte frame");
}

static void test_tx_head_too_far(void **state) {
  (void)state;
  offer_posted();
  __atomic_store_n(&ring->tx_head, SLOTS + 1, __ATOMIC_RELEASE);
  expect_broken("tx ring: head 9 is 9 entries past tail 0");
}

static void test_rx_buffer_too_small(void **state) {
  (void)state;
  offer_posted();
  ring->rx[0].len = 100; /* checked before the thread reads anything into it */
  expect_broken("rx ring: 100-byte buffer");
}

static void test_rx_posted_too_far(void **state) {
  (void)state;
  offer_posted();
  __atomic_store_n(&ring->rx_avail, 3 * SLOTS, __ATOMIC_RELEASE);
  expect_broken("rx ring: 24 buffers posted past 0");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_tx_leaves_without_a_hypercall, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rx_fills_posted_buffers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rx_fills_in_order_by_message_batch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rx_fills_in_order_by_frame_reads, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rx_left_to_poll_when_the_guest_does_not_poll, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_poll_wakes_when_a_frame_arrives, setup, teardown),
      cmocka_unit_test_setup_teardown(test_poll_sends_what_tx_holds, setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_answer_to_a_frame_poll_delivered_leaves_without_a_hypercall, setup_long_poll,
          teardown),
      cmocka_unit_test_setup_teardown(test_net_io_refused_once_rings_are_used, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_offers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_declined_without_a_thread, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tx_buffer_outside_ram, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tx_frame_too_long, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tx_head_too_far, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rx_buffer_too_small, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rx_posted_too_far, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
