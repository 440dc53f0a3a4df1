/* main.c: unikvm: load one unikernel image and run it on KVM. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "blk.h"
#include "blk_async.h"
#include "boot_info.h"
#include "boot_setup.h"
#include "clock_ns.h"
#include "clones.h"
#include "cpu_pin.h"
#include "elf_loader.h"
#include "exit_status.h"
#include "fd_printf.h"
#include "kvm_vcpu.h"
#include "net.h"
#include "net_gate.h"
#include "net_ring.h"
#include "options.h"
#include "sandbox.h"
#include "snapshot.h"
#include "snapshot_file.h"
#include "teardown.h"
#include "unikvm/abi.h"
#include "unikvm/version.h"
#include "vm.h"
#include "vm_run.h"
#include "x86_layout.h"

static int die(int status, const char *what, const char *why) {
  fprintf(stderr, "unikvm: %s: %s\n", what, why);
  return status;
}

/* Maps the image file read-only; returns its size or -1 with ERR set. */
static const uint8_t *map_image(const char *path, size_t *size, char *err, size_t errlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) {
    snprintf(err, errlen, "%s", strerror(errno));
    if (fd >= 0)
      close(fd);
    return NULL;
  }
  if (!S_ISREG(st.st_mode) || st.st_size == 0) {
    snprintf(err, errlen, "%s", S_ISREG(st.st_mode) ? "empty file" : "not a regular file");
    close(fd);
    return NULL;
  }
  void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) {
    snprintf(err, errlen, "%s", strerror(errno));
    return NULL;
  }
  *size = (size_t)st.st_size;
  return p;
}

/* Guest RAM from an image (mapped to be loaded below) or from a --restore snapshot. */
static int open_guest_ram(const struct options *opts, struct vm *vm, struct snapshot *snap,
                          const uint8_t **file, size_t *image_size) {
  char err[512];
  if (opts->restore) {
    if (snapshot_file_read(opts->restore, snap, &vm->mem, err, sizeof(err)) < 0)
      return die(EXIT_BAD_IMAGE, opts->restore, err);
    return 0;
  }
  *file = map_image(opts->image, image_size, err, sizeof(err));
  if (!*file)
    return die(EXIT_BAD_IMAGE, opts->image, err);
  int rc = guest_mem_create(&vm->mem, opts->mem_size);
  if (rc < 0)
    return die(EXIT_SETUP, "guest RAM", strerror(-rc));
  return 0;
}

static int prepare(const struct options *opts, struct vm *vm, struct kvm_vcpu *cpu,
                   struct elf_image *image, struct snapshot *snap) {
  char err[512];
  struct boot_setup setup = {.mem = &vm->mem, .cpu = cpu};
  int rc = open_guest_ram(opts, vm, snap, &setup.file, &setup.file_size);
  if (rc)
    return rc;
  setup.restored_devices = snap->devices;
  if (kvm_vcpu_open(cpu, err, sizeof(err)) < 0)
    return die(EXIT_SETUP, "kvm", err);
  enum boot_setup_result result = boot_setup_run(&setup);
  /* The image stays mapped (read-only, shared with the page cache) until unikvm exits:
   * unmapping it would cost a system call and a TLB flush on the boot path. */
  vm->cpu = cpu;
  *image = setup.image;
  if (result == BOOT_SETUP_BAD_IMAGE)
    return die(EXIT_BAD_IMAGE, opts->image, setup.err);
  if (result != BOOT_SETUP_OK)
    return die(EXIT_SETUP, "kvm", setup.err);
  return 0;
}

/* unikvm-slirp lives beside unikvm; UNIKVM_SLIRP overrides that. */
static const char *slirp_helper_path(char *buf, size_t len) {
  const char *env = getenv("UNIKVM_SLIRP");
  if (env)
    return env;
  ssize_t n = readlink("/proc/self/exe", buf, len - sizeof("unikvm-slirp"));
  if (n <= 0)
    return "unikvm-slirp";
  buf[n] = 0;
  char *slash = strrchr(buf, '/');
  strcpy(slash ? slash + 1 : buf, "unikvm-slirp");
  return buf;
}

/* Opens the --net backend; an image whose manifest wants a NIC gets user mode by default. */
static int setup_net(const struct options *opts, const struct elf_image *image, struct vm *vm,
                     struct net_device *net) {
  const char *spec = opts->net;
  if (!spec && (image->devices & UNIKVM_MANIFEST_NET))
    spec = "user";
  if (!spec || strcmp(spec, "none") == 0)
    return 0;
  char err[512], path[4096];
  int rc = strncmp(spec, "tap:", 4) == 0
               ? net_tap_open(net, spec + 4, err, sizeof(err))
               : net_user_open(net, slirp_helper_path(path, sizeof(path)),
                               spec[4] == ',' ? spec + 5 : "", err, sizeof(err));
  switch (rc) {
  case NET_OPEN_OK:
    vm->net = net;
    return 0;
  case NET_OPEN_HELPER_USAGE:
    return EXIT_USAGE;
  case NET_OPEN_HELPER_FAILED:
    return EXIT_SETUP;
  default:
    return die(EXIT_SETUP, "--net", err);
  }
}

/*
 * The NIC's shared rings and their host thread, made now so that the sandbox covers it. Not
 * for snapshots: a snapshot would hold rings that no thread serves once restored.
 */
static int start_net_ring(const struct options *opts, struct vm *vm) {
  if (opts->net_poll_us == 0 || opts->snapshot_out || opts->restore || opts->reset_per_request)
    return 0;
  char err[256];
  if (net_ring_start(vm, vm->net, (uint64_t)opts->net_poll_us * 1000u, err, sizeof(err)) < 0)
    return die(EXIT_SETUP, "--net", err);
  return 0;
}

static int setup_disk(const struct options *opts, struct vm *vm, struct blk_device *blk) {
  if (!opts->disk)
    return 0;
  char err[512];
  int rc = blk_open(blk, opts->disk, err, sizeof(err));
  if (rc < 0)
    return die(rc == -2 ? EXIT_USAGE : EXIT_SETUP, "--disk", err);
  vm->blk = blk;
  return 0;
}

/* Regular files fill disks; terminals and pipes do not keep what they are given. */
static bool is_regular_file(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

#define CONSOLE_LIMIT_FILE_DEFAULT (1ull << 30)

static void set_limits(const struct options *opts, struct vm *vm) {
  vm->timeout_s = opts->timeout_s;
  if (opts->console_limit_set)
    vm->console_limit = opts->console_limit;
  else if (is_regular_file(vm->console_out_fd) || is_regular_file(vm->console_err_fd))
    vm->console_limit = CONSOLE_LIMIT_FILE_DEFAULT;
}

/*
 * Just before the guest runs: SIGINT/SIGTERM and --timeout stop it cleanly, and stderr is
 * made unbuffered, so printing never needs fstat under the system-call filter (or a warning
 * says there is none).
 */
static int prepare_to_run(const struct options *opts, struct vm *vm) {
  vm_catch_signals();
  if (opts->timeout_s > 0 && vm_arm_timeout(opts->timeout_s) < 0)
    return die(EXIT_SETUP, "--timeout", strerror(errno));
  if (opts->no_seccomp)
    fd_printf(vm->console_err_fd,
              "unikvm: warning: --no-seccomp: running without the system-call filter\n");
  setvbuf(stderr, NULL, _IONBF, 0);
  return 0;
}

/* The vCPU thread on a CPU of its own, the device threads beside it (--pin; cpu_pin.c). */
static int pin_threads(const struct options *opts, const struct vm *vm, struct cpu_pin *pin) {
  pthread_t helpers[2];
  size_t n = 0;
  if (vm->net && vm->net->ring)
    helpers[n++] = net_ring_thread(vm->net->ring);
  /* Not for an O_DIRECT disk: its writes complete by the host device's interrupts, which wake
   * the vCPU thread wherever they come in; pinned, that is a wake-up across CPUs per write. */
  if (vm->blk && vm->blk->async && !vm->blk->direct)
    helpers[n++] = blk_async_thread(vm->blk->async);
  char err[256];
  if (cpu_pin_threads(opts->pin, helpers, n, pin, err, sizeof(err)) < 0)
    return die(EXIT_SETUP, "--pin", err);
  return 0;
}

/* From here on the host only runs the guest: allow just the calls that needs. */
static int lock_down(const struct options *opts, struct vm *vm, struct kvm_vcpu *cpu) {
  if (opts->no_seccomp)
    return 0;
  struct sandbox box = {
      .vcpu_fd = cpu->vcpu_fd,
      .console_out_fd = vm->console_out_fd,
      .console_err_fd = vm->console_err_fd,
      .net_fd = vm->net ? vm->net->fd : -1,
      .net_is_socket = vm->net && vm->net->message_socket,
      .net_helper_pid = vm->net ? vm->net->helper_pid : 0,
      .blk_fd = vm->blk ? vm->blk->fd : -1,
      .blk_aio = vm->blk && vm->blk->aio,
      .vm_fd = cpu->vm_fd,
      .snapshot = vm->snap->wanted || vm->snap->taken,
      .snapshot_out_fd = vm->snap->out_fd,
      .net_ring = vm->net && vm->net->ring,
  };
  if (vm->net && vm->net->ring) {
    net_ring_fds(vm->net->ring, box.event_fds);
    box.n_event_fds = 2;
  }
  char err[256];
  if (sandbox_lockdown(&box, err, sizeof(err)) < 0)
    return die(EXIT_SETUP, "seccomp", err);
  return 0;
}

/* What the snapshot options ask for; the output file is opened now, before the sandbox. */
static int setup_snapshot(const struct options *opts, struct snapshot *snap) {
  snap->out_fd = -1;
  snap->mode = opts->reset_per_request ? UNIKVM_SNAPSHOT_RESET_PER_REQUEST : 0;
  snap->wanted = opts->snapshot_out || opts->reset_per_request;
  if (!opts->snapshot_out)
    return 0;
  snap->out_path = opts->snapshot_out;
  snap->out_fd = open(opts->snapshot_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  return snap->out_fd < 0 ? die(EXIT_USAGE, opts->snapshot_out, strerror(errno)) : 0;
}

/* The device state a guest keeps depending on, recorded with a snapshot taken here. */
static void describe_devices(const struct options *opts, const struct vm *vm,
                             const struct elf_image *image, uint64_t tsc_hz,
                             struct snapshot *snap) {
  snap->tsc_hz = tsc_hz;
  snap->devices = image->devices;
  snap->ipv4_addr = opts->ipv4_addr;
  snap->ipv4_gateway = opts->ipv4_gateway;
  snap->ipv4_prefix = opts->ipv4_prefix;
  snap->blk_sectors = vm->blk ? vm->blk->sectors : 0;
  if (vm->net) {
    memcpy(snap->mac, vm->net->mac, sizeof(snap->mac));
    snap->mtu = vm->net->mtu;
  }
}

/* A restored guest already knows its disk: it must be the same size. */
static int check_restored_devices(const struct vm *vm, const struct snapshot *snap) {
  uint64_t sectors = vm->blk ? vm->blk->sectors : 0;
  if (sectors != snap->blk_sectors)
    return die(EXIT_USAGE, "--restore",
               snap->blk_sectors ? "the snapshot's guest had a --disk of another size"
                                 : "the snapshot's guest had no --disk");
  return 0;
}

/* Boots the image (boot info, entry point), or continues the --restore snapshot. */
static int start_guest(const struct options *opts, struct vm *vm, struct kvm_vcpu *cpu,
                       const struct elf_image *image, struct snapshot *snap) {
  char err[512];
  struct boot_params params = {
      .argc = opts->guest_argc,
      .argv = opts->guest_argv,
      .tsc_hz = kvm_vcpu_tsc_hz(cpu),
      .wallclock_ns = clock_ns(CLOCK_REALTIME),
      .console_tty = (isatty(0) ? 1u : 0) | (isatty(1) ? 2u : 0) | (isatty(2) ? 4u : 0),
      .net = vm->net,
      .blk = vm->blk,
      .ipv4_addr = opts->ipv4_addr,
      .ipv4_prefix = opts->ipv4_prefix,
      .ipv4_gateway = opts->ipv4_gateway,
  };
  if (params.tsc_hz == 0)
    return die(EXIT_SETUP, "kvm", "cannot read the guest TSC frequency");
  if (!opts->restore && boot_info_write(&vm->mem, image, &params, err, sizeof(err)) < 0)
    return die(EXIT_USAGE, "guest arguments", err);
  if (kvm_vcpu_reset(cpu, image->entry, vm->mem.size, UNIKVM_BOOT_INFO_ADDR, err, sizeof(err)) < 0)
    return die(EXIT_SETUP, "kvm", err);
  if (snapshot_prepare(vm) < 0)
    return die(EXIT_SETUP, "snapshot", strerror(errno));
  if (!opts->restore) {
    describe_devices(opts, vm, image, params.tsc_hz, snap);
    return 0;
  }
  if (check_restored_devices(vm, snap))
    return EXIT_USAGE;
  if (snapshot_resume(vm, params.tsc_hz, err, sizeof(err)) < 0)
    return die(EXIT_BAD_IMAGE, opts->restore, err);
  return 0;
}

/* --clones N: the clones share one NIC, opened here as for a single VM. */
static int run_clones(const struct options *opts, struct vm *vm) {
  static struct net_device net;
  static struct clones_config cfg;
  char err[512];
  cfg.snapshot_fd = snapshot_file_open(opts->restore, &cfg.proto, err, sizeof(err));
  if (cfg.snapshot_fd < 0)
    return die(EXIT_BAD_IMAGE, opts->restore, err);
  if (cfg.proto.blk_sectors)
    return die(EXIT_USAGE, "--clones",
               "the snapshot's guest had a --disk, which clones cannot share");
  struct elf_image image = {.devices = cfg.proto.devices};
  memcpy(net.mac, cfg.proto.mac, sizeof(net.mac)); /* every clone is the same guest */
  int rc = setup_net(opts, &image, vm, &net);
  if (rc)
    return rc;
  if (!vm->net)
    return die(EXIT_USAGE, "--clones", "needs a NIC (--net tap:IFNAME or user)");
  rc = prepare_to_run(opts, vm);
  if (rc)
    return rc;
  cfg.count = opts->clones;
  cfg.backend = &net;
  cfg.console_out_fd = vm->console_out_fd;
  cfg.console_err_fd = vm->console_err_fd;
  cfg.timeout_s = opts->timeout_s;
  cfg.seccomp = !opts->no_seccomp;
  cfg.stats = opts->stats;
  int status = clones_run(&cfg);
  net_close(&net);
  teardown_in_background();
  return status;
}

static int run(const struct options *opts, struct vm *vm) {
  struct kvm_vcpu cpu;
  struct elf_image image;
  static struct net_device net;
  static struct blk_device blk;
  static struct snapshot snap;
  vm->snap = &snap;
  set_limits(opts, vm);
  int rc = setup_snapshot(opts, &snap);
  if (rc == 0)
    rc = setup_disk(opts, vm, &blk);
  if (rc == 0)
    rc = prepare(opts, vm, &cpu, &image, &snap);
  if (rc == 0 && opts->restore)
    memcpy(net.mac, snap.mac, sizeof(net.mac)); /* the guest knows its MAC */
  if (rc == 0)
    rc = setup_net(opts, &image, vm, &net);
  if (rc == 0 && opts->reset_per_request && vm->net && !(net.gate = net_gate_new()))
    rc = die(EXIT_SETUP, "--reset-per-request", "out of memory");
  if (rc == 0 && vm->net)
    rc = start_net_ring(opts, vm);
  if (rc == 0)
    rc = start_guest(opts, vm, &cpu, &image, &snap);
  if (rc)
    return rc;
  rc = prepare_to_run(opts, vm);
  if (rc)
    return rc;
  vm->mem.host_tables_end = X86_LOW_END; /* from now on guest ranges stay off the tables */
  struct cpu_pin pin;
  rc = pin_threads(opts, vm, &pin);
  if (rc == 0)
    rc = lock_down(opts, vm, &cpu);
  if (rc)
    return rc;
  int status = vm_run(vm, &cpu);
  if (vm->net)
    net_close(vm->net);
  if (opts->stats) {
    stats_print(&vm->stats, stderr);
    if (vm->net)
      net_print_stats(vm->net, stderr);
    if (vm->blk)
      blk_print_stats(vm->blk, stderr);
    if (snap.wanted || opts->restore)
      snapshot_print_stats(&snap, stderr);
    if (vm->console_dropped)
      fprintf(stderr, "unikvm: stats: console dropped_bytes=%" PRIu64 "\n", vm->console_dropped);
    if (pin.vcpu_cpu >= 0)
      fprintf(stderr, "unikvm: stats: pinned vcpu_cpu=%d helper_cpus=%d\n", pin.vcpu_cpu,
              pin.helper_cpus);
  }
  teardown_in_background();
  return status;
}

int main(int argc, char **argv) {
  struct vm vm = {.console_out_fd = STDOUT_FILENO, .console_err_fd = STDERR_FILENO};
  vm.mem.fd = -1;
  vm.stats.start_ns = clock_ns(CLOCK_MONOTONIC);
  struct options opts;
  char err[512];
  if (options_parse(&opts, argc, argv, err, sizeof(err)) < 0) {
    fprintf(stderr, "unikvm: %s\n", err);
    return EXIT_USAGE;
  }
  if (opts.action == OPTIONS_HELP) {
    options_usage(stdout);
    return 0;
  }
  if (opts.action == OPTIONS_VERSION) {
    printf("unikvm %s (guest ABI %u)\n", UNIKVM_VERSION, UNIKVM_ABI_VERSION);
    return 0;
  }
  return opts.clones ? run_clones(&opts, &vm) : run(&opts, &vm);
}
