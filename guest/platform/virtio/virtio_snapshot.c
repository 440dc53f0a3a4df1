/* virtio_snapshot.c: QEMU has no unikvm snapshots: the calls say so and do nothing. */
#include <guest/platform.h>

int platform_snapshot(struct platform_snapshot *s) {
  (void)s;
  return -1;
}

void platform_request_done(void) {}
