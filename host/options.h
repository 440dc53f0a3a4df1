/* options.h: unikvm's command line. */
#ifndef UNIKVM_OPTIONS_H
#define UNIKVM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OPTIONS_MEM_DEFAULT (64ull << 20)
#define OPTIONS_MEM_MIN     (8ull << 20)
#define OPTIONS_MEM_ALIGN   (2ull << 20) /* guest RAM is mapped with 2 MiB pages */
/* --net-poll: µs the NIC's ring thread and the guest poll for frames before they sleep. */
#define OPTIONS_NET_POLL_DEFAULT_US 200u
#define OPTIONS_NET_POLL_MAX_US     100000u

/* --pin: where the vCPU thread runs (a CPU number, or one of these). */
#define OPTIONS_PIN_AUTO (-1)
#define OPTIONS_PIN_OFF  (-2)

enum options_action { OPTIONS_RUN, OPTIONS_HELP, OPTIONS_VERSION };

struct options {
  enum options_action action;
  uint64_t mem_size;
  bool stats;
  const char *net;          /* "tap:IFNAME", "user" or "user,OPTIONS"; NULL: none asked for */
  uint32_t ipv4_addr;       /* --ip, network byte order; 0: DHCP */
  uint32_t ipv4_prefix;     /* from --ip A/N */
  uint32_t ipv4_gateway;    /* --gw */
  uint32_t net_poll_us;     /* --net-poll: 0 = no shared rings (one exit per exchange) */
  int pin;                  /* --pin: a CPU for the vCPU thread, OPTIONS_PIN_AUTO or _OFF */
  const char *disk;         /* --disk FILE[,ro][,direct] */
  double timeout_s;         /* --timeout: stop the guest after this many seconds; 0: never */
  uint64_t console_limit;   /* --console-limit: bytes of guest output; 0: none */
  bool console_limit_set;   /* given on the command line (else a default may apply) */
  bool no_seccomp;          /* --no-seccomp: debugging only */
  const char *snapshot_out; /* --snapshot-out FILE */
  const char *restore;      /* --restore FILE: start from a snapshot instead of IMAGE */
  bool reset_per_request;   /* --reset-per-request */
  unsigned clones;          /* --clones N: N VMs from the --restore snapshot; 0: one VM */
  const char *image;        /* NULL with --restore */
  int guest_argc;           /* argv[0] is the image path */
  char **guest_argv;        /* points into the argv given to options_parse */
};

/*
 * Parses ARGV. Returns 0, or -1 with a one-line reason in ERR in the
 * "<what>: <why>" form. Guest arguments follow the image, after an
 * optional "--".
 */
int options_parse(struct options *opts, int argc, char **argv, char *err, size_t errlen);

/* Parses "64M", "1G", "512K", "1048576"; returns 0 or -1. */
int options_parse_size(const char *text, uint64_t *out);

void options_usage(FILE *out);

#endif
