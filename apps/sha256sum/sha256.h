/* sha256.h: SHA-256 (FIPS 180-4) as an incremental context over a swappable block compressor. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BLOCK  64
#define SHA256_DIGEST 32

struct sha256 {
  uint32_t h[8];
  uint64_t bytes; /* message length so far: the padding ends with it, in bits */
  size_t buffered;
  unsigned char buf[SHA256_BLOCK];
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char digest[SHA256_DIGEST]);

/* Picks the compressor every context uses from now on and returns its name: the SHA-NI one when
 * allowed and the CPU has it, else the portable one. */
const char *sha256_select(int allow_sha_ni);

/* A compressor folds `blocks` consecutive 64-byte blocks into state. */
typedef void sha256_compress_fn(uint32_t state[8], const unsigned char *p, size_t blocks);
sha256_compress_fn sha256_compress_c;
sha256_compress_fn sha256_compress_ni; /* only call when sha256_ni_available() */
int sha256_ni_available(void);

extern const uint32_t sha256_k[64];

#endif
