/* options.c: unikvm's command line. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
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
  fprintf(out, "usage: unikvm [options] IMAGE [--] [ARGS...]\n"
               "Runs the unikernel IMAGE (an ELF built for unikvm) on KVM; ARGS become its argv.\n"
               "\n"
               "  --mem SIZE   guest RAM, e.g. 64M or 1G (default 64M, 8M..4G, a multiple of 2M)\n"
               "  --stats      print VM exits and hypercalls on stderr when the guest ends\n"
               "  --help       show this help\n"
               "  --version    show the version and the guest ABI version\n"
               "\n"
               "Exit status: the guest's own exit status (0..255), or\n"
               "  120 bad command line   121 image rejected   122 KVM/host setup failed\n"
               "  123 guest crashed (CPU exception, triple fault)\n"
               "  124 guest broke the hypercall ABI   134 guest aborted\n");
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

int options_parse(struct options *opts, int argc, char **argv, char *err, size_t errlen) {
  enum { OPT_MEM = 256, OPT_STATS, OPT_HELP, OPT_VERSION };
  static const struct option longopts[] = {
      {"mem", required_argument, NULL, OPT_MEM},
      {"stats", no_argument, NULL, OPT_STATS},
      {"help", no_argument, NULL, OPT_HELP},
      {"version", no_argument, NULL, OPT_VERSION},
      {NULL, 0, NULL, 0},
  };
  memset(opts, 0, sizeof(*opts));
  opts->action = OPTIONS_RUN;
  opts->mem_size = OPTIONS_MEM_DEFAULT;
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
  if (optind >= argc)
    return bad(err, errlen, "IMAGE", "missing (see --help)");
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
