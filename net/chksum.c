/* chksum.c: the Internet checksum for lwIP (LWIP_CHKSUM, LWIP_CHKSUM_COPY), 8 bytes per add. */
#include "chksum.h"

#include <string.h>

/*
 * The one's-complement sum of 16-bit words does not depend on how the words
 * are grouped, so 64-bit words are added with an end-around carry and folded
 * at the end. lwIP's own routine adds 16 bits at a time, which with jumbo
 * frames and no checksum offload was a large part of every received byte's
 * cost. Loads go through memcpy, so any alignment works (x86 has no penalty
 * worth a special case), and the words are taken in memory order, as lwIP
 * expects: the result is the sum of the 16-bit words as they lie in memory.
 */

static inline uint64_t add_carry(uint64_t sum, uint64_t word) {
  sum += word;
  return sum + (sum < word);
}

static inline uint64_t load64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}

/* The last 0..7 bytes, zero-padded at the end (a lone last byte is the low half of its word). */
static uint64_t load_tail(const unsigned char *p, size_t len) {
  uint64_t v = 0;
  memcpy(&v, p, len);
  return v;
}

static uint16_t fold(uint64_t sum) {
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  return (uint16_t)sum;
}

uint16_t net_chksum(const void *data, int len) {
  const unsigned char *p = data;
  size_t n = len > 0 ? (size_t)len : 0;
  /* Four independent sums let the adds overlap. */
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (; n >= 32; p += 32, n -= 32) {
    s0 = add_carry(s0, load64(p));
    s1 = add_carry(s1, load64(p + 8));
    s2 = add_carry(s2, load64(p + 16));
    s3 = add_carry(s3, load64(p + 24));
  }
  for (; n >= 8; p += 8, n -= 8)
    s0 = add_carry(s0, load64(p));
  s0 = add_carry(s0, load_tail(p, n));
  return fold(add_carry(add_carry(s0, s1), add_carry(s2, s3)));
}

/* Copy, then sum the copy while it is still in the cache: faster than one loop doing both. */
uint16_t net_chksum_copy(void *dst, const void *src, uint16_t len) {
  memcpy(dst, src, len);
  return net_chksum(dst, len);
}
