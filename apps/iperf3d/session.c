/* session.c: one test from cookie to IPERF_DONE, in the order the iperf3 client expects:
 * PARAM_EXCHANGE, CREATE_STREAMS, TEST_START + TEST_RUNNING, (data until the client's
 * TEST_END), EXCHANGE_RESULTS (client's results in, ours out), DISPLAY_RESULTS. */
#define _DEFAULT_SOURCE
#include "session.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "test.h"

#define STEP_TIMEOUT_MS 10000

/* Tells the client why the test cannot run (it prints the matching message). */
static void refuse(int ctrl, int ierrno) {
  if (io_send_state(ctrl, SERVER_ERROR) == 0 && io_send_int32(ctrl, ierrno) == 0)
    io_send_int32(ctrl, 0);
}

static int exchange_params(struct test *t) {
  if (io_send_state(t->ctrl, PARAM_EXCHANGE) != 0)
    return -1;
  char *json = io_read_json(t->ctrl, STEP_TIMEOUT_MS);
  if (!json)
    return -1;
  int err = params_parse(json, &t->p);
  free(json);
  if (err) {
    refuse(t->ctrl, err);
    return -1;
  }
  return 0;
}

static int exchange_results(struct test *t) {
  if (io_send_state(t->ctrl, EXCHANGE_RESULTS) != 0)
    return -1;
  char *theirs = io_read_json(t->ctrl, STEP_TIMEOUT_MS);
  if (!theirs)
    return -1;
  free(theirs); /* the client's own counts: it prints them itself */
  size_t cap = 512 + (size_t)t->nstreams * 192;
  char *ours = malloc(cap);
  size_t len = ours ? results_format(t, ours, cap) : 0;
  int r = len > 0 ? io_write_json(t->ctrl, ours, len) : -1;
  free(ours);
  return r == 0 ? io_send_state(t->ctrl, DISPLAY_RESULTS) : -1;
}

static void report(const struct test *t, int number) {
  uint64_t received = 0, sent = 0;
  for (int i = 0; i < t->nstreams; i++) {
    if (t->streams[i].sender)
      sent += t->streams[i].bytes;
    else
      received += t->streams[i].bytes;
  }
  double secs = t->end - t->start;
  double gbits = secs > 0 ? (double)(received + sent) * 8 / secs / 1e9 : 0;
  printf("iperf3d: test %d: %d stream(s), received %llu bytes, sent %llu bytes in %.2f s: "
         "%.2f Gbit/s\n",
         number, t->nstreams, (unsigned long long)received, (unsigned long long)sent, secs, gbits);
  fflush(stdout);
}

static int run(struct test *t, int listen_fd, int number) {
  if (io_read_full(t->ctrl, t->cookie, COOKIE_SIZE, STEP_TIMEOUT_MS) != 0)
    return -1;
  if (exchange_params(t) != 0)
    return -1;
  t->block = malloc(t->p.blksize);
  if (!t->block) {
    refuse(t->ctrl, IE_UNIMP);
    return -1;
  }
  for (size_t i = 0; i < t->p.blksize; i++)
    t->block[i] = (char)('0' + i % 10);

  if (io_send_state(t->ctrl, CREATE_STREAMS) != 0 || streams_accept(t, listen_fd) != 0)
    return -1;
  if (io_send_state(t->ctrl, TEST_START) != 0 || io_send_state(t->ctrl, TEST_RUNNING) != 0)
    return -1;
  t->start = io_now();
  int r = streams_run(t, listen_fd);
  t->end = io_now();
  streams_close(t);
  if (r != 0 || exchange_results(t) != 0)
    return -1;
  /* The client answers DISPLAY_RESULTS with IPERF_DONE, then closes. */
  signed char state;
  if (io_read_full(t->ctrl, &state, 1, STEP_TIMEOUT_MS) != 0 || state != IPERF_DONE)
    return -1;
  report(t, number);
  return 0;
}

int session_run(int ctrl, int listen_fd, int number) {
  struct test *t = calloc(1, sizeof *t);
  if (!t) {
    close(ctrl);
    return -1;
  }
  t->ctrl = ctrl;
  int r = -1;
  if (fcntl(ctrl, F_SETFL, O_NONBLOCK) == 0)
    r = run(t, listen_fd, number);
  if (r != 0) {
    printf("iperf3d: test %d: ended early (client went away or broke the protocol)\n", number);
    fflush(stdout);
  }
  streams_close(t);
  close(ctrl);
  free(t->block);
  free(t);
  return r;
}
