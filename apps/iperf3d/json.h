/* json.h: just enough JSON for the iperf3 control protocol: look up top-level members of an
 * object (numbers and booleans), and write objects and arrays of numbers. */
#ifndef IPERF3D_JSON_H
#define IPERF3D_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* Reading. json must be NUL-terminated. A lookup fails (false) when the text is not one
 * well-formed object, when the key is absent, or when the value has another type. */
bool json_valid_object(const char *json);
bool json_has(const char *json, const char *key);
bool json_number(const char *json, const char *key, double *out);
bool json_bool(const char *json, const char *key, bool *out);

/* Writing into a fixed buffer; json_writer_end says whether everything fit. */
#define JSON_MAX_DEPTH 8
struct json_writer {
  char *buf;
  size_t cap, len;
  int depth;
  bool need_comma[JSON_MAX_DEPTH];
  bool failed;
};

void json_writer_init(struct json_writer *w, char *buf, size_t cap);
/* key is NULL inside arrays and for the outermost value. */
void json_open(struct json_writer *w, const char *key, char bracket);
void json_close(struct json_writer *w, char bracket);
void json_int(struct json_writer *w, const char *key, long long value);
void json_double(struct json_writer *w, const char *key, double value);
/* Returns the length of the finished text, or 0 if it did not fit or is unbalanced. */
size_t json_writer_end(struct json_writer *w);

#endif
