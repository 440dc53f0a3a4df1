/* clones.h: --clones N: N VMs restored from one snapshot, each on its own thread, one NIC. */
#ifndef UNIKVM_CLONES_H
#define UNIKVM_CLONES_H

#include <stdint.h>

#include "net.h"
#include "snapshot.h"

#define CLONES_MAX 128u

struct clones_config {
  unsigned count;
  int snapshot_fd;            /* an open, checked snapshot file (snapshot_file_open) */
  struct snapshot proto;      /* its header */
  struct net_device *backend; /* the one NIC all clones share (tap or user mode) */
  int console_out_fd, console_err_fd;
  double timeout_s;
  int seccomp; /* lock the host down once every clone is up */
  int stats;
};

/*
 * Runs the clones until SIGINT/SIGTERM/--timeout: each clone is its own KVM
 * VM whose RAM maps the snapshot file copy-on-write (the clones share every
 * page none of them wrote); this thread reads the NIC and steers each TCP
 * connection to one clone by a hash of its addresses and ports (ARP requests
 * go to clone 0 alone, so the guest address answers once); a clone whose
 * guest ends or crashes is replaced from the snapshot while the others go on.
 * Returns unikvm's exit status.
 */
int clones_run(const struct clones_config *cfg);

/* The clone a frame from the NIC goes to, or -1 for every clone (exposed for tests). */
int clones_route(const uint8_t *frame, uint32_t len, unsigned count);

#endif
