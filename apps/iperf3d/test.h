/* test.h: one iperf3 test as the server sees it: the client's parameters and the data
 * streams, each either received (normal mode) or sent (-R), or both kinds (--bidir). */
#ifndef IPERF3D_TEST_H
#define IPERF3D_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct params {
  int duration;    /* "time": seconds, 0 when the test ends by bytes or blocks */
  int omit;        /* "omit": seconds at the start that do not count */
  int parallel;    /* "parallel": streams per direction */
  bool reverse;    /* "reverse": the server sends */
  bool bidir;      /* "bidirectional": both send */
  size_t blksize;  /* "len": bytes per send */
  int window;      /* "window": socket buffer size, 0 for the default */
  bool nodelay;    /* "nodelay" */
  uint64_t bytes;  /* "num": end after this many bytes (the sender's side) */
  uint64_t blocks; /* "blockcount": or this many blocks */
};

struct stream {
  int fd; /* -1 once closed */
  int id; /* as the client numbers it: 1, 3, 4, 5, ... (iperf3 skips 2) */
  bool sender;
  bool ended; /* the connection ended or failed before the test did */
  uint64_t bytes;
  double first; /* when the first counted byte moved (0: none yet) */
};

struct test {
  int ctrl;
  char cookie[COOKIE_SIZE];
  struct params p;
  struct stream streams[2 * MAX_STREAMS];
  int nstreams;
  double start, end; /* when counting began (after omit) and ended */
  char *block;       /* blksize bytes to send */
};

/* Reads the client's parameters JSON into p. Returns 0, or the i_errno to report. */
int params_parse(const char *json, struct params *p);

/* Accepts the test's data connections on listen_fd (newcomers with another cookie are
 * turned away). Returns 0, or -1 when the client gave up or timed out. */
int streams_accept(struct test *t, int listen_fd);

/* Moves data until the client sends TEST_END (returns 0) or the test fails (-1). */
int streams_run(struct test *t, int listen_fd);

/* Counts what is still buffered on the received streams, then closes every stream. */
void streams_close(struct test *t);

/* Writes the server's results JSON; returns its length, 0 if it did not fit. */
size_t results_format(const struct test *t, char *buf, size_t cap);

/* Turns a connection away: the server is busy with another test. */
void deny(int fd);

#endif
