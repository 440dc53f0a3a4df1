/* options.c: parses diskbench's command line: sizes with K/M/G suffixes, checked ranges. */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: diskbench [-s SIZE] [-b BS] [-q QDEPTH] [-n COUNT] [-S SEED] [-d] [-v | -V] FILE\n"
    "  random BS-byte writes at BS-aligned offsets within SIZE (default 64M, or a device's size),\n"
    "  BS default 4096 (a multiple of 512), QDEPTH writer threads (default 64), COUNT writes\n"
    "  (default SIZE/BS), SEED (default 1) picks offsets and data; -d O_DIRECT; fsync at the end;\n"
    "  -v reads every written block back and checks it; -V only checks (no writes)\n";

/* A byte count: digits with an optional K, M, G or T (powers of 1024). */
static int parse_size(const char *s, uint64_t *out) {
  char *end;
  if (*s < '0' || *s > '9')
    return -1;
  unsigned long long v = strtoull(s, &end, 10);
  int shift = 0;
  if (*end) {
    const char *units = "KMGT", *u = strchr(units, *end & ~0x20);
    if (!u || end[1] != '\0')
      return -1;
    shift = 10 * (int)(u - units + 1);
  }
  if (v > (UINT64_MAX >> shift))
    return -1;
  *out = (uint64_t)v << shift;
  return 0;
}

static int bad(const char *what, const char *value) {
  fprintf(stderr, "diskbench: bad %s '%s'\n%s", what, value, usage);
  return -1;
}

int parse_options(int argc, char **argv, struct options *o) {
  *o = (struct options){.size = 64 << 20, .bs = 4096, .qdepth = 64, .seed = 1};
  uint64_t v;
  int c;
  while ((c = getopt(argc, argv, "s:b:q:n:S:dvV")) != -1) {
    switch (c) {
    case 's':
      if (parse_size(optarg, &o->size) || o->size == 0)
        return bad("size", optarg);
      o->size_given = 1;
      break;
    case 'b':
      if (parse_size(optarg, &o->bs) || o->bs == 0 || o->bs % 512 || o->bs > (16 << 20))
        return bad("block size (a multiple of 512, at most 16M)", optarg);
      break;
    case 'q':
      if (parse_size(optarg, &v) || v == 0 || v > 1024)
        return bad("queue depth (1..1024)", optarg);
      o->qdepth = (unsigned)v;
      break;
    case 'n':
      if (parse_size(optarg, &o->count) || o->count == 0)
        return bad("count", optarg);
      break;
    case 'S':
      if (parse_size(optarg, &o->seed))
        return bad("seed", optarg);
      break;
    case 'd':
      o->direct = 1;
      break;
    case 'v':
      o->verify = 1;
      break;
    case 'V':
      o->verify_only = 1;
      break;
    default:
      fputs(usage, stderr);
      return -1;
    }
  }
  if (optind != argc - 1) {
    fputs(usage, stderr);
    return -1;
  }
  o->path = argv[optind];
  return 0;
}
