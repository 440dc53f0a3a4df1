/* msg.c: the reply rule, on raw bytes (no struct overlay, so no alignment or packing
 * assumptions about the wire format). */
#include "msg.h"

struct msg_stats msg_stats;

uint32_t msg_length(const unsigned char *msg) {
  return (uint32_t)msg[10] << 24 | (uint32_t)msg[11] << 16 | (uint32_t)msg[12] << 8 | msg[13];
}

int msg_make_reply(unsigned char *msg, size_t len) {
  if (len < MSG_HEADER)
    return 0;
  msg_stats.received++;
  unsigned flags = (unsigned)msg[8] << 8 | msg[9];
  if (!(flags & FLAG_CLIENT) || (flags & FLAG_WARMUP) || !(flags & FLAG_PONG))
    return 0;
  flags &= ~(unsigned)FLAG_CLIENT;
  msg[8] = (unsigned char)(flags >> 8);
  msg[9] = (unsigned char)flags;
  msg_stats.replied++;
  return 1;
}
