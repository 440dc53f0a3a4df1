/* sha256_ni.c: the SHA-256 block compressor on the x86 SHA extensions, if CPUID has them. */

/* Chosen at run time, so one binary runs on CPUs with and without them; the guest runs at CPL 3,
 * where cpuid works. */
#include "sha256.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int sha256_ni_available(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
    return 0;
  if (__get_cpuid_max(0, 0) < 7)
    return 0;
  __cpuid_count(7, 0, a, b, c, d);
  return (b & bit_SHA) != 0;
}

/* sha256rnds2 keeps the state as two vectors, ABEF and CDGH (A in the top lane). Each call runs
 * two rounds on the low two lanes of wk (W[t] + K[t]) and returns the new ABEF; the old ABEF is
 * then the new CDGH, so alternating the two variables swaps the roles for free. */
#define FOUR_ROUNDS(m, t)                                                                          \
  do {                                                                                             \
    __m128i wk = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&sha256_k[t]));                 \
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                                                  \
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));                         \
  } while (0)

__attribute__((target("sha,ssse3,sse4.1"))) void
sha256_compress_ni(uint32_t state[8], const unsigned char *p, size_t blocks) {
  /* Big-endian message words: reverse the bytes within each 32-bit lane. */
  const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
  __m128i abef = _mm_set_epi32((int)state[0], (int)state[1], (int)state[4], (int)state[5]);
  __m128i cdgh = _mm_set_epi32((int)state[2], (int)state[3], (int)state[6], (int)state[7]);

  for (; blocks; blocks--, p += SHA256_BLOCK) {
    __m128i abef0 = abef, cdgh0 = cdgh;
    /* m0..m3 hold W[t-16..t-1], four words each, lowest lane first. */
    __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
    __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
    __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
    __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);
    FOUR_ROUNDS(m0, 0);
    FOUR_ROUNDS(m1, 4);
    FOUR_ROUNDS(m2, 8);
    FOUR_ROUNDS(m3, 12);
    for (int t = 16; t < 64; t += 4) {
      /* W[t..t+3]: msg1 adds sigma0(W[t-15..t-12]) to W[t-16..t-13], the alignr brings in
       * W[t-7..t-4], and msg2 adds sigma1 of W[t-2..t+1] (computing W[t], W[t+1] first). */
      __m128i m = _mm_add_epi32(_mm_sha256msg1_epu32(m0, m1), _mm_alignr_epi8(m3, m2, 4));
      m = _mm_sha256msg2_epu32(m, m3);
      m0 = m1, m1 = m2, m2 = m3, m3 = m;
      FOUR_ROUNDS(m, t);
    }
    abef = _mm_add_epi32(abef, abef0);
    cdgh = _mm_add_epi32(cdgh, cdgh0);
  }

  uint32_t x[4], y[4];
  _mm_storeu_si128((__m128i *)x, abef); /* lanes F, E, B, A */
  _mm_storeu_si128((__m128i *)y, cdgh); /* lanes H, G, D, C */
  state[0] = x[3], state[1] = x[2], state[4] = x[1], state[5] = x[0];
  state[2] = y[3], state[3] = y[2], state[6] = y[1], state[7] = y[0];
}

#else /* no SHA extensions on this architecture */

int sha256_ni_available(void) {
  return 0;
}

void sha256_compress_ni(uint32_t state[8], const unsigned char *p, size_t blocks) {
  sha256_compress_c(state, p, blocks);
}

#endif
