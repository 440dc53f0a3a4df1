/* args.h: unikvm-slirp's command line; pure, so it is unit-tested without libslirp. */
#ifndef UNIKVM_SLIRP_ARGS_H
#define UNIKVM_SLIRP_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostfwd.h"

#define ARGS_MAX_HOSTFWD 64

struct args {
  bool
      restrict_guest; /* --restrict: the guest is reachable only through hostfwd, cannot dial out */
  bool stats;         /* --stats: one line of frame counters on stderr at exit */
  bool have_mac;
  uint8_t mac[6];
  size_t hostfwd_count;
  struct hostfwd hostfwd[ARGS_MAX_HOSTFWD];
  const char *hostfwd_spec[ARGS_MAX_HOSTFWD]; /* points into argv, to name a rule in errors */
};

/*
 * Parses ARGV (argv[0] is the program). Returns 0, or -1 with a one-line reason in ERR in the
 * "<what>: <why>" form, e.g. "--hostfwd tcp:xyz: expected ...".
 */
int args_parse(struct args *args, int argc, char *const argv[], char *err, size_t err_len);

/* Parses "52:54:00:12:34:56" (hex digits, either case); returns 0 or -1. */
int args_parse_mac(const char *text, uint8_t mac[6]);

#endif
