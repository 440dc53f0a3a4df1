/* vm.h: the state of one running guest that hypercall handlers work on. */
#ifndef UNIKVM_VM_H
#define UNIKVM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"
#include "stats.h"

struct net_device;
struct blk_device;
struct kvm_vcpu;
struct snapshot;

struct vm {
  struct guest_mem mem;
  struct vm_stats stats;
  int console_out_fd;     /* guest stdout */
  int console_err_fd;     /* guest stderr and host diagnostics */
  struct net_device *net; /* NULL without --net */
  struct blk_device *blk; /* NULL without --disk */
  struct kvm_vcpu *cpu;
  struct snapshot *snap; /* NULL: the snapshot hypercalls are plain returns */
  /* --console-limit: guest output past LIMIT bytes is dropped (0: no limit). */
  uint64_t console_limit, console_bytes, console_dropped;
  double timeout_s; /* --timeout, for the message when it expires */
  /* Set when the guest must stop: its exit status and, on errors, why. */
  bool stopped;
  int exit_status;
  bool stop_quietly; /* on SIGINT/SIGTERM/--timeout, end without a line (clones) */
};

/*
 * Ends the VM with STATUS and prints "unikvm: <what>: <why>" on stderr.
 * Handlers return its result (-1) so callers can write `return vm_fail(...)`.
 */
int vm_fail(struct vm *vm, int status, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Set by SIGINT/SIGTERM (see vm_catch_signals): the run loop and the host
 * waits stop at the next chance, so that --stats still prints and a
 * user-mode helper is reaped.
 */
extern volatile int vm_stop_signal;
void vm_catch_signals(void);

/* --timeout: SIGALRM after SECONDS of wall time stops the VM the same way
 * (vm_stop_signal = SIGALRM). Returns 0 or -1 with errno set. */
int vm_arm_timeout(double seconds);

/*
 * Sleeps until a device has something for the guest or TIMEOUT_NS (relative,
 * UINT64_MAX = no limit) has passed; returns enum unikvm_ready bits.
 */
uint64_t vm_wait_ready(struct vm *vm, uint64_t timeout_ns);

#endif
