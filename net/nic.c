/* nic.c: lwIP's netif over the guest NIC: frames leave through netdev_send, arrive in net-rx. */
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "net.h"
#include "netif/ethernet.h"
#include <guest/panic.h>
#include <guest/sched.h>
#include <stdlib.h>
#include <string.h>

#define NIC_RX_STACK (64 * 1024)

/* The receive window (lwipopts.h): TCP over loopback alone gets the largest. */
uint32_t net_tcp_wnd = TCP_WND;

static struct netif nic;
static const struct netdev_info *nic_info;
static uint8_t *nic_bounce; /* a frame that lwIP left in several pbufs is gathered here */
static size_t nic_frame_max;
static struct guest_waitq nic_rx_waiters;

/* Large frames go out without a copy: the NIC holds a reference until they have left. */
#define NIC_TX_LEND_MIN (16 * 1024)

/* Platforms without it (virtio) copy every frame: this one always declines. */
__attribute__((weak)) int netdev_send_lent(const void *frame, size_t len, void (*done)(void *),
                                           void *arg) {
  (void)frame, (void)len, (void)done, (void)arg;
  return -1;
}

static void nic_tx_done(void *p) {
  pbuf_free(p);
}

/*
 * Only queues the frame: it leaves with the next exchange, when every
 * thread waits, together with the rest of the batch (one VM exit). A large
 * frame in one pbuf is lent, not copied: while the NIC holds its reference
 * lwIP leaves it alone (a TCP segment is not retransmitted while "busy").
 */
static err_t nic_linkoutput(struct netif *n, struct pbuf *p) {
  (void)n;
  const void *frame = p->payload;
  if (p->tot_len > nic_frame_max)
    return ERR_BUF;
  if (p->len == p->tot_len && p->len >= NIC_TX_LEND_MIN) {
    pbuf_ref(p);
    if (netdev_send_lent(frame, p->len, nic_tx_done, p) == 0)
      return ERR_OK;
    pbuf_free(p);
  }
  if (p->len != p->tot_len) {
    pbuf_copy_partial(p, nic_bounce, p->tot_len, 0);
    frame = nic_bounce;
  }
  return netdev_send(frame, p->tot_len) == 0 ? ERR_OK : ERR_BUF;
}

/*
 * A frame that fits one pool buffer goes into one; a larger one (jumbo MTU)
 * into one contiguous heap buffer, so that the checksum and the copies to
 * the application run over one block instead of a chain of 1.5 KiB pieces.
 */
static struct pbuf *nic_rx_pbuf(size_t len) {
  if (len > 0xffff)
    return NULL;
  struct pbuf *p = NULL;
  if (len > PBUF_POOL_BUFSIZE)
    p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
  return p != NULL ? p : pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
}

/* Hands every received frame to lwIP under one hold of the core lock. */
static void nic_rx_drain(void) {
  const void *frame;
  size_t len;
  LOCK_TCPIP_CORE();
  while ((frame = netdev_receive(&len)) != NULL) {
    struct pbuf *p = nic_rx_lend(len); /* takes the frame when it can */
    if (p == NULL) {
      if ((p = nic_rx_pbuf(len)) != NULL)
        pbuf_take(p, frame, (u16_t)len);
      netdev_release();
    }
    /* Out of pool buffers: the frame is dropped, and TCP will send it again. */
    if (p != NULL && nic.input(p, &nic) != ERR_OK)
      pbuf_free(p);
  }
  UNLOCK_TCPIP_CORE();
}

static void nic_rx_thread(void *arg) {
  (void)arg;
  for (;;) {
    nic_rx_drain();
    guest_waitq_wait(&nic_rx_waiters, GUEST_FOREVER);
  }
}

/* The scheduler's idle poll saw frames arrive: runs in any thread, so it only wakes net-rx. */
static void nic_event(uint64_t ready) {
  (void)ready;
  guest_waitq_wake_one(&nic_rx_waiters);
}

static err_t nic_init(struct netif *n) {
  n->name[0] = 'e';
  n->name[1] = 'n';
  n->output = etharp_output;
  n->linkoutput = nic_linkoutput;
  n->mtu = nic_info->mtu;
  n->hwaddr_len = ETH_HWADDR_LEN;
  memcpy(n->hwaddr, nic_info->mac, ETH_HWADDR_LEN);
  n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
  return ERR_OK;
}

/* 16 segments or 256 KiB, whichever is more, at most TCP_WND (see lwipopts.h). */
static uint32_t nic_tcp_window(uint16_t mtu) {
  uint32_t mss = mtu > 40 ? mtu - 40u : 536u, wnd = 16 * mss;
  if (wnd < 256 * 1024)
    wnd = 256 * 1024;
  return wnd < TCP_WND ? wnd : TCP_WND;
}

struct netif *nic_add(const struct netdev_info *info) {
  nic_info = info;
  net_tcp_wnd = nic_tcp_window(info->mtu);
  nic_frame_max = (size_t)info->mtu + 14;
  nic_rx_lend_init(nic_frame_max);
  nic_bounce = malloc(nic_frame_max);
  if (nic_bounce == NULL || netif_add_noaddr(&nic, NULL, nic_init, ethernet_input) == NULL)
    guest_panic("net: cannot add the NIC to lwIP");
  netif_set_default(&nic);
  netif_set_up(&nic);
  sys_thread_new("net-rx", nic_rx_thread, NULL, NIC_RX_STACK, 0);
  guest_sched_set_event_handler(nic_event);
  netdev_attach();
  return &nic;
}
