/* snapshot.c: the snapshot hypercalls: take a snapshot, and reset to it after each request. */
#include "snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "blk.h"
#include "clock_ns.h"
#include "exit_status.h"
#include "hypercall.h"
#include "kvm_vcpu.h"
#include "net.h"
#include "net_gate.h"
#include "snapshot_file.h"

#define PAGE 4096u

int snapshot_answer_guest(struct vm *vm) {
  struct snapshot *snap = vm->snap;
  struct unikvm_hc_snapshot *arg = guest_mem_ptr(&vm->mem, snap->arg_gpa, sizeof(*arg));
  if (!arg)
    return -1;
  arg->generation = snap->generation;
  arg->mode = snap->mode;
  if (getrandom(arg->entropy, sizeof(arg->entropy), 0) != (ssize_t)sizeof(arg->entropy))
    return -1;
  return 0;
}

int snapshot_prepare(struct vm *vm) {
  struct snapshot *snap = vm->snap;
  if (!(snap->mode & UNIKVM_SNAPSHOT_RESET_PER_REQUEST))
    return 0;
  uint64_t words = (vm->mem.size / PAGE + 63) / 64;
  snap->kvm_dirty = calloc(words, sizeof(uint64_t));
  snap->host_dirty = calloc(words, sizeof(uint64_t));
  if (!snap->kvm_dirty || !snap->host_dirty)
    return -1;
  if (snap->taken)
    return 0; /* restored: the file is the pristine copy */
  int fd = memfd_create("unikvm-snapshot", MFD_CLOEXEC);
  if (fd < 0)
    return -1;
  void *copy = ftruncate(fd, (off_t)vm->mem.size) < 0
                   ? MAP_FAILED
                   : mmap(NULL, vm->mem.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (copy == MAP_FAILED)
    return -1;
  snap->ram_copy = copy;
  return 0;
}

/* Copies the populated parts of RAM into the prepared copy (holes stay holes). */
static int copy_ram(const struct guest_mem *mem, uint8_t *copy) {
  for (off_t data = 0, hole; (data = lseek(mem->fd, data, SEEK_DATA)) >= 0; data = hole) {
    hole = lseek(mem->fd, data, SEEK_HOLE);
    if (hole < 0)
      return -1;
    memcpy(copy + data, mem->base + data, (size_t)(hole - data));
  }
  return 0;
}

/* From here on KVM records the pages the guest writes, and guest_mem those the host writes. */
int snapshot_track_writes(struct vm *vm) {
  vm->mem.host_dirty = vm->snap->host_dirty;
  struct kvm_userspace_memory_region region = {
      .slot = 0,
      .flags = KVM_MEM_LOG_DIRTY_PAGES,
      .memory_size = vm->mem.size,
      .userspace_addr = (uint64_t)(uintptr_t)vm->mem.base,
  };
  return ioctl(vm->cpu->vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}

static int take(struct vm *vm, uint64_t arg_gpa) {
  struct snapshot *snap = vm->snap;
  char err[256];
  blk_drain(vm->blk); /* asynchronous disk reads land in RAM before it is copied */
  snap->arg_gpa = arg_gpa;
  snap->generation = 0;
  if (snapshot_answer_guest(vm) < 0)
    return vm_fail(vm, EXIT_SETUP, "snapshot", "no entropy: %s", strerror(errno));
  if (vcpu_state_save(vm->cpu, &snap->cpu, err, sizeof(err)) < 0)
    return vm_fail(vm, EXIT_SETUP, "snapshot", "%s", err);
  snap->wallclock_ns = clock_ns(CLOCK_REALTIME);
  if (snap->out_fd >= 0 && snapshot_file_write(snap, &vm->mem, snap->out_fd, err, sizeof(err)) < 0)
    return vm_fail(vm, EXIT_SETUP, "--snapshot-out", "%s: %s", snap->out_path, err);
  if (snap->mode & UNIKVM_SNAPSHOT_RESET_PER_REQUEST) {
    snap->ram = snap->ram_copy;
    if (copy_ram(&vm->mem, snap->ram_copy) < 0 || snapshot_track_writes(vm) < 0)
      return vm_fail(vm, EXIT_SETUP, "--reset-per-request", "cannot keep the snapshot: %s",
                     strerror(errno));
  }
  snap->taken = true;
  return 0;
}

int hc_snapshot(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_snapshot, arg);
  struct snapshot *snap = vm->snap;
  if (snap && snap->wanted && !snap->taken)
    return take(vm, arg_gpa);
  /* Nobody asked for one, or it exists: the call is an ordinary return. */
  arg->generation = snap ? snap->generation : 0;
  arg->mode = 0;
  if (getrandom(arg->entropy, sizeof(arg->entropy), 0) != (ssize_t)sizeof(arg->entropy))
    return vm_fail(vm, EXIT_SETUP, "snapshot", "no entropy: %s", strerror(errno));
  return 0;
}

/* Copies back every page written since the snapshot (by the guest or by the host for it). */
static uint64_t restore_written_pages(struct vm *vm) {
  struct snapshot *snap = vm->snap;
  uint64_t words = (vm->mem.size / PAGE + 63) / 64, pages = 0;
  for (uint64_t w = 0; w < words; w++) {
    uint64_t bits = snap->kvm_dirty[w] | vm->mem.host_dirty[w];
    vm->mem.host_dirty[w] = 0;
    for (; bits; bits &= bits - 1) {
      uint64_t off = (w * 64 + (uint64_t)__builtin_ctzll(bits)) * PAGE;
      memcpy(vm->mem.base + off, snap->ram + off, PAGE);
      pages++;
    }
  }
  return pages;
}

static int reset(struct vm *vm) {
  struct snapshot *snap = vm->snap;
  uint64_t start = clock_ns(CLOCK_MONOTONIC);
  blk_drain(vm->blk); /* asynchronous disk reads land in RAM before the pages are restored */
  struct kvm_dirty_log log = {.slot = 0, .dirty_bitmap = snap->kvm_dirty};
  if (ioctl(vm->cpu->vm_fd, KVM_GET_DIRTY_LOG, &log) < 0)
    return vm_fail(vm, EXIT_SETUP, "--reset-per-request", "KVM_GET_DIRTY_LOG: %s", strerror(errno));
  snap->pages_restored += restore_written_pages(vm);
  char err[256];
  if (vcpu_state_load(vm->cpu, &snap->cpu, 0, err, sizeof(err)) < 0)
    return vm_fail(vm, EXIT_SETUP, "--reset-per-request", "%s", err);
  snap->generation++;
  if (snapshot_answer_guest(vm) < 0)
    return vm_fail(vm, EXIT_SETUP, "--reset-per-request", "no entropy: %s", strerror(errno));
  /* The next clients' connections, kept in the host meanwhile, reach the fresh guest. */
  if (vm->net && vm->net->gate)
    snap->frames_released += net_gate_reset(vm->net->gate);
  snap->resets++;
  snap->reset_ns += clock_ns(CLOCK_MONOTONIC) - start;
  return 0;
}

int hc_request_done(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_request_done, arg);
  struct snapshot *snap = vm->snap;
  if (!snap || !snap->taken || !(snap->mode & UNIKVM_SNAPSHOT_RESET_PER_REQUEST)) {
    arg->ret = 0;
    return 0;
  }
  return reset(vm);
}

int snapshot_resume(struct vm *vm, uint64_t tsc_hz, char *err, size_t errlen) {
  struct snapshot *snap = vm->snap;
  /* Same TSC rate, or the guest's clock (scaled by the rate it booted with) would be wrong. */
  if (tsc_hz / 1000 != snap->tsc_hz / 1000) {
    snprintf(err, errlen, "the snapshot's TSC runs at %" PRIu64 " kHz, this host's at %" PRIu64,
             snap->tsc_hz / 1000, tsc_hz / 1000);
    return -1;
  }
  if (vcpu_state_adopt(vm->cpu, &snap->cpu, err, errlen) < 0)
    return -1;
  /* Time went on while the snapshot sat in its file: so does the guest's TSC. */
  uint64_t now = clock_ns(CLOCK_REALTIME);
  uint64_t slept = now > snap->wallclock_ns ? now - snap->wallclock_ns : 0;
  snap->cpu.tsc += (uint64_t)((double)slept * (double)tsc_hz / 1e9);
  if (vcpu_state_load(vm->cpu, &snap->cpu, 1, err, errlen) < 0)
    return -1;
  snap->generation = 1;
  if (snapshot_answer_guest(vm) < 0) {
    snprintf(err, errlen, "cannot answer the guest: %s", strerror(errno));
    return -1;
  }
  if ((snap->mode & UNIKVM_SNAPSHOT_RESET_PER_REQUEST) && snapshot_track_writes(vm) < 0) {
    snprintf(err, errlen, "KVM dirty logging: %s", strerror(errno));
    return -1;
  }
  return 0;
}

void snapshot_print_stats(const struct snapshot *snap, FILE *out) {
  fprintf(out,
          "unikvm: stats: snapshot taken=%d generation=%" PRIu64 " resets=%" PRIu64
          " pages_restored=%" PRIu64 " frames_released=%" PRIu64 " reset_us_avg=%.1f\n",
          snap->taken, snap->generation, snap->resets, snap->pages_restored, snap->frames_released,
          snap->resets ? (double)snap->reset_ns / 1e3 / (double)snap->resets : 0.0);
}
