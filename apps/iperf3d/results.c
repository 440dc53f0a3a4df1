/* results.c: the server's half of EXCHANGE_RESULTS: CPU use and, per stream, the bytes it
 * really received or sent and the seconds it counted them over. The client prints its
 * receiver (or, with -R, sender) summary from these numbers. */
#define _DEFAULT_SOURCE
#include <time.h>

#include "json.h"
#include "test.h"

size_t results_format(const struct test *t, char *buf, size_t cap) {
  double elapsed = t->end - t->start;
  if (elapsed <= 0)
    elapsed = 1e-9;
  /* clock() is the process CPU time; the user/system split is not portable, so all of it
   * is reported as user time. */
  double cpu = 100.0 * ((double)clock() / CLOCKS_PER_SEC) / elapsed;
  bool sends = t->p.reverse || t->p.bidir;

  struct json_writer w;
  json_writer_init(&w, buf, cap);
  json_open(&w, NULL, '{');
  json_double(&w, "cpu_util_total", cpu);
  json_double(&w, "cpu_util_user", cpu);
  json_double(&w, "cpu_util_system", 0);
  /* -1: the receiving side has no retransmits to report; 0: this sender cannot count them
   * portably, so the client leaves its Retr column out. */
  json_int(&w, "sender_has_retransmits", sends ? 0 : -1);
  json_open(&w, "streams", '[');
  for (int i = 0; i < t->nstreams; i++) {
    const struct stream *s = &t->streams[i];
    json_open(&w, NULL, '{');
    json_int(&w, "id", s->id);
    json_int(&w, "bytes", (long long)s->bytes);
    json_int(&w, "retransmits", -1);
    json_double(&w, "jitter", 0);
    json_int(&w, "errors", 0);
    json_int(&w, "packets", 0);
    /* A stream's time runs from its first byte: the client starts its clock a little after
     * TEST_RUNNING, and counting that gap would understate short tests. */
    json_double(&w, "start_time", s->first > t->start ? s->first - t->start : 0);
    json_double(&w, "end_time", elapsed);
    json_close(&w, '}');
  }
  json_close(&w, ']');
  json_close(&w, '}');
  return json_writer_end(&w);
}
