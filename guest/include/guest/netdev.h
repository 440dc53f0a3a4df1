/* netdev.h: the guest's one network device, the same interface on every platform. */
#ifndef GUEST_NETDEV_H
#define GUEST_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netdev_info {
  uint8_t mac[6];
  uint16_t mtu;
  /* Static IPv4 configuration, network byte order; addr 0: use DHCP. */
  uint32_t ipv4_addr;
  uint32_t ipv4_prefix;
  uint32_t ipv4_gateway;
};

/* The device's configuration, or NULL when the VM has no NIC. */
const struct netdev_info *netdev_info(void);

/*
 * Queues one Ethernet frame (without FCS, at most mtu + 14 bytes) for
 * transmission; it is copied, and leaves with the next netdev_flush or
 * platform_poll. Returns 0, or -1 if the frame is too large. A full queue
 * is flushed first (one VM exit).
 */
int netdev_send(const void *frame, size_t len);

/*
 * Like netdev_send, without the copy: the frame must stay as it is until
 * the device calls DONE(ARG), once the frame has left (at the next
 * exchange). Returns 0, or -1 when the platform cannot (nothing is queued
 * and DONE is not called: the caller sends a copy).
 */
int netdev_send_lent(const void *frame, size_t len, void (*done)(void *), void *arg);

/* Sends every queued frame now (one VM exit if any is queued). */
void netdev_flush(void);

/*
 * The oldest received frame, or NULL when none is waiting; *len gets its
 * length. The frame stays valid until netdev_release.
 */
const void *netdev_receive(size_t *len);
void netdev_release(void);

/*
 * Instead of netdev_release: takes the buffer of the frame netdev_receive
 * returned out of the device (the caller owns it now, the frame stays where
 * it was) and puts FRESH, a buffer of at least mtu + 14 bytes, in its place,
 * so that a large frame can go up the stack without a copy. NULL, and
 * nothing changes, on a platform that cannot.
 */
void *netdev_receive_swap(void *fresh);

/*
 * Says that a network stack takes received frames from now on. Until then
 * they are dropped as they arrive, so that frames nobody reads cannot keep
 * every idle exchange returning at once (a busy loop of VM exits).
 */
void netdev_attach(void);

/*
 * One exchange with the host: sends what is queued, fetches what has
 * arrived and, when nothing has, waits up to timeout_ns (UINT64_MAX: until a
 * frame comes). Returns true if a frame is waiting to be received.
 */
bool netdev_exchange(uint64_t timeout_ns);

#endif
