/* frame_queue.c: frames handed from the --clones dispatcher to one clone's NIC. */
#include "frame_queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

int frame_queue_init(struct frame_queue *q, uint32_t slot_size) {
  memset(q, 0, sizeof(*q));
  pthread_mutex_init(&q->lock, NULL);
  q->slot_size = slot_size;
  q->slots = malloc((size_t)FRAME_QUEUE_SLOTS * slot_size);
  q->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (!q->slots || q->event_fd < 0)
    return -1;
  return 0;
}

bool frame_queue_push(struct frame_queue *q, const uint8_t *frame, uint32_t len) {
  pthread_mutex_lock(&q->lock);
  bool room = q->count < FRAME_QUEUE_SLOTS && len <= q->slot_size;
  if (room) {
    uint32_t slot = (q->head + q->count) % FRAME_QUEUE_SLOTS;
    memcpy(q->slots + (size_t)slot * q->slot_size, frame, len);
    q->lens[slot] = len;
    q->count++;
  } else {
    q->dropped++;
  }
  pthread_mutex_unlock(&q->lock);
  return room;
}

void frame_queue_wake(struct frame_queue *q) {
  uint64_t one = 1;
  ssize_t ignored = write(q->event_fd, &one, sizeof(one));
  (void)ignored; /* the counter cannot overflow in practice; readable is all that matters */
}

uint32_t frame_queue_pop(struct frame_queue *q, uint8_t *const *bufs, const uint32_t *caps,
                         uint32_t *lens, uint32_t count) {
  uint64_t drained;
  ssize_t ignored = read(q->event_fd, &drained, sizeof(drained));
  (void)ignored;
  uint32_t n = 0;
  pthread_mutex_lock(&q->lock);
  while (n < count && q->count > 0) {
    uint32_t slot = q->head, len = q->lens[slot];
    q->head = (q->head + 1) % FRAME_QUEUE_SLOTS;
    q->count--;
    if (len > caps[n])
      continue; /* cannot happen: the guest's buffers hold a whole frame (net.c checks) */
    memcpy(bufs[n], q->slots + (size_t)slot * q->slot_size, len);
    lens[n++] = len;
  }
  /* Emptied: start again at the first slot, so that only as many slots as the queue was
   * ever deep are ever touched (host RAM per clone stays small). */
  if (q->count == 0)
    q->head = 0;
  pthread_mutex_unlock(&q->lock);
  return n;
}
