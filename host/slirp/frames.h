/* frames.h: Ethernet frames on the SEQPACKET socket to unikvm: one message is one frame. */
#ifndef UNIKVM_SLIRP_FRAMES_H
#define UNIKVM_SLIRP_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAMES_MAX 65535 /* no FCS; bigger messages are dropped */

struct frames_stats {
  uint64_t rx, rx_dropped; /* from the guest; dropped: too big */
  uint64_t tx, tx_dropped; /* to the guest; dropped: unikvm did not keep up */
};

/* Uses FD (already connected) from now on and gives it a deep send queue where allowed. */
void frames_init(int fd);

/*
 * Receives what is queued, up to a bound so the host sockets get their turn, without blocking,
 * and hands each frame to DELIVER. Returns 0, or -1 once unikvm is gone.
 */
int frames_receive(void (*deliver)(const uint8_t *frame, size_t len, void *opaque), void *opaque);

/* Copies FRAME into the outgoing batch. Never blocks: when the batch is full, FRAME is dropped
 * (TCP retransmits) and counted. */
void frames_queue(const void *frame, size_t len);

/* Sends the batch, many frames per syscall. What the socket cannot take yet stays queued
 * (see frames_backlog). Returns 0, or -1 once unikvm is gone. */
int frames_flush(void);

/* True when frames wait for the socket to drain: poll it for POLLOUT. */
bool frames_backlog(void);

const struct frames_stats *frames_stats(void);

#endif
