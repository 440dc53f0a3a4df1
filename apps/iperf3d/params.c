/* params.c: the client's test parameters (the JSON it sends after PARAM_EXCHANGE). Only TCP
 * is served; UDP and SCTP tests are refused with "not implemented". */
#define _DEFAULT_SOURCE
#include <string.h>

#include "json.h"
#include "test.h"

static bool number_in(const char *json, const char *key, double lo, double hi, double *out) {
  double v;
  if (!json_number(json, key, &v))
    return false;
  if (v < lo || v > hi)
    v = v < lo ? lo : hi;
  *out = v;
  return true;
}

int params_parse(const char *json, struct params *p) {
  if (!json_valid_object(json))
    return IE_RECV_PARAMS;
  memset(p, 0, sizeof *p);
  p->parallel = 1;
  p->blksize = 128 * 1024;
  bool flag;
  /* iperf3 sends "udp": true or "sctp": true instead of "tcp": true. */
  if ((json_bool(json, "udp", &flag) && flag) || (json_bool(json, "sctp", &flag) && flag))
    return IE_UNIMP;

  double v;
  if (number_in(json, "time", 0, 86400, &v))
    p->duration = (int)v;
  if (number_in(json, "omit", 0, 600, &v))
    p->omit = (int)v;
  if (number_in(json, "parallel", 1, MAX_STREAMS, &v))
    p->parallel = (int)v;
  if (number_in(json, "len", 1, MAX_BLOCKSIZE, &v))
    p->blksize = (size_t)v;
  if (number_in(json, "window", 0, 1 << 30, &v))
    p->window = (int)v;
  if (number_in(json, "num", 0, 1e18, &v))
    p->bytes = (uint64_t)v;
  if (number_in(json, "blockcount", 0, 1e18, &v))
    p->blocks = (uint64_t)v;
  /* The client sends these as present-or-absent flags. */
  p->reverse = json_has(json, "reverse");
  p->bidir = json_has(json, "bidirectional");
  p->nodelay = json_has(json, "nodelay");
  return 0;
}
