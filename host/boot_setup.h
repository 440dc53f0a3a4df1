/* boot_setup.h: the VM and its vCPU created and the image loaded, on two CPUs at once. */
#ifndef UNIKVM_BOOT_SETUP_H
#define UNIKVM_BOOT_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "elf_loader.h"
#include "guest_mem.h"
#include "kvm_vcpu.h"

struct boot_setup {
  /* In: the image file to load into MEM, or NULL when a --restore snapshot filled MEM. */
  const uint8_t *file;
  size_t file_size;
  uint32_t restored_devices; /* the snapshot's manifest bits, without a file */
  struct guest_mem *mem;
  struct kvm_vcpu *cpu; /* opened (kvm_vcpu_open) */
  /* Out. */
  struct elf_image image;
  char err[512]; /* why, when boot_setup_run fails */
};

enum boot_setup_result {
  BOOT_SETUP_OK = 0,
  BOOT_SETUP_BAD_IMAGE = -1, /* the loader rejected the file */
  BOOT_SETUP_KVM = -2,       /* a KVM call failed */
};

/*
 * Creates the VM, maps MEM into it, creates the vCPU, reads the CPUID KVM supports, writes
 * the x86 tables into MEM and loads the image (if any). An image error wins over a KVM one.
 */
enum boot_setup_result boot_setup_run(struct boot_setup *b);

#endif
