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

static size_t body_length(const struct sc_rule *r) {
  size_t len = 1; /* return allow */
  for (unsigned i = 0; i < r->nconds; i++)
    len += cond_length(&r->conds[i]);
  return r->nconds ? len + 1 : len; /* a failed condition reloads nr for the next rule */
}

/* Each condition either falls through to the next one or jumps to the rule's exit. */
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

int sc_compile(const struct sc_rule *rules, size_t nrules, uint32_t deny_action,
               struct sock_filter *out, size_t max) {
  struct program p = {.out = out, .max = max};
  emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
  emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
  emit(&p, BPF_RET | BPF_K, 0, 0, deny_action);
  emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
  emit(&p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, X32_SYSCALL_BIT);
  emit(&p, BPF_RET | BPF_K, 0, 0, deny_action);
  for (size_t i = 0; i < nrules; i++) {
    const struct sc_rule *r = &rules[i];
    if (!rule_ok(r))
      return -1;
    size_t body = body_length(r);
    /* The accumulator holds nr here; a body that loads arguments and fails reloads nr on
     * its way out, so several rules may share a call (e.g. ioctl on two fds). */
    emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)body, (uint32_t)r->nr);
    size_t fail_at = p.len + body - 1;
    for (unsigned c = 0; c < r->nconds; c++)
      emit_cond(&p, &r->conds[c], fail_at);
    emit(&p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
    if (r->nconds)
      emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
  }
  emit(&p, BPF_RET | BPF_K, 0, 0, deny_action);
  return p.len <= max ? (int)p.len : -1;
}
