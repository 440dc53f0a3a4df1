/* options.c: unikvm's command line. */
#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "unikvm/abi.h"

int options_parse_size(const char *text, uint64_t *out) {
  char *end;
  errno = 0;
  if (!text[0] || text[0] == '-')
    return -1;
  unsigned long long value = strtoull(text, &end, 10);
  if (errno || end == text)
    return -1;
  unsigned shift = 0;
  switch (*end) {
  case 'k':
  case 'K':
    shift = 10;
    end++;
    break;
  case 'm':
  case 'M':
    shift = 20;
    end++;
    break;
  case 'g':
  case 'G':
    shift = 30;
    end++;
    break;
  default:
    break;
  }
  if (*end == 'i' && shift)
    end++;
  if (*end == 'B' || *end == 'b')
    end++;
  if (*end || value > (UINT64_MAX >> shift))
    return -1;
  *out = (uint64_t)value << shift;
  return 0;
}

void options_usage(FILE *out) {
  fprintf(out,
          "usage: unikvm [options] IMAGE [--] [ARGS...]\n"
          "Runs the unikernel IMAGE (an ELF built for unikvm) on KVM; ARGS become its argv.\n"
          "\n"
          "  --mem SIZE   guest RAM, e.g. 64M or 1G (default 64M, 8M..4G, a multiple of 2M)\n"
          "  --stats      print VM exits and hypercalls on stderr when the guest ends\n"
          "  --net user[,hostfwd=tcp:[ADDR]:HOSTPORT-:GUESTPORT][,restrict=on]...\n"
          "               user-mode networking (libslirp, no root; the default for images\n"
          "               that want a NIC): 10.0.2.0/24, DHCP, host forwards on 127.0.0.1\n"
          "  --net tap:IFNAME  a NIC on the tap interface IFNAME (the fast path)\n"
          "  --net none   no NIC, even for an image that asks for one\n"
          "  --net-poll US  how long the NIC's host thread and the idle guest poll for frames\n"
          "               before they sleep (default 200; 0: no shared rings, one VM exit\n"
          "               per batch of frames, no extra host thread)\n"
          "  --pin auto|off|CPU  the vCPU thread on one CPU, the host's device threads (the\n"
          "               NIC's ring thread, the read thread of a disk without direct) on\n"
          "               the others (auto, the default: the CPU it starts on, when there are\n"
          "               such threads and two CPUs or more)\n"
          "  --ip A.B.C.D/N    static guest address instead of DHCP; --gw A.B.C.D its gateway\n"
          "  --disk FILE[,ro][,direct]  a block device on FILE (512-byte sectors; ro refuses\n"
          "               writes; direct uses O_DIRECT); fsync in the guest is fdatasync here\n"
          "  --timeout SECONDS  stop the guest after SECONDS of wall time (exit status 125)\n"
          "  --console-limit SIZE  stop copying guest output after SIZE bytes, e.g. 64M (0: no\n"
          "               limit; default: no limit on a terminal or pipe, 1G into a file)\n"
          "  --no-seccomp run without the system-call filter (debugging only; says so)\n"
          "  --snapshot-out FILE  when the app calls unikvm_snapshot(), write the VM to FILE\n"
          "               (RAM, vCPU, device state) and go on running\n"
          "  --restore FILE  start from a snapshot instead of an IMAGE (no guest ARGS)\n"
          "  --reset-per-request  after each unikvm_request_done() the VM returns exactly to\n"
          "               its snapshot: pages written since are restored, fresh entropy given\n"
          "  --clones N   with --restore: N VMs (1..128) from the snapshot, one thread each,\n"
          "               sharing unwritten RAM; each TCP connection is steered to one clone\n"
          "  --help       show this help\n"
          "  --version    show the version and the guest ABI version\n"
          "\n"
          "Exit status: the guest's own exit status (0..255), or\n"
          "  120 bad command line   121 image rejected   122 KVM/host setup failed\n"
          "  123 guest crashed (CPU exception, triple fault)\n"
          "  124 guest broke the hypercall ABI   125 --timeout expired   134 guest aborted\n"
          "  130/143 SIGINT/SIGTERM   159 unikvm made a system call its filter forbids\n");
}

static int bad(char *err, size_t errlen, const char *what, const char *why) {
  snprintf(err, errlen, "%s: %s", what, why);
  return -1;
}

static int parse_mem(struct options *opts, const char *text, char *err, size_t errlen) {
  char what[80];
  snprintf(what, sizeof(what), "--mem %s", text);
  if (options_parse_size(text, &opts->mem_size) < 0)
    return bad(err, errlen, what, "not a size (use e.g. 64M or 1G)");
  if (opts->mem_size < OPTIONS_MEM_MIN)
    return bad(err, errlen, what, "too small (minimum 8M)");
  if (opts->mem_size > UNIKVM_MEM_MAX)
    return bad(err, errlen, what, "too large (maximum 4G)");
  if (opts->mem_size % OPTIONS_MEM_ALIGN)
    return bad(err, errlen, what, "not a multiple of 2M");
  return 0;
}

/* A decimal count in [min, max], or -1. */
static long parse_count(const char *text, long min, long max) {
  char *end;
  errno = 0;
  long n = strtol(text, &end, 10);
  return errno || *end || end == text || n < min || n > max ? -1 : n;
}

/* --pin auto|off|CPU; whether CPU is one this process may use is checked when it pins. */
static int parse_pin(struct options *opts, const char *text, char *err, size_t errlen) {
  long cpu = parse_count(text, 0, CPU_SETSIZE - 1);
  if (strcmp(text, "auto") == 0)
    opts->pin = OPTIONS_PIN_AUTO;
  else if (strcmp(text, "off") == 0)
    opts->pin = OPTIONS_PIN_OFF;
  else if (cpu >= 0)
    opts->pin = (int)cpu;
  else
    return bad(err, errlen, "--pin", "expected auto, off or a CPU number");
  return 0;
}

static int parse_timeout(struct options *opts, const char *text, char *err, size_t errlen) {
  char what[80], *end;
  snprintf(what, sizeof(what), "--timeout %.60s", text);
  errno = 0;
  double s = strtod(text, &end);
  /* Up to a year: beyond that a typo is likelier than a wish. */
  if (errno || end == text || *end || !(s > 0) || s > 365.0 * 86400)
    return bad(err, errlen, what, "expected seconds, e.g. 30 or 0.5");
  opts->timeout_s = s;
  return 0;
}

static int parse_console_limit(struct options *opts, const char *text, char *err, size_t errlen) {
  char what[80];
  snprintf(what, sizeof(what), "--console-limit %.60s", text);
  if (options_parse_size(text, &opts->console_limit) < 0)
    return bad(err, errlen, what, "not a size (use e.g. 64M, or 0 for no limit)");
  opts->console_limit_set = true;
  return 0;
}

static int parse_net(struct options *opts, const char *text, char *err, size_t errlen) {
  char what[80];
  snprintf(what, sizeof(what), "--net %.60s", text);
  if (strcmp(text, "none") == 0 || (strncmp(text, "tap:", 4) == 0 && text[4])) {
    opts->net = text;
    return 0;
  }
  if (strcmp(text, "user") != 0 && strncmp(text, "user,", 5) != 0)
    return bad(err, errlen, what, "expected user[,OPTIONS], tap:IFNAME or none");
  /* The helper checks what a hostfwd says; only the option names are ours. */
  for (const char *opt = strchr(text, ','); opt; opt = strchr(opt + 1, ',')) {
    const char *end = strchrnul(opt + 1, ',');
    size_t len = (size_t)(end - opt - 1);
    if (!(len > 8 && strncmp(opt + 1, "hostfwd=", 8) == 0) &&
        !(len == 11 && strncmp(opt + 1, "restrict=on", 11) == 0) &&
        !(len == 12 && strncmp(opt + 1, "restrict=off", 12) == 0))
      return bad(err, errlen, what, "user options are hostfwd=... and restrict=on|off");
  }
  opts->net = text;
  return 0;
}

/* "A.B.C.D/N" or, without a prefix, "A.B.C.D" (then PREFIX is untouched). */
static int parse_ipv4(const char *text, uint32_t *addr, uint32_t *prefix) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%s", text);
  char *slash = strchr(buf, '/');
  if (slash) {
    char *end;
    *slash = 0;
    long n = strtol(slash + 1, &end, 10);
    if (!prefix || *end || end == slash + 1 || n < 1 || n > 30)
      return -1;
    *prefix = (uint32_t)n;
  }
  struct in_addr in;
  if (inet_pton(AF_INET, buf, &in) != 1 || in.s_addr == 0)
    return -1;
  *addr = in.s_addr;
  return 0;
}

static int parse_ip(struct options *opts, int which, const char *text, char *err, size_t errlen) {
  char what[80];
  snprintf(what, sizeof(what), "%s %.60s", which ? "--gw" : "--ip", text);
  if (which ? parse_ipv4(text, &opts->ipv4_gateway, NULL) < 0
            : parse_ipv4(text, &opts->ipv4_addr, &opts->ipv4_prefix) < 0)
    return bad(err, errlen, what, which ? "expected A.B.C.D" : "expected A.B.C.D/N (N 1..30)");
  return 0;
}

int options_parse(struct options *opts, int argc, char **argv, char *err, size_t errlen) {
  enum {
    OPT_MEM = 256,
    OPT_STATS,
    OPT_HELP,
    OPT_VERSION,
    OPT_NET,
    OPT_IP,
    OPT_GW,
    OPT_DISK,
    OPT_TIMEOUT,
    OPT_CONSOLE_LIMIT,
    OPT_NO_SECCOMP,
    OPT_SNAPSHOT_OUT,
    OPT_RESTORE,
    OPT_RESET_PER_REQUEST,
    OPT_CLONES,
    OPT_NET_POLL,
    OPT_PIN,
  };
  static const struct option longopts[] = {
      {"mem", required_argument, NULL, OPT_MEM},
      {"net", required_argument, NULL, OPT_NET},
      {"ip", required_argument, NULL, OPT_IP},
      {"gw", required_argument, NULL, OPT_GW},
      {"disk", required_argument, NULL, OPT_DISK},
      {"stats", no_argument, NULL, OPT_STATS},
      {"timeout", required_argument, NULL, OPT_TIMEOUT},
      {"console-limit", required_argument, NULL, OPT_CONSOLE_LIMIT},
      {"no-seccomp", no_argument, NULL, OPT_NO_SECCOMP},
      {"snapshot-out", required_argument, NULL, OPT_SNAPSHOT_OUT},
      {"restore", required_argument, NULL, OPT_RESTORE},
      {"reset-per-request", no_argument, NULL, OPT_RESET_PER_REQUEST},
      {"clones", required_argument, NULL, OPT_CLONES},
      {"net-poll", required_argument, NULL, OPT_NET_POLL},
      {"pin", required_argument, NULL, OPT_PIN},
      {"help", no_argument, NULL, OPT_HELP},
      {"version", no_argument, NULL, OPT_VERSION},
      {NULL, 0, NULL, 0},
  };
  memset(opts, 0, sizeof(*opts));
  opts->action = OPTIONS_RUN;
  opts->mem_size = OPTIONS_MEM_DEFAULT;
  opts->net_poll_us = OPTIONS_NET_POLL_DEFAULT_US;
  opts->pin = OPTIONS_PIN_AUTO;
  optind = 0; /* full reset, so tests can parse more than once */
  opterr = 0;
  int c;
  /* "+": stop at the image so that guest arguments are never ours. */
  while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_MEM:
      if (parse_mem(opts, optarg, err, errlen) < 0)
        return -1;
      break;
    case OPT_STATS:
      opts->stats = true;
      break;
    case OPT_NET:
      if (parse_net(opts, optarg, err, errlen) < 0)
        return -1;
      break;
    case OPT_DISK:
      opts->disk = optarg;
      break;
    case OPT_TIMEOUT:
      if (parse_timeout(opts, optarg, err, errlen) < 0)
        return -1;
      break;
    case OPT_CONSOLE_LIMIT:
      if (parse_console_limit(opts, optarg, err, errlen) < 0)
        return -1;
      break;
    case OPT_NO_SECCOMP:
      opts->no_seccomp = true;
      break;
    case OPT_SNAPSHOT_OUT:
      opts->snapshot_out = optarg;
      break;
    case OPT_RESTORE:
      opts->restore = optarg;
      break;
    case OPT_RESET_PER_REQUEST:
      opts->reset_per_request = true;
      break;
    case OPT_CLONES: {
      long n = parse_count(optarg, 1, 128);
      if (n < 0)
        return bad(err, errlen, "--clones", "expected a count from 1 to 128");
      opts->clones = (unsigned)n;
      break;
    }
    case OPT_NET_POLL: {
      long n = parse_count(optarg, 0, OPTIONS_NET_POLL_MAX_US);
      if (n < 0)
        return bad(err, errlen, "--net-poll", "expected microseconds from 0 to 100000");
      opts->net_poll_us = (uint32_t)n;
      break;
    }
    case OPT_PIN:
      if (parse_pin(opts, optarg, err, errlen) < 0)
        return -1;
      break;
    case OPT_IP:
    case OPT_GW:
      if (parse_ip(opts, c == OPT_GW, optarg, err, errlen) < 0)
        return -1;
      break;
    case 'h':
    case OPT_HELP:
      opts->action = OPTIONS_HELP;
      return 0;
    case OPT_VERSION:
      opts->action = OPTIONS_VERSION;
      return 0;
    case ':':
      return bad(err, errlen, argv[optind - 1], "missing argument");
    default:
      return bad(err, errlen, argv[optind - 1], "unknown option (see --help)");
    }
  }
  if (opts->clones && !opts->restore)
    return bad(err, errlen, "--clones", "needs --restore FILE (clones start from a snapshot)");
  if (opts->clones && opts->reset_per_request)
    return bad(err, errlen, "--clones", "not with --reset-per-request");
  if (opts->restore) {
    if (optind < argc)
      return bad(err, errlen, argv[optind],
                 "no IMAGE or ARGS with --restore (the snapshot has them)");
    if (opts->snapshot_out)
      return bad(err, errlen, "--snapshot-out", "not with --restore (the snapshot exists)");
    return 0;
  }
  if (optind >= argc)
    return bad(err, errlen, "IMAGE", "missing (see --help)");
  if (opts->ipv4_gateway && !opts->ipv4_addr)
    return bad(err, errlen, "--gw", "needs --ip");
  if (opts->ipv4_addr && !opts->ipv4_prefix)
    opts->ipv4_prefix = 24;
  opts->image = argv[optind];
  char **rest = &argv[optind + 1];
  int nrest = argc - optind - 1;
  if (nrest > 0 && strcmp(rest[0], "--") == 0) {
    /* Drop the "--" by letting the image path take its slot as argv[0]. */
    rest[0] = argv[optind];
    opts->guest_argv = rest;
    opts->guest_argc = nrest;
  } else {
    opts->guest_argv = &argv[optind];
    opts->guest_argc = nrest + 1;
  }
  return 0;
}
