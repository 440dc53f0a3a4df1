/* test_seccomp_bpf.c: the allow-list compiler, checked by the kernel itself in a child. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../host/sandbox.h"
#include "../../host/seccomp_bpf.h"

/* Denied calls fail with EPERM, so the child can report instead of dying. */
#define DENY (SECCOMP_RET_ERRNO | EPERM)

static int pipe_a[2], pipe_b[2];

/* write only to pipe_a's write end; ioctl FIONBIO/FIONREAD on pipe_a's read end, FIOCLEX on
 * pipe_b's; getppid always. */
static int compile_test_rules(struct sock_filter *insns, size_t max) {
  struct sc_rule rules[] = {
      {.nr = SYS_getppid},
      {.nr = SYS_write, .nconds = 1, .conds = {{.arg = 0, .count = 1, .values = {pipe_a[1]}}}},
      {.nr = SYS_ioctl,
       .nconds = 2,
       .conds = {{.arg = 0, .count = 1, .values = {pipe_a[0]}},
                 {.arg = 1, .count = 2, .values = {FIONBIO, FIONREAD}}}},
      /* A second rule for the same call: another fd, another request. */
      {.nr = SYS_ioctl,
       .nconds = 2,
       .conds = {{.arg = 0, .count = 1, .values = {pipe_b[0]}},
                 {.arg = 1, .count = 1, .values = {FIOCLEX}}}},
      {.nr = SYS_exit_group},
      {.nr = SYS_exit},
  };
  return sc_compile(rules, sizeof(rules) / sizeof(rules[0]), DENY, insns, max);
}

/* Runs CHECK in a child under the test filter; returns the bits of what behaved as expected. */
static int in_filtered_child(int (*check)(void)) {
  pid_t pid = fork();
  if (pid == 0) {
    struct sock_filter insns[256];
    int len = compile_test_rules(insns, 256);
    struct sock_fprog prog = {.len = (unsigned short)len, .filter = insns};
    if (len < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
      _exit(255);
    syscall(SYS_exit_group, check()); /* not _exit: ASan would make calls the filter denies */
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Exit statuses carry 8 bits: the child reports the checks as two bytes, one per call. */
static int check_calls(void) {
  int bits = 0;
  if (syscall(SYS_getppid) > 0)
    bits |= 1; /* unconditional rule */
  if (syscall(SYS_write, pipe_a[1], "x", 1) == 1)
    bits |= 2; /* pinned fd */
  if (syscall(SYS_write, pipe_b[1], "x", 1) < 0 && errno == EPERM)
    bits |= 4; /* another fd */
  /* The kernel would truncate fd to 32 bits; the filter must not. */
  if (syscall(SYS_write, (long)pipe_a[1] | (1l << 32), "x", 1) < 0 && errno == EPERM)
    bits |= 8;
  int n = 0;
  if (syscall(SYS_ioctl, pipe_a[0], FIONREAD, &n) == 0 && n == 1)
    bits |= 16; /* both conditions hold */
  if (syscall(SYS_ioctl, pipe_a[0], FIOCLEX, 0) < 0 && errno == EPERM)
    bits |= 32; /* right fd, request not listed */
  if (syscall(SYS_ioctl, pipe_b[0], FIONREAD, &n) < 0 && errno == EPERM)
    bits |= 64; /* listed request, wrong fd */
  if (syscall(SYS_getpid) < 0 && errno == EPERM)
    bits |= 128; /* not on the list at all */
  if (syscall(SYS_ioctl, pipe_b[0], FIOCLEX, 0) == 0)
    bits |= 256; /* the second ioctl rule */
  if (syscall(SYS_ioctl, pipe_b[0], FIONBIO, &n) < 0 && errno == EPERM)
    bits |= 512; /* neither rule */
  return bits;
}

static int check_calls_low(void) {
  return check_calls() & 255;
}

static int check_calls_high(void) {
  return check_calls() >> 8;
}

static void kernel_enforces_the_compiled_rules(void **state) {
  (void)state;
  assert_int_equal(pipe(pipe_a), 0);
  assert_int_equal(pipe(pipe_b), 0);
  assert_int_equal(in_filtered_child(check_calls_low), 255);
  assert_int_equal(in_filtered_child(check_calls_high), 3);
  close(pipe_a[0]), close(pipe_a[1]), close(pipe_b[0]), close(pipe_b[1]);
}

static void refuses_what_does_not_fit(void **state) {
  (void)state;
  struct sock_filter insns[256];
  assert_true(compile_test_rules(insns, 256) > 0);
  assert_int_equal(compile_test_rules(insns, 8), -1);
  struct sc_rule no_values = {.nr = SYS_write, .nconds = 1, .conds = {{.arg = 0, .count = 0}}};
  assert_int_equal(sc_compile(&no_values, 1, DENY, insns, 256), -1);
  struct sc_rule bad_arg = {.nr = SYS_write, .nconds = 1, .conds = {{.arg = 6, .count = 1}}};
  assert_int_equal(sc_compile(&bad_arg, 1, DENY, insns, 256), -1);
}

/* Every device combination unikvm can run with yields a program that fits. */
static void unikvm_allow_lists_compile(void **state) {
  (void)state;
  for (int net = 0; net < 3; net++)
    for (int blk = 0; blk < 3; blk++)
      for (int snapshot = 0; snapshot < 3; snapshot++) {
        struct sandbox box = {.vcpu_fd = 5,
                              .console_out_fd = 1,
                              .console_err_fd = 2,
                              .net_fd = net ? 7 : -1,
                              .net_is_socket = net == 2,
                              .net_helper_pid = net == 2 ? 1234 : 0,
                              .blk_fd = blk ? 8 : -1,
                              .blk_aio = blk == 2,
                              .vm_fd = 4,
                              .snapshot = snapshot > 0,
                              .snapshot_out_fd = snapshot == 2 ? 9 : -1};
        struct sc_rule rules[SANDBOX_MAX_RULES];
        size_t n = sandbox_rules(&box, rules, SANDBOX_MAX_RULES);
        assert_true(n <= SANDBOX_MAX_RULES);
        struct sock_filter insns[512];
        assert_true(sc_compile(rules, n, DENY, insns, 512) > 0);
      }
}

/* A classic BPF interpreter for what sc_compile emits, to check programs too large for a
 * hand-written list of calls: returns the action for call NR with ARGS. */
static uint32_t run_program(const struct sock_filter *insns, int len, int nr,
                            const uint64_t args[6]) {
  struct seccomp_data d = {.nr = nr, .arch = AUDIT_ARCH_X86_64};
  memcpy(d.args, args, sizeof(d.args));
  uint32_t a = 0;
  for (int pc = 0; pc >= 0 && pc < len; pc++) {
    const struct sock_filter *f = &insns[pc];
    switch (f->code) {
    case BPF_LD | BPF_W | BPF_ABS:
      assert_true(f->k + 4 <= sizeof(d) && f->k % 4 == 0);
      memcpy(&a, (const char *)&d + f->k, 4);
      break;
    case BPF_JMP | BPF_JEQ | BPF_K:
      pc += a == f->k ? f->jt : f->jf;
      break;
    case BPF_JMP | BPF_JGE | BPF_K:
      pc += a >= f->k ? f->jt : f->jf;
      break;
    case BPF_JMP | BPF_JA:
      pc += (int)f->k;
      break;
    case BPF_RET | BPF_K:
      return f->k;
    default:
      fail_msg("unexpected instruction 0x%x at %d", f->code, pc);
    }
  }
  fail_msg("ran off the program");
  return 0;
}

static bool rule_allows(const struct sc_rule *r, int nr, const uint64_t args[6]) {
  if (r->nr != nr)
    return false;
  for (unsigned c = 0; c < r->nconds; c++) {
    bool hit = false;
    for (unsigned v = 0; v < r->conds[c].count; v++)
      hit = hit || args[r->conds[c].arg] == r->conds[c].values[v];
    if (!hit)
      return false;
  }
  return true;
}

/* Many calls, several rules for some of them, one call with rules too long for an 8-bit
 * jump: every call number and argument pattern gets what the rules say. */
static void large_lists_match_their_rules(void **state) {
  (void)state;
  static struct sc_rule rules[SC_MAX_RULES];
  size_t n = 0;
  unsigned seed = 1;
  for (; n < 90; n++) {
    seed = seed * 1103515245u + 12345u;
    struct sc_rule r = {.nr = (int)((seed >> 8) % 120) * 3};
    r.nconds = (uint8_t)((seed >> 20) % (SC_MAX_CONDS + 1));
    for (unsigned c = 0; c < r.nconds; c++) {
      r.conds[c].arg = (uint8_t)c * 2;
      r.conds[c].count = (uint8_t)(1 + (seed >> (c + 3)) % SC_MAX_VALUES);
      for (unsigned v = 0; v < r.conds[c].count; v++)
        r.conds[c].values[v] = 10 * c + v;
    }
    rules[n] = r;
  }
  for (unsigned k = 0; k < 12; k++, n++) { /* ≈430 instructions for call 301 */
    struct sc_rule r = {.nr = 301, .nconds = 3};
    for (unsigned c = 0; c < 3; c++) {
      r.conds[c].arg = (uint8_t)c;
      r.conds[c].count = SC_MAX_VALUES;
      for (unsigned v = 0; v < SC_MAX_VALUES; v++)
        r.conds[c].values[v] = 100 * k + 10 * c + v;
    }
    rules[n] = r;
  }
  static struct sock_filter insns[BPF_MAXINSNS];
  int len = sc_compile(rules, n, DENY, insns, BPF_MAXINSNS);
  assert_true(len > 0);
  const uint64_t patterns[][6] = {{0, 0, 10, 0, 20, 0},        {1, 0, 11, 0, 21, 0},
                                  {7, 0, 17, 0, 27, 0},        {0, 0, 0, 0, 0, 0},
                                  {9, 0, 9, 0, 9, 0},          {1ull << 32, 0, 10, 0, 20, 0},
                                  {1105, 1115, 1125, 0, 0, 0}, {0, 10, 20, 0, 0, 0},
                                  {1107, 1117, 1126, 0, 0, 0}, {1105, 1115 | 1ull << 32, 1125}};
  for (int nr = 0; nr < 400; nr++)
    for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
      bool want = false;
      for (size_t i = 0; i < n; i++)
        want = want || rule_allows(&rules[i], nr, patterns[p]);
      uint32_t got = run_program(insns, len, nr, patterns[p]);
      if (got != (want ? SECCOMP_RET_ALLOW : DENY))
        fail_msg("call %d, arguments #%zu: got 0x%x", nr, p, got);
    }
  const uint64_t none[6] = {0};
  assert_int_equal(run_program(insns, len, 0x40000000 | 3, none), DENY); /* x32 */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(kernel_enforces_the_compiled_rules),
      cmocka_unit_test(refuses_what_does_not_fit),
      cmocka_unit_test(unikvm_allow_lists_compile),
      cmocka_unit_test(large_lists_match_their_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
