/* msg.h: sockperf's message header (sockperf 3.x, all fields big-endian, 14 bytes):
 *
 *   offset 0   u64  sequence number
 *   offset 8   u16  flags: 1 = sent by a client, 2 = pong requested, 4 = warm-up message
 *   offset 10  u32  length of the whole message, header included
 *   offset 14  payload
 *
 * A server answers a client message that requests a pong, and only that one, by sending
 * the same bytes back with the client flag cleared; the client drops anything that still
 * carries its own flag, so a plain echo does not work. Warm-up messages get no answer. */
#ifndef SOCKPERFD_MSG_H
#define SOCKPERFD_MSG_H

#include <stddef.h>
#include <stdint.h>

#define MSG_HEADER  14
#define MSG_MAX     65536 /* sockperf messages are at most 65507 bytes (a UDP payload) */
#define FLAG_CLIENT 1
#define FLAG_PONG   2
#define FLAG_WARMUP 4

/* The length field of a header at msg (MSG_HEADER bytes must be readable). */
uint32_t msg_length(const unsigned char *msg);

/* Decides on a complete message of len bytes: returns 1 and turns it into the reply in
 * place when it must be answered, 0 when it is to be ignored. */
int msg_make_reply(unsigned char *msg, size_t len);

/* Counters for the summary line. */
struct msg_stats {
  uint64_t received, replied;
};
extern struct msg_stats msg_stats;

#endif
