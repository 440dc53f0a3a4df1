/* virtio_ring.h: a legacy virtio PCI device and its split virtqueues, polled, no interrupts. */
#ifndef VIRTIO_RING_H
#define VIRTIO_RING_H

#include <stdbool.h>
#include <stdint.h>

/* Legacy virtio PCI registers, offsets into I/O BAR 0 (virtio 0.9.5). */
#define VIRTIO_REG_HOST_FEATURES  0x00u
#define VIRTIO_REG_GUEST_FEATURES 0x04u
#define VIRTIO_REG_QUEUE_PFN      0x08u
#define VIRTIO_REG_QUEUE_SIZE     0x0cu
#define VIRTIO_REG_QUEUE_SELECT   0x0eu
#define VIRTIO_REG_QUEUE_NOTIFY   0x10u
#define VIRTIO_REG_STATUS         0x12u
#define VIRTIO_REG_CONFIG         0x14u /* device-specific config, without MSI-X */

#define VIRTIO_F_ANY_LAYOUT (1u << 27)

#define VRING_DESC_F_NEXT  1u
#define VRING_DESC_F_WRITE 2u

struct vring_desc {
  uint64_t addr; /* guest-physical = virtual: RAM is identity-mapped */
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};

struct vring_used_elem {
  uint32_t id;
  uint32_t len;
};

struct virtq {
  uint16_t iobase;
  uint16_t index;
  uint16_t size;      /* entries, fixed by the device in legacy mode */
  uint16_t last_used; /* used entries consumed so far (wraps) */
  volatile struct vring_desc *desc;
  volatile uint16_t *avail; /* flags, idx, ring[size], used_event */
  volatile uint16_t *used;  /* flags, idx, then struct vring_used_elem[size] */
};

/*
 * Resets the device and acknowledges it; returns the features it offers.
 * virtio_start then accepts WANTED & offered and sets DRIVER_OK once the
 * queues are in place.
 */
uint32_t virtio_reset(uint16_t iobase);
void virtio_set_features(uint16_t iobase, uint32_t features);
void virtio_driver_ok(uint16_t iobase);

/* Allocates queue INDEX's ring (heap memory) and gives it to the device; false if it has none. */
bool virtq_init(struct virtq *q, uint16_t iobase, uint16_t index);

/* Makes the chain starting at descriptor HEAD available; the device sees it after virtq_kick. */
void virtq_push(struct virtq *q, uint16_t head);
void virtq_kick(struct virtq *q);

/* Takes the next completed chain, if any: its head and the bytes the device wrote. */
bool virtq_pop(struct virtq *q, uint32_t *head, uint32_t *len);

/* True if a completed chain is waiting (no side effect). */
bool virtq_has_used(const struct virtq *q);

#endif
