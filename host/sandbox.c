/* sandbox.c: the seccomp allow-list unikvm runs its guest under. */
#include "sandbox.h"

#include <errno.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RULE(n) ((struct sc_rule){.nr = (n)})
#define ONE_VALUE(argno, v)                                                                        \
  {                                                                                                \
    .arg = (argno), .count = 1, .values = {(uint32_t)(v) }                                         \
  }
#define TWO_VALUES(argno, a, b)                                                                    \
  {                                                                                                \
    .arg = (argno), .count = 2, .values = {(uint32_t)(a), (uint32_t)(b) }                          \
  }
#define PINNED(n, cond)          ((struct sc_rule){.nr = (n), .nconds = 1, .conds = {cond}})
#define PINNED2(n, cond1, cond2) ((struct sc_rule){.nr = (n), .nconds = 2, .conds = {cond1, cond2}})
#define FD_IS(fd)                ONE_VALUE(0, fd)

/* The flags teardown_in_background() clones with (exit signal 0). */
#define TEARDOWN_CLONE_FLAGS (CLONE_VM | CLONE_UNTRACED)

struct rule_list {
  struct sc_rule *rules;
  size_t len, max;
};

static void add(struct rule_list *l, struct sc_rule r) {
  if (l->len < l->max)
    l->rules[l->len] = r;
  l->len++;
}

/* --clones: a replaced clone is a new VM, so the VM/vCPU fds are not known in advance. */
static void add_clone_rules(struct rule_list *l, const struct sandbox *s) {
  struct sc_cond make_vm = TWO_VALUES(1, KVM_CREATE_VM, KVM_GET_VCPU_MMAP_SIZE);
  add(l, PINNED2(SYS_ioctl, FD_IS(s->kvm_fd), make_vm));
  struct sc_cond setup = {.arg = 1,
                          .count = 8,
                          .values = {KVM_SET_USER_MEMORY_REGION, KVM_CREATE_VCPU, KVM_SET_CPUID2,
                                     KVM_GET_TSC_KHZ, KVM_GET_SREGS, KVM_SET_SREGS, KVM_SET_XCRS,
                                     KVM_GET_XCRS}};
  add(l, PINNED(SYS_ioctl, setup));
  struct sc_cond run = {
      .arg = 1,
      .count = 6,
      .values = {KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_SET_XSAVE, KVM_SET_MSRS, KVM_GET_MSRS}};
  add(l, PINNED(SYS_ioctl, run));
  /* RAM: the snapshot file, private; the vCPU run page, shared; never executable. */
  struct sc_cond prot = TWO_VALUES(2, PROT_READ | PROT_WRITE, PROT_READ);
  struct sc_cond flags = {
      .arg = 3, .count = 3, .values = {MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED, MAP_PRIVATE}};
  add(l, PINNED2(SYS_mmap, prot, flags));
}

static void add_event_fd_rules(struct rule_list *l, const struct sandbox *s) {
  for (unsigned i = 0; i < s->n_event_fds; i += SC_MAX_VALUES) {
    struct sc_cond fds = {.arg = 0};
    for (unsigned k = i; k < s->n_event_fds && fds.count < SC_MAX_VALUES; k++)
      fds.values[fds.count++] = (uint32_t)s->event_fds[k];
    add(l, PINNED(SYS_read, fds));
    add(l, PINNED(SYS_write, fds));
  }
}

size_t sandbox_rules(const struct sandbox *s, struct sc_rule *rules, size_t max) {
  struct rule_list l = {rules, 0, max};
  /* The vCPU: run it, and read its registers for a fault report. */
  struct sc_cond kvm_requests = {
      .arg = 1, .count = 3, .values = {KVM_RUN, KVM_GET_REGS, KVM_GET_SREGS}};
  add(&l, PINNED2(SYS_ioctl, FD_IS(s->vcpu_fd), kvm_requests));
  if (s->snapshot) {
    /* Taking a snapshot and resetting to it: the whole vCPU state, and the dirty log. */
    struct sc_cond vcpu_state = {.arg = 1,
                                 .count = 7,
                                 .values = {KVM_GET_XSAVE, KVM_GET_XCRS, KVM_GET_MSRS, KVM_SET_REGS,
                                            KVM_SET_SREGS, KVM_SET_XSAVE, KVM_SET_XCRS}};
    add(&l, PINNED2(SYS_ioctl, FD_IS(s->vcpu_fd), vcpu_state));
    struct sc_cond dirty_log = TWO_VALUES(1, KVM_SET_USER_MEMORY_REGION, KVM_GET_DIRTY_LOG);
    add(&l, PINNED2(SYS_ioctl, FD_IS(s->vm_fd), dirty_log));
    add(&l, RULE(SYS_lseek)); /* SEEK_DATA/SEEK_HOLE: copy only the RAM the guest populated */
  }
  if (s->snapshot_out_fd >= 0) {
    add(&l, PINNED(SYS_pwrite64, FD_IS(s->snapshot_out_fd)));
    add(&l, PINNED(SYS_ftruncate, FD_IS(s->snapshot_out_fd)));
    add(&l, PINNED(SYS_fdatasync, FD_IS(s->snapshot_out_fd)));
  }
  if (s->clones)
    add_clone_rules(&l, s);
  add_event_fd_rules(&l, s);
  if (s->net_ring)
    add(&l, RULE(SYS_sched_yield));
  /* Fresh entropy for the guest after every snapshot return. */
  add(&l, RULE(SYS_getrandom));
  /* Console output; a tap backend also writes frames one by one. */
  struct sc_cond writable = TWO_VALUES(0, s->console_out_fd, s->console_err_fd);
  if (s->net_fd >= 0 && !s->net_is_socket)
    writable.values[writable.count++] = (uint32_t)s->net_fd;
  add(&l, PINNED(SYS_write, writable));
  if (s->net_fd >= 0) {
    if (s->net_is_socket) {
      add(&l, PINNED(SYS_sendmmsg, FD_IS(s->net_fd)));
      add(&l, PINNED(SYS_recvmmsg, FD_IS(s->net_fd)));
      add(&l, PINNED(SYS_wait4, ONE_VALUE(0, s->net_helper_pid)));
    }
    add(&l, PINNED(SYS_read, FD_IS(s->net_fd)));
    add(&l, PINNED(SYS_readv, FD_IS(s->net_fd)));
    add(&l, PINNED(SYS_writev, FD_IS(s->net_fd)));
  }
  if (s->blk_fd >= 0) {
    add(&l, PINNED(SYS_pread64, FD_IS(s->blk_fd)));
    add(&l, PINNED(SYS_pwrite64, FD_IS(s->blk_fd)));
    add(&l, PINNED(SYS_preadv, FD_IS(s->blk_fd)));
    add(&l, PINNED(SYS_pwritev, FD_IS(s->blk_fd)));
    add(&l, PINNED(SYS_fdatasync, FD_IS(s->blk_fd)));
    add(&l, PINNED(SYS_fsync, FD_IS(s->blk_fd)));
    if (s->blk_aio) {
      /* The context is the only one this process has; it cannot name another file. */
      add(&l, RULE(SYS_io_submit));
      add(&l, RULE(SYS_io_getevents));
      add(&l, RULE(SYS_io_destroy));
    }
  }
  /* Waiting for a device or a deadline, and the clocks the guest reads. */
  add(&l, RULE(SYS_ppoll));
  add(&l, RULE(SYS_clock_nanosleep));
  add(&l, RULE(SYS_clock_gettime));
  /* malloc inside libc (never executable memory), stdio locks, signals. */
  add(&l, RULE(SYS_brk));
  add(&l, PINNED2(SYS_mmap, ONE_VALUE(2, PROT_READ | PROT_WRITE),
                  ONE_VALUE(3, MAP_PRIVATE | MAP_ANONYMOUS)));
  add(&l, RULE(SYS_munmap));
  add(&l, RULE(SYS_futex));
  add(&l, RULE(SYS_rt_sigreturn));
  add(&l, RULE(SYS_rt_sigprocmask));
  /* What glibc's start of a thread runs, maybe after the filter (with TSYNC) and with every
   * signal blocked, where a denied call would kill unikvm without a word. */
  add(&l, RULE(SYS_rseq));
  add(&l, RULE(SYS_set_robust_list));
  /* A thread that ends frees its stack (glibc's pthread exit), also with signals blocked. */
  add(&l, PINNED(SYS_madvise, ONE_VALUE(2, MADV_DONTNEED)));
  add(&l, RULE(SYS_getpid));
  add(&l, RULE(SYS_gettid));
  add(&l, PINNED(SYS_tgkill, ONE_VALUE(0, getpid()))); /* abort() of unikvm itself */
  /* Ending: close devices, hand the VM to the teardown child, exit. */
  add(&l, RULE(SYS_close));
  add(&l, PINNED(SYS_clone, ONE_VALUE(0, TEARDOWN_CLONE_FLAGS)));
  add(&l, RULE(SYS_close_range));
  add(&l, RULE(SYS_exit));
  add(&l, RULE(SYS_exit_group));
  return l.len;
}

static int report_fd = STDERR_FILENO;

/* Names for the report of the calls an attacker would reach for first. */
static const char *call_name(int nr) {
  switch (nr) {
  case SYS_open:
    return "open";
  case SYS_openat:
    return "openat";
  case SYS_execve:
    return "execve";
  case SYS_execveat:
    return "execveat";
  case SYS_socket:
    return "socket";
  case SYS_connect:
    return "connect";
  case SYS_fork:
    return "fork";
  case SYS_vfork:
    return "vfork";
  case SYS_clone:
    return "clone";
  case SYS_clone3:
    return "clone3";
  case SYS_ptrace:
    return "ptrace";
  case SYS_kill:
    return "kill";
  case SYS_mprotect:
    return "mprotect";
  case SYS_mmap:
    return "mmap";
  case SYS_ioctl:
    return "ioctl";
  case SYS_read:
    return "read";
  case SYS_write:
    return "write";
  default:
    return "";
  }
}

static size_t append(char *line, size_t len, const char *text) {
  size_t n = strlen(text);
  memcpy(line + len, text, n);
  return len + n;
}

/* Async-signal-safe: builds the line by hand and writes it with one call. */
static void on_denied_call(int sig, siginfo_t *info, void *ctx) {
  (void)sig;
  (void)ctx;
  char line[160], digits[12];
  size_t len = append(line, 0, "unikvm: seccomp: denied system call ");
  int n = 0, nr = info->si_syscall;
  do
    digits[n++] = (char)('0' + nr % 10);
  while ((nr /= 10) > 0 && n < (int)sizeof(digits));
  while (n > 0)
    line[len++] = digits[--n];
  const char *name = call_name(info->si_syscall);
  if (*name) {
    len = append(line, len, " (");
    len = append(line, len, name);
    len = append(line, len, ")");
  }
  len = append(line, len, ": not on unikvm's allow-list (docs/security.md)\n");
  ssize_t ignored = write(report_fd, line, len);
  (void)ignored;
  _exit(SANDBOX_EXIT_STATUS);
}

int sandbox_lockdown(const struct sandbox *s, char *err, size_t errlen) {
  struct sc_rule rules[SANDBOX_MAX_RULES];
  size_t nrules = sandbox_rules(s, rules, SANDBOX_MAX_RULES);
  struct sock_filter insns[BPF_MAXINSNS];
  int len = nrules <= SANDBOX_MAX_RULES
                ? sc_compile(rules, nrules, SECCOMP_RET_TRAP, insns, BPF_MAXINSNS)
                : -1;
  if (len < 0) {
    snprintf(err, errlen, "the allow-list does not compile");
    return -1;
  }
  report_fd = s->console_err_fd;
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = on_denied_call;
  sa.sa_flags = SA_SIGINFO;
  if (sigaction(SIGSYS, &sa, NULL) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
    snprintf(err, errlen, "%s", strerror(errno));
    return -1;
  }
  struct sock_fprog prog = {.len = (unsigned short)len, .filter = insns};
  /* TSYNC: every thread, not only this one; 0 means all of them took the filter. */
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0) {
    snprintf(err, errlen, "cannot install the filter: %s", strerror(errno));
    return -1;
  }
  return 0;
}
