/* json.c: a validating skipper walks the text, so lookups never read past a malformed value;
 * keys are compared in their raw (escaped) form, which is exact for the plain ASCII keys of
 * the iperf3 protocol. */
#define _DEFAULT_SOURCE
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_ws(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

/* At an opening quote: returns the position after the closing quote, or NULL. */
static const char *skip_string(const char *p) {
  for (p++; *p != '"'; p++) {
    if (*p == '\0' || (unsigned char)*p < 0x20)
      return NULL;
    if (*p == '\\') {
      p++;
      if (*p == 'u') {
        for (int i = 1; i <= 4; i++)
          if (!strchr("0123456789abcdefABCDEF", p[i]) || p[i] == '\0')
            return NULL;
        p += 4;
      } else if (*p == '\0' || !strchr("\"\\/bfnrt", *p)) {
        return NULL;
      }
    }
  }
  return p + 1;
}

static const char *skip_number(const char *p) {
  const char *start = p;
  if (*p == '-')
    p++;
  if (*p < '0' || *p > '9')
    return NULL;
  while (*p >= '0' && *p <= '9')
    p++;
  if (*p == '.') {
    p++;
    if (*p < '0' || *p > '9')
      return NULL;
    while (*p >= '0' && *p <= '9')
      p++;
  }
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-')
      p++;
    if (*p < '0' || *p > '9')
      return NULL;
    while (*p >= '0' && *p <= '9')
      p++;
  }
  return p > start ? p : NULL;
}

static const char *skip_value(const char *p, int depth);

/* At '{' or '[': returns the position after the matching bracket, or NULL. */
static const char *skip_container(const char *p, int depth) {
  char close = *p == '{' ? '}' : ']';
  bool object = *p == '{';
  if (depth > 32)
    return NULL;
  p = skip_ws(p + 1);
  if (*p == close)
    return p + 1;
  for (;;) {
    if (object) {
      if (*p != '"' || !(p = skip_string(p)))
        return NULL;
      p = skip_ws(p);
      if (*p != ':')
        return NULL;
      p = skip_ws(p + 1);
    }
    if (!(p = skip_value(p, depth + 1)))
      return NULL;
    p = skip_ws(p);
    if (*p == close)
      return p + 1;
    if (*p != ',')
      return NULL;
    p = skip_ws(p + 1);
  }
}

static const char *skip_value(const char *p, int depth) {
  switch (*p) {
  case '"':
    return skip_string(p);
  case '{':
  case '[':
    return skip_container(p, depth);
  case 't':
    return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
  case 'f':
    return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
  case 'n':
    return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
  default:
    return skip_number(p);
  }
}

bool json_valid_object(const char *json) {
  const char *p = skip_ws(json);
  if (*p != '{' || !(p = skip_container(p, 0)))
    return false;
  return *skip_ws(p) == '\0';
}

/* The value of a top-level member, or NULL. */
static const char *find(const char *json, const char *key) {
  if (!json_valid_object(json))
    return NULL;
  size_t klen = strlen(key);
  const char *p = skip_ws(skip_ws(json) + 1);
  while (*p == '"') {
    const char *name = p + 1;
    p = skip_string(p);
    bool match = (size_t)(p - 1 - name) == klen && memcmp(name, key, klen) == 0;
    p = skip_ws(skip_ws(p) + 1); /* past the ':' (checked by json_valid_object) */
    if (match)
      return p;
    p = skip_ws(skip_value(p, 1));
    if (*p == ',')
      p = skip_ws(p + 1);
  }
  return NULL;
}

bool json_has(const char *json, const char *key) {
  return find(json, key) != NULL;
}

bool json_number(const char *json, const char *key, double *out) {
  const char *v = find(json, key);
  if (!v || !skip_number(v))
    return false;
  *out = strtod(v, NULL);
  return true;
}

bool json_bool(const char *json, const char *key, bool *out) {
  const char *v = find(json, key);
  if (v && strncmp(v, "true", 4) == 0)
    *out = true;
  else if (v && strncmp(v, "false", 5) == 0)
    *out = false;
  else
    return false;
  return true;
}

void json_writer_init(struct json_writer *w, char *buf, size_t cap) {
  memset(w, 0, sizeof *w);
  w->buf = buf;
  w->cap = cap;
}

static void put(struct json_writer *w, const char *fmt, ...) {
  if (w->failed)
    return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= w->cap - w->len)
    w->failed = true;
  else
    w->len += (size_t)n;
}

/* The comma and key that precede a value at the current depth. */
static void member(struct json_writer *w, const char *key) {
  if (w->need_comma[w->depth])
    put(w, ",");
  w->need_comma[w->depth] = true;
  if (key)
    put(w, "\"%s\":", key);
}

void json_open(struct json_writer *w, const char *key, char bracket) {
  member(w, key);
  put(w, "%c", bracket);
  if (w->depth + 1 >= JSON_MAX_DEPTH) {
    w->failed = true;
    return;
  }
  w->need_comma[++w->depth] = false;
}

void json_close(struct json_writer *w, char bracket) {
  put(w, "%c", bracket);
  if (w->depth == 0)
    w->failed = true;
  else
    w->depth--;
}

void json_int(struct json_writer *w, const char *key, long long value) {
  member(w, key);
  put(w, "%lld", value);
}

void json_double(struct json_writer *w, const char *key, double value) {
  member(w, key);
  put(w, "%.9g", isfinite(value) ? value : 0.0);
}

size_t json_writer_end(struct json_writer *w) {
  return w->failed || w->depth != 0 ? 0 : w->len;
}
