/* snapshot.c: unikvm_snapshot() and unikvm_request_done() for apps (guest/api/unikvm_snapshot.h).
 */
#define _DEFAULT_SOURCE /* srandom */
#include <guest/platform.h>
#include <guest/random.h>
#include <stdlib.h>
#include <unikvm/abi.h>
#include <unikvm_snapshot.h>

/* Set by the host's answer: requests end in a reset rather than a return. */
static bool reset_per_request;

int unikvm_snapshot(void) {
  struct platform_snapshot s;
  if (platform_snapshot(&s) < 0)
    return -1;
  reset_per_request = (s.mode & UNIKVM_SNAPSHOT_RESET_PER_REQUEST) != 0;
  if (s.generation > 0) {
    /* Everything seeded before the snapshot came back with the RAM: reseed it. */
    guest_random_reseed(s.entropy, sizeof(s.entropy));
    srand((unsigned)guest_random_u64());
    srandom((unsigned)guest_random_u64());
  }
  return s.generation > 0x7fffffff ? 0x7fffffff : (int)s.generation;
}

void unikvm_request_done(void) {
  if (reset_per_request)
    platform_request_done();
}

int unikvm_resets_per_request(void) {
  return reset_per_request;
}
