/* sandbox.h: the seccomp allow-list unikvm runs its guest under. */
#ifndef UNIKVM_SANDBOX_H
#define UNIKVM_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#include "seccomp_bpf.h"

/* What the run loop may touch once setup is over; -1 / 0 for what is absent. */
struct sandbox {
  int vcpu_fd;
  int console_out_fd, console_err_fd;
  int net_fd;
  int net_is_socket; /* user-mode helper socket (sendmmsg/recvmmsg) rather than a tap */
  pid_t net_helper_pid;
  int blk_fd;
  int blk_aio; /* the disk runs batches through kernel AIO */
  int vm_fd;
  int snapshot;        /* a snapshot may be taken or reset to (vCPU state, dirty log) */
  int snapshot_out_fd; /* --snapshot-out, -1 */
  int net_ring;        /* the NIC's ring thread runs (sched_yield while it polls) */
  /* --clones: VMs are made and replaced at run time, so the KVM requests are allowed on
   * any fd. */
  int clones;
  int kvm_fd;
  /* Eventfds that are read and written: each clone's queue, the NIC ring's two. */
  unsigned n_event_fds;
  int event_fds[128];
};

/* Exit status when the filter stops unikvm: what a shell shows for SIGSYS. */
#define SANDBOX_EXIT_STATUS (128 + 31)

#define SANDBOX_MAX_RULES 96

/* The allow-list for S (documented call by call in docs/security.md). Returns the rule count. */
size_t sandbox_rules(const struct sandbox *s, struct sc_rule *rules, size_t max);

/*
 * Installs the filter on every thread of unikvm (the NIC's ring thread and
 * the clones' threads are made before it). A denied call ends unikvm with one line on stderr naming
 * the call, and SANDBOX_EXIT_STATUS. Returns 0, or -1 with a reason in ERR.
 */
int sandbox_lockdown(const struct sandbox *s, char *err, size_t errlen);

#endif
