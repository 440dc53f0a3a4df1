/* options.h: diskbench's command line. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdint.h>

struct options {
  uint64_t size;   /* bytes of the file or device the writes land in (-s) */
  int size_given;  /* a device defaults to its own size instead of 64M */
  uint64_t bs;     /* bytes per write, a multiple of 512 (-b) */
  unsigned qdepth; /* writer threads, each with one write in flight (-q) */
  uint64_t count;  /* writes; 0 = size / bs (-n) */
  uint64_t seed;   /* picks the offsets and the data (-S) */
  int direct;      /* O_DIRECT (-d) */
  int verify;      /* -v: read back every block written and check it */
  int verify_only; /* -V: no writes, check what an earlier run with the same options wrote */
  const char *path;
};

/* Fills o from argv, or prints why not with the usage on stderr and returns -1. */
int parse_options(int argc, char **argv, struct options *o);

#endif
