/* test_seccomp_bpf.c: the allow-list compiler, checked by the kernel itself in a child. */
#include <errno.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(kernel_enforces_the_compiled_rules),
      cmocka_unit_test(refuses_what_does_not_fit),
      cmocka_unit_test(unikvm_allow_lists_compile),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
