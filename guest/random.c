/* random.c: the guest's one source of non-cryptographic randomness (ports, ISNs, ids). */
#include <guest/random.h>
#include <guest/tsc.h>

static uint64_t state;

uint64_t guest_random_u64(void) {
  if (state == 0)
    state = guest_rdtsc() * 0x9e3779b97f4a7c15ull | 1;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545f4914f6cdd1dull;
}

void guest_random_reseed(const uint8_t *entropy, size_t len) {
  uint64_t seed = guest_rdtsc();
  for (size_t i = 0; i < len; i++)
    seed = (seed ^ entropy[i]) * 0x100000001b3ull; /* FNV-1a over the bytes */
  state = seed | 1;
}
