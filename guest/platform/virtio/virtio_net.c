/* virtio_net.c: the NIC on the virtio platform: a legacy virtio-net device, polled. */
#include <guest/clock.h>
#include <guest/netdev.h>
#include <guest/panic.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_io.h"
#include "virtio_platform.h"
#include "virtio_ring.h"

#define NET_F_MAC   (1u << 5)
#define NET_HDR_LEN 10u /* struct virtio_net_hdr without MRG_RXBUF: no offloads asked for */
#define NET_MTU     1500u
#define NET_BUF     2048u /* header + the largest frame, rounded up */
#define NET_BUFS    128u  /* per direction, at most the queue size */
#define RX_QUEUE    0u
#define TX_QUEUE    1u

_Static_assert(NET_HDR_LEN + NET_MTU + 14u <= NET_BUF, "a frame fits one buffer");

static uint16_t iobase;
static uint32_t features;
static struct netdev_info info;
static struct virtq rxq, txq;
static uint8_t *rx_bufs, *tx_bufs;
static uint16_t rx_count, tx_count;
static uint16_t tx_free[NET_BUFS], tx_nfree; /* buffers (= descriptors) not with the device */
static bool tx_pending;                      /* pushed since the last kick */
static bool rx_held;                         /* netdev_receive handed out rx_head */
static bool attached;                        /* a stack takes received frames */
static uint32_t rx_head, rx_len;

void virtio_net_probe(uint16_t base) {
  if (base == 0)
    return;
  features = virtio_reset(base) & (NET_F_MAC | VIRTIO_F_ANY_LAYOUT);
  virtio_set_features(base, features);
  for (unsigned i = 0; i < sizeof(info.mac); i++)
    info.mac[i] = features & NET_F_MAC ? io_in8((uint16_t)(base + VIRTIO_REG_CONFIG + i)) : 0;
  if (!(features & NET_F_MAC)) {
    /* A locally administered address, the one QEMU would pick first. */
    static const uint8_t fallback[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    memcpy(info.mac, fallback, sizeof(info.mac));
  }
  info.mtu = NET_MTU;
  iobase = base;
}

static uint8_t *queue_bufs(struct virtq *q, uint16_t *count) {
  *count = q->size < NET_BUFS ? q->size : NET_BUFS;
  uint8_t *bufs = calloc(*count, NET_BUF);
  if (bufs == NULL)
    guest_panic("virtio-net: no memory for %u buffers", *count);
  return bufs;
}

static void rx_post(uint16_t i) {
  rxq.desc[i] = (struct vring_desc){
      .addr = (uint64_t)(uintptr_t)(rx_bufs + (size_t)i * NET_BUF),
      .len = NET_BUF,
      .flags = VRING_DESC_F_WRITE,
  };
  virtq_push(&rxq, i);
}

/* Lazy, as on hvt: no heap yet at platform_init, and images without sockets pay nothing. */
static bool net_ready(void) {
  if (iobase == 0 || rx_bufs != NULL)
    return iobase != 0;
  if (!virtq_init(&rxq, iobase, RX_QUEUE) || !virtq_init(&txq, iobase, TX_QUEUE))
    guest_panic("virtio-net: the device has no rx/tx queues");
  rx_bufs = queue_bufs(&rxq, &rx_count);
  tx_bufs = queue_bufs(&txq, &tx_count);
  for (uint16_t i = 0; i < rx_count; i++)
    rx_post(i);
  for (uint16_t i = 0; i < tx_count; i++)
    tx_free[tx_nfree++] = i;
  virtio_driver_ok(iobase);
  virtq_kick(&rxq);
  return true;
}

void netdev_attach(void) {
  attached = true;
}

const struct netdev_info *netdev_info(void) {
  return iobase != 0 ? &info : NULL;
}

static void tx_reclaim(void) {
  uint32_t head, len;
  while (virtq_pop(&txq, &head, &len))
    if (head < tx_count)
      tx_free[tx_nfree++] = (uint16_t)head;
}

void netdev_flush(void) {
  if (tx_pending)
    virtq_kick(&txq);
  tx_pending = false;
}

static bool tx_has_free(void) {
  tx_reclaim();
  return tx_nfree > 0;
}

int netdev_send(const void *frame, size_t len) {
  if (!net_ready() || len > NET_MTU + 14u)
    return -1;
  if (!tx_has_free()) {
    /* Every buffer is with the device: let it send them, then wait for one back. */
    netdev_flush();
    virtio_wait_until(UINT64_MAX, tx_has_free);
  }
  uint16_t i = tx_free[--tx_nfree];
  uint8_t *buf = tx_bufs + (size_t)i * NET_BUF;
  memset(buf, 0, NET_HDR_LEN);
  memcpy(buf + NET_HDR_LEN, frame, len);
  txq.desc[i] = (struct vring_desc){
      .addr = (uint64_t)(uintptr_t)buf,
      .len = (uint32_t)(NET_HDR_LEN + len),
  };
  virtq_push(&txq, i);
  tx_pending = true;
  return 0;
}

/*
 * Takes the next frame off the used ring unless one is held. Until a stack
 * attaches, frames are dropped as they arrive (as on hvt): nobody would
 * read them, and waiting for a frame must not end at once because of them.
 */
static bool rx_next(void) {
  bool kick = false;
  while (!rx_held && virtq_pop(&rxq, &rx_head, &rx_len)) {
    if (rx_head >= rx_count)
      continue;
    if (attached && rx_len > NET_HDR_LEN) {
      rx_held = true;
    } else {
      rx_post((uint16_t)rx_head); /* unwanted or a runt: the buffer goes straight back */
      kick = true;
    }
  }
  if (kick)
    virtq_kick(&rxq);
  return rx_held;
}

const void *netdev_receive(size_t *len) {
  if (!net_ready() || !rx_next())
    return NULL;
  *len = rx_len - NET_HDR_LEN;
  return rx_bufs + (size_t)rx_head * NET_BUF + NET_HDR_LEN;
}

void netdev_release(void) {
  if (!rx_held)
    return;
  rx_held = false;
  rx_post((uint16_t)rx_head);
  virtq_kick(&rxq);
}

static bool rx_waiting(void) {
  return rx_held || (virtq_has_used(&rxq) && rx_next());
}

static bool tx_all_back(void) {
  tx_reclaim();
  return tx_nfree == tx_count;
}

void virtio_net_drain(uint64_t deadline_ns) {
  if (iobase == 0 || rx_bufs == NULL)
    return;
  netdev_flush();
  virtio_wait_until(deadline_ns, tx_all_back);
}

bool netdev_exchange(uint64_t timeout_ns) {
  if (!net_ready())
    return false;
  netdev_flush();
  tx_reclaim();
  if (rx_waiting() || timeout_ns == 0)
    return rx_waiting();
  return virtio_wait_until(guest_deadline_after(timeout_ns), rx_waiting);
}
