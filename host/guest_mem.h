/* guest_mem.h: guest RAM and the one checked way to turn a guest address into a host pointer. */
#ifndef UNIKVM_GUEST_MEM_H
#define UNIKVM_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

struct guest_mem {
  uint8_t *base; /* host mapping of guest-physical 0 */
  uint64_t size; /* bytes */
  int fd;        /* memfd backing the RAM, -1 for test buffers */
  /*
   * Once setup is done, [0, host_tables_end) holds the host-built page
   * tables, GDT, IDT, TSS and exception stacks (see x86_layout.h): a
   * guest-supplied range may not touch it, or a hypercall (a disk read, a
   * received frame, a clock value) could rewrite the guest's own page tables
   * and lift it to CPL 0. The boot-info and argv pages inside it stay the
   * guest's. 0 during setup and in tests: no restriction.
   */
  uint64_t host_tables_end;
  /* While a snapshot is kept for resets: one bit per page handed to a
   * hypercall handler (which may write it), since KVM logs only the
   * guest's own writes. NULL otherwise. */
  uint64_t *host_dirty;
};

/* Maps SIZE bytes of zeroed, lazily allocated RAM; returns 0 or -errno. */
int guest_mem_create(struct guest_mem *mem, uint64_t size);
void guest_mem_destroy(struct guest_mem *mem);

/*
 * Host pointer to [gpa, gpa + len) if the whole range lies inside guest
 * RAM and outside the host's tables, else NULL. Every guest-supplied
 * address goes through this.
 */
void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* The same without the tables rule: for the host's own reads of its tables
 * and exception stacks (fault reports). Never for guest-supplied ranges. */
void *guest_mem_host_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* Copies LEN bytes from SRC to guest-physical GPA; 0, or -1 if the range is
 * outside guest RAM or the write fails. */
int guest_mem_write(const struct guest_mem *mem, uint64_t gpa, const void *src, uint64_t len);

#endif
