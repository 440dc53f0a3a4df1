/* stats.c: counts of VM exits and hypercalls, printed by --stats. */
#include "stats.h"

#include <inttypes.h>
#include <linux/kvm.h>
#include <time.h>

#include "clock_ns.h"

static const char *const exit_names[STATS_EXIT_REASONS] = {
    [KVM_EXIT_UNKNOWN] = "unknown",   [KVM_EXIT_IO] = "io",
    [KVM_EXIT_HLT] = "hlt",           [KVM_EXIT_MMIO] = "mmio",
    [KVM_EXIT_SHUTDOWN] = "shutdown", [KVM_EXIT_FAIL_ENTRY] = "fail_entry",
    [KVM_EXIT_INTR] = "intr",         [KVM_EXIT_INTERNAL_ERROR] = "internal_error",
};

static const char *const hc_names[UNIKVM_HC_COUNT] = {
    [UNIKVM_HC_CONSOLE_WRITE] = "console_write",
    [UNIKVM_HC_EXIT] = "exit",
    [UNIKVM_HC_ABORT] = "abort",
    [UNIKVM_HC_WALLTIME] = "walltime",
    [UNIKVM_HC_POLL] = "poll",
    [UNIKVM_HC_NET_IO] = "net_io",
    [UNIKVM_HC_BLK_IO] = "blk_io",
    [UNIKVM_HC_CPUTIME] = "cputime",
    [UNIKVM_HC_SNAPSHOT] = "snapshot",
    [UNIKVM_HC_REQUEST_DONE] = "request_done",
    [UNIKVM_HC_NET_RING] = "net_ring",
};

const char *hypercall_name(unsigned nr) {
  return nr < UNIKVM_HC_COUNT && hc_names[nr] ? hc_names[nr] : "unknown";
}

void stats_count_exit(struct vm_stats *stats, uint32_t reason) {
  stats->exits[reason < STATS_EXIT_REASONS ? reason : KVM_EXIT_UNKNOWN]++;
}

void stats_print(const struct vm_stats *stats, FILE *out) {
  uint64_t total = 0;
  for (unsigned i = 0; i < STATS_EXIT_REASONS; i++)
    total += stats->exits[i];
  uint64_t elapsed_us = (clock_ns(CLOCK_MONOTONIC) - stats->start_ns) / 1000;
  fprintf(out, "unikvm: stats: elapsed_us=%" PRIu64 " exits=%" PRIu64, elapsed_us, total);
  for (unsigned i = 0; i < STATS_EXIT_REASONS; i++)
    if (stats->exits[i])
      fprintf(out, " exit.%s=%" PRIu64, exit_names[i] ? exit_names[i] : "other", stats->exits[i]);
  fprintf(out, "\nunikvm: stats: hypercalls");
  for (unsigned i = 0; i < UNIKVM_HC_COUNT; i++)
    fprintf(out, " %s=%" PRIu64, hc_names[i], stats->hypercalls[i]);
  fprintf(out, "\n");
}
