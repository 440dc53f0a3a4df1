/* snapshot.h: guest snapshots: taken at the app's call, written to a file, restored, reset to. */
#ifndef UNIKVM_SNAPSHOT_H
#define UNIKVM_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vcpu_state.h"

struct vm;

/*
 * Everything needed to put a VM back where the app called unikvm_snapshot():
 * RAM (pristine copy), vCPU state, and the little host-side device state the
 * guest depends on (its MAC, its IPv4 set-up, its disk's size).
 */
struct snapshot {
  bool wanted;      /* --snapshot-out or --reset-per-request: take it when asked */
  bool taken;       /* RAM and vCPU below are valid */
  uint32_t mode;    /* enum unikvm_snapshot_mode bits, told to the guest */
  uint64_t arg_gpa; /* the guest's struct unikvm_hc_snapshot, rewritten on every return */
  uint64_t generation;
  uint64_t ram_size, ram_offset; /* of a snapshot file */
  struct vcpu_state cpu;
  uint64_t wallclock_ns; /* CLOCK_REALTIME when taken */
  uint64_t tsc_hz;
  uint8_t mac[6];
  uint16_t mtu;
  uint32_t ipv4_addr, ipv4_gateway, ipv4_prefix;
  uint32_t devices; /* enum unikvm_manifest_device bits the image asked for */
  uint64_t blk_sectors;
  const uint8_t *ram;   /* RAM as it was, mem->size bytes (memfd copy or the --restore file) */
  uint8_t *ram_copy;    /* where an in-memory snapshot copies RAM (made at start-up) */
  uint64_t *kvm_dirty;  /* buffer for KVM_GET_DIRTY_LOG */
  uint64_t *host_dirty; /* becomes mem->host_dirty once the snapshot exists */
  int out_fd;           /* --snapshot-out file, -1 */
  const char *out_path;
  /* --stats */
  uint64_t resets, pages_restored, frames_released, reset_ns;
};

/* Hypercall handlers (see include/unikvm/abi.h). */
int hc_snapshot(struct vm *vm, uint64_t arg_gpa);
int hc_request_done(struct vm *vm, uint64_t arg_gpa);

/* Before the sandbox closes: what a reset will need (RAM copy, bitmaps). 0, or -1 + errno. */
int snapshot_prepare(struct vm *vm);

/* Starts logging written pages so that resets restore only those. 0, or -1 with errno. */
int snapshot_track_writes(struct vm *vm);

/* Writes generation, mode and fresh entropy into the guest's snapshot struct. 0 or -1. */
int snapshot_answer_guest(struct vm *vm);

/*
 * Continues a VM from a snapshot read from a file (snapshot_file_read) once
 * its vCPU is reset: vCPU state adopted, guest TSC moved on by the time the
 * file sat unused, generation 1 and fresh entropy given. 0, or -1 with ERR.
 */
int snapshot_resume(struct vm *vm, uint64_t tsc_hz, char *err, size_t errlen);

/* One "unikvm: stats: snapshot ..." line for --stats. */
void snapshot_print_stats(const struct snapshot *snap, FILE *out);

#endif
