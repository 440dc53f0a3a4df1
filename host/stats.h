/* stats.h: counts of VM exits and hypercalls, printed by --stats. */
#ifndef UNIKVM_STATS_H
#define UNIKVM_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "unikvm/abi.h"

#define STATS_EXIT_REASONS 64

struct vm_stats {
  uint64_t exits[STATS_EXIT_REASONS]; /* by KVM_EXIT_* reason */
  uint64_t hypercalls[UNIKVM_HC_COUNT];
  uint64_t start_ns; /* CLOCK_MONOTONIC when unikvm started */
};

void stats_count_exit(struct vm_stats *stats, uint32_t reason);
void stats_print(const struct vm_stats *stats, FILE *out);
const char *hypercall_name(unsigned nr);

#endif
