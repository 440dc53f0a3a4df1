/* virtio_platform.h: the virtio platform's devices, found on the PCI bus by platform_init. */
#ifndef VIRTIO_PLATFORM_H
#define VIRTIO_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

/* Each takes its device's I/O BAR (0: absent) and reads its configuration; no memory yet. */
void virtio_net_probe(uint16_t iobase);
void virtio_blk_probe(uint16_t iobase);

/*
 * Sends what the NIC has queued and waits (until deadline_ns) for the
 * device to take it: QEMU sends from its own thread, and exiting first
 * would drop the frames.
 */
void virtio_net_drain(uint64_t deadline_ns);

/* Spins until guest_clock_monotonic_ns() >= deadline_ns or ready() is true; returns ready(). */
bool virtio_wait_until(uint64_t deadline_ns, bool (*ready)(void));

/* isa-debug-exit, as QEMU is told by `make qemu`: QEMU exits with (status << 1) | 1. */
#define VIRTIO_DEBUG_EXIT_PORT 0xf4u
/* QEMU's debugcon (-debugcon file:...): the full 8-bit status, for `make qemu` to report. */
#define VIRTIO_DEBUGCON_PORT 0xe9u

#endif
