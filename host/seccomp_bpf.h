/* seccomp_bpf.h: compiles a system-call allow-list into a seccomp BPF program. */
#ifndef UNIKVM_SECCOMP_BPF_H
#define UNIKVM_SECCOMP_BPF_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#define SC_MAX_VALUES 8
#define SC_MAX_CONDS  3
#define SC_MAX_RULES  128

/* Argument ARG (0..5) must equal one of VALUES (all below 2^32: fds, requests, flags). */
struct sc_cond {
  uint8_t arg;
  uint8_t count;
  uint32_t values[SC_MAX_VALUES];
};

/* System call NR is allowed when every condition holds (no conditions: always). Several
 * rules may name the same call: it is allowed if any of them holds. */
struct sc_rule {
  int nr;
  uint8_t nconds;
  struct sc_cond conds[SC_MAX_CONDS];
};

/*
 * Writes the program into OUT (room for MAX instructions): anything that is
 * not x86-64, or not allowed by RULES, returns DENY_ACTION (e.g.
 * SECCOMP_RET_TRAP). Returns the instruction count, or -1 if it does not fit,
 * a rule is malformed or there are more than SC_MAX_RULES. The kernel checks
 * arguments 64 bits wide, so a pinned value also requires the argument's
 * upper half to be zero.
 */
int sc_compile(const struct sc_rule *rules, size_t nrules, uint32_t deny_action,
               struct sock_filter *out, size_t max);

#endif
