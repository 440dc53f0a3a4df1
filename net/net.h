/* net.h: what the files of net/ share: bring-up and the NIC's netif. */
#ifndef NET_NET_H
#define NET_NET_H

#include "lwip/netif.h"
#include <guest/netdev.h>

/*
 * Starts lwIP on first use (tcpip thread, loopback, the NIC if there is
 * one) and waits until the NIC has an IPv4 address. 0 or -errno.
 */
int net_up(void);

/*
 * Adds the NIC as lwIP's default netif (MAC and MTU from info, no address
 * yet) and starts the thread that feeds it received frames. Core lock held.
 */
struct netif *nic_add(const struct netdev_info *info);

/*
 * Receive buffers of FRAME_MAX bytes lent to lwIP (rx_lend.c): nic_rx_lend
 * returns a pbuf over the current received frame's own buffer, which it
 * takes from the NIC, or NULL (the caller copies the frame and releases it).
 */
void nic_rx_lend_init(size_t frame_max);
struct pbuf *nic_rx_lend(size_t len);

/* An atexit handler: waits (boundedly) for TCP to deliver what is queued, then flushes the NIC. */
void net_drain_at_exit(void);

#endif
