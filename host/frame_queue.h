/* frame_queue.h: frames handed from the --clones dispatcher to one clone's NIC. */
#ifndef UNIKVM_FRAME_QUEUE_H
#define UNIKVM_FRAME_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define FRAME_QUEUE_SLOTS 512u

/*
 * A bounded FIFO of whole frames (a full queue drops, like a NIC's ring) and
 * an eventfd that is readable while frames may be waiting: the clone's host
 * waits on it instead of on the shared backend.
 */
struct frame_queue {
  pthread_mutex_t lock;
  int event_fd;
  uint32_t slot_size;
  uint8_t *slots; /* FRAME_QUEUE_SLOTS * slot_size bytes, touched as used */
  uint32_t lens[FRAME_QUEUE_SLOTS];
  uint32_t head, count;
  uint64_t dropped;
};

/* SLOT_SIZE: the largest frame. 0, or -1 with errno. */
int frame_queue_init(struct frame_queue *q, uint32_t slot_size);

/* Appends a frame (false if the queue was full and it was dropped); the caller wakes the
 * reader with frame_queue_wake() once per batch. */
bool frame_queue_push(struct frame_queue *q, const uint8_t *frame, uint32_t len);
void frame_queue_wake(struct frame_queue *q);

/* Moves up to COUNT frames into BUFS (each CAPS[i] bytes), storing their lengths; returns
 * how many. Clears the wake-up first, so a frame pushed meanwhile wakes the reader again. */
uint32_t frame_queue_pop(struct frame_queue *q, uint8_t *const *bufs, const uint32_t *caps,
                         uint32_t *lens, uint32_t count);

#endif
