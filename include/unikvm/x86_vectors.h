/* x86_vectors.h: names of the x86 exception vectors, for the fault reports of the host (hvt)
 * and of the UEFI loader (virtio), so that a crash reads the same on both platforms. */
#ifndef UNIKVM_X86_VECTORS_H
#define UNIKVM_X86_VECTORS_H

#include <stdint.h>

/* "page fault (#PF)" for 14; NULL for a vector that is not an exception. */
static inline const char *x86_vector_name(uint64_t vector) {
  static const char *const names[32] = {
      [0] = "divide error (#DE)",
      [1] = "debug (#DB)",
      [2] = "NMI",
      [3] = "breakpoint (#BP)",
      [4] = "overflow (#OF)",
      [5] = "bound range (#BR)",
      [6] = "invalid opcode (#UD)",
      [7] = "device not available (#NM)",
      [8] = "double fault (#DF)",
      [10] = "invalid TSS (#TS)",
      [11] = "segment not present (#NP)",
      [12] = "stack fault (#SS)",
      [13] = "general protection (#GP)",
      [14] = "page fault (#PF)",
      [16] = "x87 floating point (#MF)",
      [17] = "alignment check (#AC)",
      [18] = "machine check (#MC)",
      [19] = "SIMD floating point (#XM)",
      [21] = "control protection (#CP)",
  };
  return vector < 32 ? names[vector] : NULL;
}

#endif
