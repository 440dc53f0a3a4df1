/* seccomp_bpf.c: compiles a system-call allow-list into a seccomp BPF program. */
#include "seccomp_bpf.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>

#define X32_SYSCALL_BIT 0x40000000u

/* Little-endian halves of argument I in struct seccomp_data. */
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i) (ARG_LO(i) + 4)

struct program {
  struct sock_filter *out;
  size_t len, max;
};

static void emit(struct program *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k) {
  if (p->len < p->max)
    p->out[p->len] = (struct sock_filter){code, jt, jf, k};
  p->len++;
}

static size_t cond_length(const struct sc_cond *c) {
  return 3 + c->count; /* load high half, test it, load low half, one test per value */
}

/* Each condition either falls through to the next one or jumps to FAIL_AT. */
static void emit_cond(struct program *p, const struct sc_cond *c, size_t fail_at) {
  emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_HI(c->arg));
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(fail_at - p->len - 1), 0);
  emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO(c->arg));
  size_t next = p->len + c->count;
  for (unsigned v = 0; v < c->count; v++) {
    size_t here = p->len;
    uint8_t jf = v + 1 < c->count ? 0 : (uint8_t)(fail_at - here - 1);
    emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)(next - here - 1), jf, c->values[v]);
  }
}

static int rule_ok(const struct sc_rule *r) {
  if (r->nr < 0 || r->nconds > SC_MAX_CONDS)
    return 0;
  for (unsigned i = 0; i < r->nconds; i++)
    if (r->conds[i].arg > 5 || r->conds[i].count == 0 || r->conds[i].count > SC_MAX_VALUES)
      return 0;
  return 1;
}

/* The rules sorted by call (stable), and where each call's group of rules starts. */
struct plan {
  const struct sc_rule *rules;
  size_t order[SC_MAX_RULES];
  size_t group[SC_MAX_RULES + 1]; /* group g is order[group[g] .. group[g + 1]) */
  size_t ngroups;
  uint32_t deny;
};

static int group_nr(const struct plan *pl, size_t g) {
  return pl->rules[pl->order[pl->group[g]]].nr;
}

static void make_plan(struct plan *pl, const struct sc_rule *rules, size_t nrules) {
  pl->rules = rules;
  for (size_t i = 0; i < nrules; i++) {
    size_t k = i;
    for (; k > 0 && rules[pl->order[k - 1]].nr > rules[i].nr; k--)
      pl->order[k] = pl->order[k - 1];
    pl->order[k] = i;
  }
  pl->ngroups = 0;
  for (size_t i = 0; i < nrules; i++)
    if (i == 0 || rules[pl->order[i]].nr != rules[pl->order[i - 1]].nr)
      pl->group[pl->ngroups++] = i;
  pl->group[pl->ngroups] = nrules;
}

/* Jumps over the next N instructions if (A OP K), or unless; BPF_JA when N needs more than
 * the 8 bits of a conditional jump. */
static void skip_if(struct program *p, uint16_t op, uint32_t k, size_t n) {
  if (n <= 255) {
    emit(p, BPF_JMP | op | BPF_K, (uint8_t)n, 0, k);
  } else {
    emit(p, BPF_JMP | op | BPF_K, 0, 1, k);
    emit(p, BPF_JMP | BPF_JA, 0, 0, (uint32_t)n);
  }
}

static void skip_unless(struct program *p, uint16_t op, uint32_t k, size_t n) {
  if (n <= 255) {
    emit(p, BPF_JMP | op | BPF_K, 0, (uint8_t)n, k);
  } else {
    emit(p, BPF_JMP | op | BPF_K, 1, 0, k);
    emit(p, BPF_JMP | BPF_JA, 0, 0, (uint32_t)n);
  }
}

/* One call's rules in their order: a failed condition goes on to the next rule, past the last
 * one to DENY. */
static void emit_group(struct program *p, const struct plan *pl, size_t g) {
  for (size_t i = pl->group[g]; i < pl->group[g + 1]; i++) {
    const struct sc_rule *r = &pl->rules[pl->order[i]];
    size_t next_rule = p->len + 1;
    for (unsigned c = 0; c < r->nconds; c++)
      next_rule += cond_length(&r->conds[c]);
    for (unsigned c = 0; c < r->nconds; c++)
      emit_cond(p, &r->conds[c], next_rule);
    emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
    if (r->nconds == 0)
      return; /* the call is allowed whatever the other rules say */
  }
  emit(p, BPF_RET | BPF_K, 0, 0, pl->deny);
}

#define LEAF_GROUPS 3

static void emit_tree(struct program *p, const struct plan *pl, size_t lo, size_t hi);

static size_t length_of(void (*emit_fn)(struct program *, const struct plan *, size_t, size_t),
                        const struct plan *pl, size_t lo, size_t hi) {
  struct program count = {.out = NULL, .max = 0};
  emit_fn(&count, pl, lo, hi);
  return count.len;
}

static void emit_one_group(struct program *p, const struct plan *pl, size_t g, size_t unused) {
  (void)unused;
  emit_group(p, pl, g);
}

/*
 * The accumulator holds nr: a binary search over the calls of groups [LO, HI), down to a few
 * compared one by one. Besides being quick, it keeps short the kernel's own walk of the
 * program for every call number when the filter is installed (to find the calls it may allow
 * without running it), which took longer than anything else in the install.
 */
static void emit_tree(struct program *p, const struct plan *pl, size_t lo, size_t hi) {
  if (hi - lo <= LEAF_GROUPS) {
    for (size_t g = lo; g < hi; g++) {
      skip_unless(p, BPF_JEQ, (uint32_t)group_nr(pl, g), length_of(emit_one_group, pl, g, 0));
      emit_group(p, pl, g);
    }
    emit(p, BPF_RET | BPF_K, 0, 0, pl->deny);
    return;
  }
  size_t mid = lo + (hi - lo) / 2;
  skip_if(p, BPF_JGE, (uint32_t)group_nr(pl, mid), length_of(emit_tree, pl, lo, mid));
  emit_tree(p, pl, lo, mid);
  emit_tree(p, pl, mid, hi);
}

int sc_compile(const struct sc_rule *rules, size_t nrules, uint32_t deny_action,
               struct sock_filter *out, size_t max) {
  if (nrules > SC_MAX_RULES)
    return -1;
  for (size_t i = 0; i < nrules; i++)
    if (!rule_ok(&rules[i]))
      return -1;
  struct program p = {.out = out, .max = max};
  emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
  emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
  emit(&p, BPF_RET | BPF_K, 0, 0, deny_action);
  emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
  emit(&p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, X32_SYSCALL_BIT);
  emit(&p, BPF_RET | BPF_K, 0, 0, deny_action);
  struct plan plan = {.deny = deny_action};
  make_plan(&plan, rules, nrules);
  emit_tree(&p, &plan, 0, plan.ngroups);
  return p.len <= max ? (int)p.len : -1;
}
