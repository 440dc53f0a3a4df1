/* hvt_snapshot.c: the SNAPSHOT and REQUEST_DONE hypercalls. */
#include "hvt_hypercall.h"
#include <guest/netdev.h>
#include <guest/platform.h>
#include <string.h>

int platform_snapshot(struct platform_snapshot *s) {
  /* Frames still queued would be in the snapshot and go out again after every reset. */
  netdev_flush();
  struct unikvm_hc_snapshot arg;
  memset(&arg, 0, sizeof(arg));
  hvt_hypercall(UNIKVM_HC_SNAPSHOT, &arg);
  /* Resets and restores resume here, with the host's new answer in arg. */
  s->generation = arg.generation;
  s->mode = arg.mode;
  memcpy(s->entropy, arg.entropy, sizeof(s->entropy));
  return 0;
}

void platform_request_done(void) {
  netdev_flush(); /* the response's last frames must leave before the VM is reset */
  struct unikvm_hc_request_done arg = {.ret = 0};
  hvt_hypercall(UNIKVM_HC_REQUEST_DONE, &arg);
}
