/* random.h: the guest's one source of non-cryptographic randomness (ports, ISNs, ids). */
#ifndef GUEST_RANDOM_H
#define GUEST_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* xorshift64*, seeded from the TSC at first use and reseeded from host entropy after every
 * snapshot restore or reset (else each restored VM would repeat the same numbers). */
uint64_t guest_random_u64(void);
void guest_random_reseed(const uint8_t *entropy, size_t len);

#endif
