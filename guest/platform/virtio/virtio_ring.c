/* virtio_ring.c: legacy virtio PCI set-up and split virtqueues, driven by polling. */
#include "virtio_ring.h"

#include <guest/panic.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_io.h"

#define STATUS_ACK           1u
#define STATUS_DRIVER        2u
#define STATUS_DRIVER_OK     4u
#define QUEUE_ALIGN          4096u /* legacy devices fix it at one page */
#define AVAIL_F_NO_INTERRUPT 1u

uint32_t virtio_reset(uint16_t iobase) {
  io_out8(iobase + VIRTIO_REG_STATUS, 0);
  io_out8(iobase + VIRTIO_REG_STATUS, STATUS_ACK);
  io_out8(iobase + VIRTIO_REG_STATUS, STATUS_ACK | STATUS_DRIVER);
  return io_in32(iobase + VIRTIO_REG_HOST_FEATURES);
}

void virtio_set_features(uint16_t iobase, uint32_t features) {
  io_out32(iobase + VIRTIO_REG_GUEST_FEATURES, features);
}

void virtio_driver_ok(uint16_t iobase) {
  io_out8(iobase + VIRTIO_REG_STATUS, STATUS_ACK | STATUS_DRIVER | STATUS_DRIVER_OK);
}

static size_t align_up(size_t n) {
  return (n + QUEUE_ALIGN - 1) & ~(size_t)(QUEUE_ALIGN - 1);
}

bool virtq_init(struct virtq *q, uint16_t iobase, uint16_t index) {
  io_out16(iobase + VIRTIO_REG_QUEUE_SELECT, index);
  uint16_t size = io_in16(iobase + VIRTIO_REG_QUEUE_SIZE);
  if (size == 0)
    return false;
  /* Legacy layout: descriptors and the available ring, then the used ring on the next page. */
  size_t used_off = align_up(16u * size + 6u + 2u * size);
  size_t bytes = used_off + align_up(6u + 8u * size);
  uint8_t *raw = malloc(bytes + QUEUE_ALIGN);
  if (raw == NULL)
    guest_panic("virtio: no memory for a %u-entry queue", size);
  uint8_t *ring = (uint8_t *)(((uintptr_t)raw + QUEUE_ALIGN - 1) & ~(uintptr_t)(QUEUE_ALIGN - 1));
  memset(ring, 0, bytes);
  *q = (struct virtq){
      .iobase = iobase,
      .index = index,
      .size = size,
      .desc = (volatile struct vring_desc *)ring,
      .avail = (volatile uint16_t *)(ring + 16u * size),
      .used = (volatile uint16_t *)(ring + used_off),
  };
  /* Polled: the device need not raise an interrupt that nobody takes. */
  q->avail[0] = AVAIL_F_NO_INTERRUPT;
  io_out32(iobase + VIRTIO_REG_QUEUE_PFN, (uint32_t)((uintptr_t)ring / QUEUE_ALIGN));
  return true;
}

void virtq_push(struct virtq *q, uint16_t head) {
  uint16_t idx = q->avail[1];
  q->avail[2 + idx % q->size] = head;
  /* The entry must be visible before the index that publishes it. */
  __atomic_thread_fence(__ATOMIC_RELEASE);
  q->avail[1] = (uint16_t)(idx + 1);
}

void virtq_kick(struct virtq *q) {
  /* Orders the index store before the device's view of the notification. */
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  io_out16(q->iobase + VIRTIO_REG_QUEUE_NOTIFY, q->index);
}

bool virtq_has_used(const struct virtq *q) {
  return q->used[1] != q->last_used;
}

bool virtq_pop(struct virtq *q, uint32_t *head, uint32_t *len) {
  if (!virtq_has_used(q))
    return false;
  /* Read the element only after seeing the index that covers it. */
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  const volatile struct vring_used_elem *e =
      (const volatile struct vring_used_elem *)(q->used + 2) + q->last_used % q->size;
  *head = e->id;
  *len = e->len;
  q->last_used++;
  return true;
}
