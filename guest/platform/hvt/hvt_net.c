/* hvt_net.c: the NIC on hvt: frames move in batches through the NET_IO hypercall. */
#include <guest/netdev.h>
#include <guest/panic.h>
#include <stdlib.h>
#include <string.h>

#include "hvt_hypercall.h"
#include "hvt_net_ring.h"
#include "hvt_platform.h"

/*
 * Up to NET_RING_MAX frames move each way per exchange (one VM exit).
 *
 * rx: the host wants every buffer to hold a whole frame (mtu + 14 bytes),
 * so the slots are fixed; with a jumbo MTU (65521) 64 of them take 4 MiB,
 * of which only what frames really fill is ever touched. Fewer slots when
 * memory is short: a smaller batch costs exits, not correctness.
 *
 * tx: frames are packed one after another into one arena, so that small
 * frames on a jumbo link do not each take a whole-frame slot; the queue is
 * flushed when either the arena or the descriptors run out.
 */
#define NET_RING_MAX 64u
#define NET_TX_BYTES (1u << 20)

struct rx_ring {
  uint8_t *buf;
  struct unikvm_net_frame frames[NET_RING_MAX];
  uint32_t size;  /* slots */
  uint32_t count; /* frames the last exchange received */
  uint32_t next;  /* the next frame to hand out */
};

struct tx_lent {
  void (*done)(void *); /* NULL: the frame was copied into the arena */
  void *arg;
};

struct tx_queue {
  uint8_t *buf;
  size_t bytes, used;
  struct unikvm_net_frame frames[NET_RING_MAX];
  struct tx_lent lent[NET_RING_MAX];
  uint32_t count;
};

static struct netdev_info info;
static bool present;
static uint32_t frame_max;
static struct rx_ring rx;
static struct tx_queue tx;
static bool attached;       /* a stack consumes rx frames (netdev_attach) */
static bool host_has_rings; /* boot info: the host takes NET_RING */
static bool rings;          /* the host took them: everything below goes through hvt_net_ring.c */

void netdev_attach(void) {
  attached = true;
}

/* A slot's buffer may later be swapped for another (netdev_receive_swap). */
static void rx_init(void) {
  size_t stride = ((size_t)frame_max + 63u) & ~(size_t)63u; /* each frame cache-line aligned */
  for (rx.size = NET_RING_MAX; rx.size > 0; rx.size /= 2)
    if ((rx.buf = malloc((size_t)rx.size * stride)) != NULL)
      break;
  if (!rx.buf)
    guest_panic("net: no memory for a %u-byte receive buffer", frame_max);
  for (uint32_t i = 0; i < rx.size; i++)
    rx.frames[i].data = (uint64_t)(uintptr_t)(rx.buf + (size_t)i * stride);
}

static void tx_init(void) {
  tx.bytes = NET_TX_BYTES > frame_max ? NET_TX_BYTES : frame_max;
  tx.buf = malloc(tx.bytes);
  if (!tx.buf)
    guest_panic("net: no memory for a %zu-byte send queue", tx.bytes);
}

/* Lazy, so that images that never touch the network pay nothing at boot. */
static bool net_ready(void) {
  if (!present || tx.buf)
    return present;
  frame_max = (uint32_t)info.mtu + 14u;
  rx_init();
  tx_init();
  if (host_has_rings) {
    uint8_t *bufs[NET_RING_MAX];
    for (uint32_t i = 0; i < rx.size; i++)
      bufs[i] = (uint8_t *)(uintptr_t)rx.frames[i].data;
    rings = hvt_ring_start(bufs, rx.size, frame_max, tx.buf, tx.bytes);
  }
  return true;
}

void hvt_net_init(const struct unikvm_boot_info *bi) {
  present = bi->net_mtu != 0;
  memcpy(info.mac, bi->net_mac, sizeof(info.mac));
  info.mtu = bi->net_mtu;
  info.ipv4_addr = bi->net_ipv4_addr;
  info.ipv4_prefix = bi->net_ipv4_prefix;
  info.ipv4_gateway = bi->net_ipv4_gateway;
  host_has_rings = (bi->net_flags & UNIKVM_NET_RINGS) != 0;
}

const struct netdev_info *netdev_info(void) {
  return present ? &info : NULL;
}

bool netdev_exchange(uint64_t timeout_ns) {
  if (!net_ready())
    return false;
  if (rings)
    return hvt_ring_exchange(timeout_ns, attached);
  bool want_rx = rx.next >= rx.count; /* refill only once everything was handed out */
  uint32_t rx_count = want_rx ? rx.size : 0;
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
  /* The queue is empty before the lent frames are given back: their owners may send again. */
  struct tx_lent lent[NET_RING_MAX];
  uint32_t sent = tx.count;
  memcpy(lent, tx.lent, sent * sizeof(lent[0]));
  tx.count = 0;
  tx.used = 0;
  for (uint32_t i = 0; i < sent; i++)
    if (lent[i].done != NULL)
      lent[i].done(lent[i].arg);
  if (want_rx) {
    rx.count = attached ? arg.rx_done : 0;
    rx.next = 0;
  }
  return rx.next < rx.count;
}

void netdev_flush(void) {
  if (rings)
    hvt_ring_flush();
  else if (tx.count)
    netdev_exchange(0);
}

int netdev_send(const void *frame, size_t len) {
  if (!net_ready() || len > frame_max)
    return -1;
  if (rings)
    return hvt_ring_send(frame, len);
  if (tx.count == NET_RING_MAX || tx.bytes - tx.used < len)
    netdev_flush();
  tx.lent[tx.count] = (struct tx_lent){NULL, NULL};
  struct unikvm_net_frame *f = &tx.frames[tx.count++];
  uint8_t *dst = tx.buf + tx.used;
  memcpy(dst, frame, len);
  f->data = (uint64_t)(uintptr_t)dst;
  f->len = (uint32_t)len;
  /* The next frame starts 8-byte aligned, which keeps the copies fast. */
  tx.used += (len + 7u) & ~(size_t)7u;
  if (tx.used > tx.bytes)
    tx.used = tx.bytes;
  return 0;
}

int netdev_send_lent(const void *frame, size_t len, void (*done)(void *), void *arg) {
  if (!net_ready() || len > frame_max)
    return -1;
  if (rings)
    return hvt_ring_send_lent(frame, len, done, arg);
  if (tx.count == NET_RING_MAX)
    netdev_flush();
  tx.lent[tx.count] = (struct tx_lent){done, arg};
  tx.frames[tx.count++] =
      (struct unikvm_net_frame){.data = (uint64_t)(uintptr_t)frame, .len = (uint32_t)len};
  return 0;
}

const void *netdev_receive(size_t *len) {
  if (rings)
    return hvt_ring_receive(len);
  if (!present || rx.next >= rx.count)
    return NULL;
  const struct unikvm_net_frame *f = &rx.frames[rx.next];
  *len = f->len;
  return (const void *)(uintptr_t)f->data;
}

void netdev_release(void) {
  if (rings)
    hvt_ring_release();
  else if (rx.next < rx.count)
    rx.next++;
}

void *netdev_receive_swap(void *fresh) {
  if (rings)
    return hvt_ring_receive_swap(fresh);
  if (!present || rx.next >= rx.count)
    return NULL;
  struct unikvm_net_frame *f = &rx.frames[rx.next++];
  void *frame = (void *)(uintptr_t)f->data;
  f->data = (uint64_t)(uintptr_t)fresh;
  return frame;
}
