/* hvt_net.c: the NIC on hvt: frames move in batches through the NET_IO hypercall. */
#include <guest/netdev.h>
#include <guest/panic.h>
#include <stdlib.h>
#include <string.h>

#include "hvt_hypercall.h"
#include "hvt_platform.h"

/*
 * Frames are copied into fixed buffers: tx ones wait in a queue until the
 * next exchange, rx ones are filled by the host in one batch and handed out
 * in order. With jumbo MTUs the buffer count shrinks so that the rings stay
 * around 1 MiB each.
 */
#define NET_RING_MAX   64u
#define NET_RING_BYTES (1u << 20)

struct frame_ring {
  uint8_t *buf;
  struct unikvm_net_frame frames[NET_RING_MAX];
  uint32_t count; /* frames in use: tx queued, rx received */
  uint32_t next;  /* rx: the next frame to hand out */
};

static struct netdev_info info;
static bool present;
static uint32_t frame_max, ring_size;
static struct frame_ring tx, rx;
static bool attached; /* a stack consumes rx frames (netdev_attach) */

void netdev_attach(void) {
  attached = true;
}

static void ring_init(struct frame_ring *r) {
  r->buf = malloc((size_t)ring_size * frame_max);
  if (!r->buf)
    guest_panic("net: no memory for %u frame buffers", ring_size);
  for (uint32_t i = 0; i < ring_size; i++)
    r->frames[i].data = (uint64_t)(uintptr_t)(r->buf + (size_t)i * frame_max);
}

/* Lazy, so that images that never touch the network pay nothing at boot. */
static bool net_ready(void) {
  if (!present || tx.buf)
    return present;
  frame_max = (uint32_t)info.mtu + 14u;
  ring_size = NET_RING_BYTES / frame_max;
  if (ring_size > NET_RING_MAX)
    ring_size = NET_RING_MAX;
  if (ring_size == 0)
    ring_size = 1;
  ring_init(&tx);
  ring_init(&rx);
  return true;
}

void hvt_net_init(const struct unikvm_boot_info *bi) {
  present = bi->net_mtu != 0;
  memcpy(info.mac, bi->net_mac, sizeof(info.mac));
  info.mtu = bi->net_mtu;
  info.ipv4_addr = bi->net_ipv4_addr;
  info.ipv4_prefix = bi->net_ipv4_prefix;
  info.ipv4_gateway = bi->net_ipv4_gateway;
}

const struct netdev_info *netdev_info(void) {
  return present ? &info : NULL;
}

bool netdev_exchange(uint64_t timeout_ns) {
  if (!net_ready())
    return false;
  bool want_rx = rx.next >= rx.count; /* refill only once everything was handed out */
  uint32_t rx_count = want_rx ? ring_size : 0;
  for (uint32_t i = 0; i < rx_count; i++)
    rx.frames[i].len = frame_max;
  struct unikvm_hc_net_io arg = {
      .tx = (uint64_t)(uintptr_t)tx.frames,
      .rx = (uint64_t)(uintptr_t)rx.frames,
      .tx_count = tx.count,
      .rx_count = rx_count,
      .timeout_ns = want_rx ? timeout_ns : 0,
  };
  hvt_hypercall(UNIKVM_HC_NET_IO, &arg);
  tx.count = 0;
  if (want_rx) {
    rx.count = attached ? arg.rx_done : 0;
    rx.next = 0;
  }
  return rx.next < rx.count;
}

void netdev_flush(void) {
  if (tx.count)
    netdev_exchange(0);
}

int netdev_send(const void *frame, size_t len) {
  if (!net_ready() || len > frame_max)
    return -1;
  if (tx.count == ring_size)
    netdev_flush();
  struct unikvm_net_frame *f = &tx.frames[tx.count++];
  memcpy((void *)(uintptr_t)f->data, frame, len);
  f->len = (uint32_t)len;
  return 0;
}

const void *netdev_receive(size_t *len) {
  if (!present || rx.next >= rx.count)
    return NULL;
  const struct unikvm_net_frame *f = &rx.frames[rx.next];
  *len = f->len;
  return (const void *)(uintptr_t)f->data;
}

void netdev_release(void) {
  if (rx.next < rx.count)
    rx.next++;
}
