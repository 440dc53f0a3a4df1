/*
 * fuzz_vm.h: a VM without KVM for the hypercall harnesses: RAM on the heap, the console on
 * /dev/null, a NIC on a socketpair and a disk in a memfd, as the input asks. After each input
 * it checks what the guest must never achieve, whatever it passed: growing or (read-only)
 * changing the disk file, getting an invalid frame to the backend.
 */
#ifndef UNIKVM_FUZZ_VM_H
#define UNIKVM_FUZZ_VM_H

#include <stddef.h>
#include <stdint.h>

#include "blk.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "net.h"
#include "vm.h"

struct fuzz_vm {
  struct vm vm;
  struct net_device net;
  struct blk_device blk;
  int peer;               /* the NIC backend's far end (what tap or the helper sees), or -1 */
  uint32_t rx_injected;   /* frames waiting for the guest at the start */
  uint64_t disk_bytes;    /* the disk file's size at the start */
  uint8_t *disk_snapshot; /* read-only disk: its contents at the start */
};

/*
 * Builds the VM for one input: devices from DEV, RAM = RAM_IMAGE (LEN bytes) then zeros. RAM
 * pages written through the pointers hypercall handlers get are tracked as for a snapshot kept
 * for resets (mem.host_dirty); the harness may set mem.host_tables_end afterwards.
 */
void fuzz_vm_start(struct fuzz_vm *f, const struct fuzz_devices *dev, const uint8_t *ram_image,
                   size_t len);

/* Writes guest RAM as the guest would have before its hypercall (not a host write). */
void fuzz_vm_poke(struct fuzz_vm *f, uint64_t gpa, const void *data, size_t len);

/*
 * Fills the stack below the caller with a pattern in which no two words are equal, so that a
 * host variable read before it is written holds a wild pointer or length that the transfer
 * checks catch, rather than the zeros of a fresh stack. Call it right before a hypercall.
 */
void fuzz_scribble_stack(void);

/*
 * Checks the invariants (abort() on a violation) and releases the input's resources. Besides
 * the devices': every RAM page the host changed is marked in mem.host_dirty (or a reset would
 * leave it stale), and none lies in the host's tables below mem.host_tables_end except the
 * boot-info and argv pages.
 */
void fuzz_vm_finish(struct fuzz_vm *f);

#endif
