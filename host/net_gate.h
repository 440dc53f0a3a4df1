/* net_gate.h: under --reset-per-request, the next client's frames wait in the host. */
#ifndef UNIKVM_NET_GATE_H
#define UNIKVM_NET_GATE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Under --reset-per-request the guest's TCP/IP state returns to the snapshot
 * after every request, and with it anything the guest received meanwhile.
 * A fast client opens its next connection while the last one is still
 * closing: had the guest seen that SYN, the reset would forget the
 * connection the client believes open. So the gate lets through the frames
 * of one client connection at a time (the first SYN after a reset picks it),
 * plus everything that is not a new TCP connection (ARP, replies to the
 * guest's own connections). Frames of other new connections are kept, in
 * order, and released after the next reset.
 */
struct net_gate;

/* NULL when out of memory. Made before the sandbox closes: it never allocates again. */
struct net_gate *net_gate_new(void);

void net_gate_free(struct net_gate *g);

/* For a frame just received: true to deliver it now; false when the gate kept a copy. */
bool net_gate_admit(struct net_gate *g, const uint8_t *frame, uint32_t len);

/* The VM was reset: the kept frames are released, in order. Returns how many. */
uint32_t net_gate_reset(struct net_gate *g);

/* True while released frames wait for the guest. */
bool net_gate_pending(const struct net_gate *g);

/* Copies the next released frame that the gate admits into BUF (CAP bytes; a frame that
 * does not fit is dropped) and returns its length, or 0 when none is left. */
uint32_t net_gate_take(struct net_gate *g, uint8_t *buf, uint32_t cap);

#endif
