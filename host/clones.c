/* clones.c: --clones N: N VMs restored from one snapshot, each on its own thread, one NIC. */
#include "clones.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "exit_status.h"
#include "fd_printf.h"
#include "frame_queue.h"
#include "kvm_vcpu.h"
#include "sandbox.h"
#include "snapshot_file.h"
#include "vm.h"
#include "vm_run.h"
#include "x86_layout.h"

struct clone {
  unsigned index;
  const struct clones_config *cfg;
  struct vm vm;
  struct kvm_vcpu cpu;
  struct snapshot snap;
  struct net_device net; /* the backend's fd for tx; rx from rxq */
  struct frame_queue rxq;
  pthread_t thread;
  uint64_t frames_in, flows, restarts;
  uint64_t exits, hypercalls; /* of the VMs this clone replaced */
  bool failed;
};

static struct clone clones[CLONES_MAX];
static struct kvm_cpuid2 *shared_cpuid;
static int shared_kvm_fd = -1;
static pthread_barrier_t start_line;

/* ---- steering ------------------------------------------------------------------------- */

static uint32_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return (uint32_t)x;
}

int clones_route(const uint8_t *f, uint32_t len, unsigned count) {
  if (len < 14 || count <= 1)
    return 0;
  uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
  if (type == 0x0806) /* ARP: one clone answers for the address, all learn the replies */
    return len >= 22 && f[20] == 0 && f[21] == 1 ? 0 : -1;
  if (type != 0x0800 || len < 14 + 20 || (f[14] >> 4) != 4)
    return 0;
  uint32_t ihl = (f[14] & 0xfu) * 4u;
  uint8_t proto = f[23];
  if ((proto != 6 && proto != 17) || ihl < 20 || len < 14 + ihl + 4)
    return 0; /* ICMP and the like: clone 0 */
  const uint8_t *l4 = f + 14 + ihl;
  uint64_t key = (uint64_t)f[26] << 56 | (uint64_t)f[27] << 48 | (uint64_t)f[28] << 40 |
                 (uint64_t)f[29] << 32 | (uint64_t)l4[0] << 24 | (uint64_t)l4[1] << 16 |
                 (uint64_t)l4[2] << 8 | l4[3];
  return (int)(mix(key ^ proto) % count);
}

/* ---- one clone's VM ------------------------------------------------------------------- */

static void clone_release(struct clone *c) {
  c->exits += c->vm.stats.exits[KVM_EXIT_IO];
  for (unsigned i = 0; i < UNIKVM_HC_COUNT; i++)
    c->hypercalls += c->vm.stats.hypercalls[i];
  if (c->vm.mem.base)
    munmap(c->vm.mem.base, c->vm.mem.size);
  c->vm.mem.base = NULL;
  c->cpu.kvm_fd = -1; /* shared */
  c->cpu.cpuid = NULL;
  kvm_vcpu_destroy(&c->cpu);
}

/* A fresh VM from the snapshot, as --restore makes one. 0, or -1 with ERR. */
static int clone_boot(struct clone *c, char *err, size_t errlen) {
  const struct clones_config *cfg = c->cfg;
  c->snap = cfg->proto;
  c->vm = (struct vm){
      .console_out_fd = cfg->console_out_fd,
      .console_err_fd = cfg->console_err_fd,
      .net = &c->net,
      .cpu = &c->cpu,
      .snap = &c->snap,
      .stop_quietly = true,
      .timeout_s = cfg->timeout_s,
  };
  c->cpu =
      (struct kvm_vcpu){.kvm_fd = shared_kvm_fd, .vm_fd = -1, .vcpu_fd = -1, .cpuid = shared_cpuid};
  if (snapshot_file_map(cfg->snapshot_fd, &c->snap, &c->vm.mem, false, err, errlen) < 0 ||
      kvm_vm_create(&c->cpu, err, errlen) < 0 ||
      kvm_vm_map_ram(&c->cpu, &c->vm.mem, err, errlen) < 0 ||
      kvm_vcpu_create(&c->cpu, err, errlen) < 0)
    return -1;
  x86_tables_write(&c->vm.mem);
  if (kvm_vcpu_reset(&c->cpu, 0, c->vm.mem.size, UNIKVM_BOOT_INFO_ADDR, err, errlen) < 0)
    return -1;
  c->vm.mem.host_tables_end = X86_LOW_END;
  return snapshot_resume(&c->vm, kvm_vcpu_tsc_hz(&c->cpu), err, errlen);
}

static void *clone_thread(void *arg) {
  struct clone *c = arg;
  pthread_barrier_wait(&start_line);
  while (!vm_stop_signal) {
    vm_run(&c->vm, &c->cpu);
    if (vm_stop_signal)
      break;
    /* Its guest ended or crashed (unikvm said why): the others go on, this one restarts. */
    fd_printf(c->cfg->console_err_fd,
              "unikvm: clone %u: the guest ended (status %d); replaced from the snapshot\n",
              c->index, c->vm.exit_status);
    c->restarts++;
    clone_release(c);
    char err[256];
    if (clone_boot(c, err, sizeof(err)) < 0) {
      fd_printf(c->cfg->console_err_fd, "unikvm: clone %u: cannot restart: %s\n", c->index, err);
      c->failed = true;
      break;
    }
  }
  return NULL;
}

/* ---- the NIC: one reader, frames steered to the clones' queues --------------------------- */

#define DISPATCH_BATCH 64u

static void dispatch(const struct clones_config *cfg, uint8_t *buf, uint32_t frame_max) {
  struct iovec iov[DISPATCH_BATCH];
  uint32_t lens[DISPATCH_BATCH];
  for (uint32_t i = 0; i < DISPATCH_BATCH; i++)
    iov[i] = (struct iovec){.iov_base = buf + (size_t)i * frame_max, .iov_len = frame_max};
  struct pollfd pfd = {.fd = cfg->backend->fd, .events = POLLIN};
  while (!vm_stop_signal) {
    if (ppoll(&pfd, 1, NULL, NULL) < 0 && errno != EINTR)
      break;
    bool woken[CLONES_MAX] = {false};
    uint32_t n;
    while ((n = net_backend_read(cfg->backend, iov, lens, DISPATCH_BATCH)) > 0) {
      for (uint32_t i = 0; i < n; i++) {
        const uint8_t *frame = iov[i].iov_base;
        int to = clones_route(frame, lens[i], cfg->count);
        for (unsigned k = 0; k < cfg->count; k++) {
          if (to >= 0 && (unsigned)to != k)
            continue;
          frame_queue_push(&clones[k].rxq, frame, lens[i]);
          clones[k].frames_in++;
          /* A TCP SYN without ACK: a new connection steered here. */
          if (lens[i] > 14 + 20 + 13 && frame[23] == 6 &&
              (frame[14 + (frame[14] & 0xf) * 4 + 13] & 0x12) == 0x02)
            clones[k].flows++;
          woken[k] = true;
        }
      }
      if (n < DISPATCH_BATCH)
        break;
    }
    for (unsigned k = 0; k < cfg->count; k++)
      if (woken[k])
        frame_queue_wake(&clones[k].rxq);
  }
}

static void on_kick(int sig) {
  (void)sig; /* only to end a clone's KVM_RUN or wait with EINTR */
}

static int lock_down(const struct clones_config *cfg) {
  struct sandbox box = {
      .vcpu_fd = -1,
      .console_out_fd = cfg->console_out_fd,
      .console_err_fd = cfg->console_err_fd,
      .net_fd = cfg->backend->fd,
      .net_is_socket = cfg->backend->message_socket,
      .net_helper_pid = cfg->backend->helper_pid,
      .blk_fd = -1,
      .vm_fd = -1,
      .snapshot = 1,
      .snapshot_out_fd = -1,
      .clones = 1,
      .kvm_fd = shared_kvm_fd,
      .n_event_fds = cfg->count,
  };
  for (unsigned k = 0; k < cfg->count; k++)
    box.event_fds[k] = clones[k].rxq.event_fd;
  char err[256];
  if (sandbox_lockdown(&box, err, sizeof(err)) < 0) {
    fd_printf(cfg->console_err_fd, "unikvm: seccomp: %s\n", err);
    return -1;
  }
  return 0;
}

static void print_stats(const struct clones_config *cfg) {
  for (unsigned k = 0; k < cfg->count; k++) {
    struct clone *c = &clones[k];
    uint64_t hypercalls = c->hypercalls;
    for (unsigned i = 0; i < UNIKVM_HC_COUNT; i++)
      hypercalls += c->vm.stats.hypercalls[i];
    fprintf(stderr,
            "unikvm: stats: clone %u flows=%" PRIu64 " frames_in=%" PRIu64 " frames_out=%" PRIu64
            " restarts=%" PRIu64 " exits=%" PRIu64 " hypercalls=%" PRIu64 " queue_dropped=%" PRIu64
            "\n",
            k, c->flows, c->frames_in, c->net.tx_frames, c->restarts,
            c->exits + c->vm.stats.exits[KVM_EXIT_IO], hypercalls, c->rxq.dropped);
  }
  net_print_stats(cfg->backend, stderr);
}

static int setup(const struct clones_config *cfg, char *err, size_t errlen) {
  shared_kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  struct kvm_vcpu probe = {.kvm_fd = shared_kvm_fd, .vm_fd = -1, .vcpu_fd = -1};
  if (shared_kvm_fd < 0) {
    snprintf(err, errlen, "/dev/kvm: %s", strerror(errno));
    return -1;
  }
  if (kvm_vcpu_query_cpuid(&probe, err, errlen) < 0)
    return -1;
  shared_cpuid = probe.cpuid;
  for (unsigned k = 0; k < cfg->count; k++) {
    struct clone *c = &clones[k];
    c->index = k;
    c->cfg = cfg;
    c->net = *cfg->backend;
    c->net.helper_pid = 0;
    c->net.rxq = &c->rxq;
    if (frame_queue_init(&c->rxq, net_frame_max(cfg->backend)) < 0) {
      snprintf(err, errlen, "clone %u: %s", k, strerror(errno));
      return -1;
    }
    if (clone_boot(c, err, errlen) < 0)
      return -1;
  }
  return 0;
}

int clones_run(const struct clones_config *cfg) {
  char err[512] = "";
  if (setup(cfg, err, sizeof(err)) < 0) {
    fd_printf(cfg->console_err_fd, "unikvm: --clones: %s\n", err);
    return EXIT_SETUP;
  }
  uint32_t frame_max = net_frame_max(cfg->backend);
  uint8_t *buf = malloc((size_t)DISPATCH_BATCH * frame_max);
  struct sigaction sa = {.sa_handler = on_kick};
  sigaction(SIGUSR2, &sa, NULL);
  pthread_barrier_init(&start_line, NULL, cfg->count + 1);
  for (unsigned k = 0; k < cfg->count; k++)
    if (!buf || pthread_create(&clones[k].thread, NULL, clone_thread, &clones[k]) != 0) {
      fd_printf(cfg->console_err_fd, "unikvm: --clones: cannot start clone %u\n", k);
      _exit(EXIT_SETUP); /* threads wait at the barrier forever otherwise */
    }
  if (cfg->seccomp && lock_down(cfg) < 0)
    _exit(EXIT_SETUP);
  pthread_barrier_wait(&start_line);
  dispatch(cfg, buf, frame_max);
  for (unsigned k = 0; k < cfg->count; k++)
    pthread_kill(clones[k].thread, SIGUSR2);
  for (unsigned k = 0; k < cfg->count; k++)
    pthread_join(clones[k].thread, NULL);
  int sig = vm_stop_signal;
  if (sig == SIGALRM)
    fd_printf(cfg->console_err_fd, "unikvm: --timeout: the clones were still running after %g s\n",
              cfg->timeout_s);
  else if (sig)
    fd_printf(cfg->console_err_fd, "unikvm: stopped: %s\n", strsignal(sig));
  if (cfg->stats)
    print_stats(cfg);
  return sig == SIGALRM ? EXIT_TIMEOUT : sig ? 128 + sig : EXIT_SETUP;
}
