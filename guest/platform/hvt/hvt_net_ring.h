/* hvt_net_ring.h: the NIC over the host's shared rings (NET_RING): frames move without exits. */
#ifndef HVT_NET_RING_H
#define HVT_NET_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Offers the host rings whose rx side holds the NBUFS buffers of
 * FRAME_MAX bytes each in BUFS (a power of two up to 64) and whose tx
 * frames are copied into ARENA. False when the host declines (the NIC then
 * stays on NET_IO).
 */
bool hvt_ring_start(uint8_t *const *bufs, uint32_t nbufs, uint32_t frame_max, uint8_t *arena,
                    size_t arena_bytes);

/* The netdev.h operations, for a NIC whose rings the host took. */
bool hvt_ring_exchange(uint64_t timeout_ns, bool attached);
void hvt_ring_flush(void);
int hvt_ring_send(const void *frame, size_t len);
int hvt_ring_send_lent(const void *frame, size_t len, void (*done)(void *), void *arg);
const void *hvt_ring_receive(size_t *len);
void hvt_ring_release(void);
void *hvt_ring_receive_swap(void *fresh);

#endif
