/* sha256.c: the SHA-256 context: buffering, padding and the choice of compressor. */
#include "sha256.h"

#include <string.h>

static sha256_compress_fn *compress = sha256_compress_c;

const char *sha256_select(int allow_sha_ni) {
  if (allow_sha_ni && sha256_ni_available()) {
    compress = sha256_compress_ni;
    return "sha-ni";
  }
  compress = sha256_compress_c;
  return "portable C";
}

void sha256_init(struct sha256 *s) {
  /* FIPS 180-4 5.3.3: the first 32 bits of the fractional parts of the square roots of the
   * first eight primes. */
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, iv, sizeof iv);
  s->bytes = 0;
  s->buffered = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len) {
  const unsigned char *p = data;
  s->bytes += len;
  if (s->buffered) {
    size_t take = SHA256_BLOCK - s->buffered;
    if (take > len)
      take = len;
    memcpy(s->buf + s->buffered, p, take);
    s->buffered += take;
    p += take;
    len -= take;
    if (s->buffered < SHA256_BLOCK)
      return;
    compress(s->h, s->buf, 1);
    s->buffered = 0;
  }
  /* Whole blocks straight from the caller's buffer: no copy on the hot path. */
  size_t blocks = len / SHA256_BLOCK;
  if (blocks)
    compress(s->h, p, blocks);
  p += blocks * SHA256_BLOCK;
  len -= blocks * SHA256_BLOCK;
  memcpy(s->buf, p, len);
  s->buffered = len;
}

void sha256_final(struct sha256 *s, unsigned char digest[SHA256_DIGEST]) {
  /* FIPS 180-4 5.1.1: a 1 bit, zeros up to 56 mod 64 bytes, then the length in bits. */
  uint64_t bits = s->bytes * 8;
  s->buf[s->buffered++] = 0x80;
  if (s->buffered > SHA256_BLOCK - 8) {
    memset(s->buf + s->buffered, 0, SHA256_BLOCK - s->buffered);
    compress(s->h, s->buf, 1);
    s->buffered = 0;
  }
  memset(s->buf + s->buffered, 0, SHA256_BLOCK - 8 - s->buffered);
  for (int i = 0; i < 8; i++)
    s->buf[SHA256_BLOCK - 1 - i] = (unsigned char)(bits >> (8 * i));
  compress(s->h, s->buf, 1);
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 4; j++)
      digest[4 * i + j] = (unsigned char)(s->h[i] >> (24 - 8 * j));
}
