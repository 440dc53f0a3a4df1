/* parse.h: the HTTP/1.x request head parser (no I/O, no allocation). */
#ifndef HTTPD_PARSE_H
#define HTTPD_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_TARGET  8192  /* a longer request target is answered with 414 */
#define HTTP_MAX_HEADERS 16384 /* a longer header section is answered with 431 */
/* Room for the method, the spaces and the version around a maximal target. */
#define HTTP_MAX_LINE (HTTP_MAX_TARGET + 64)
/* The largest head the server must hold to decide on it. */
#define HTTP_MAX_HEAD (HTTP_MAX_LINE + HTTP_MAX_HEADERS + 4)

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_request {
  enum http_method method;
  const char *target; /* points into the parsed buffer, not NUL-terminated */
  size_t target_len;
  int minor;            /* HTTP/1.minor */
  bool keep_alive;      /* after the version default and any Connection header */
  bool chunked;         /* Transfer-Encoding present: the body cannot be skipped */
  uint64_t content_len; /* request body bytes that follow the head */
};

/* Looks for the blank line that ends a head in buf[0..len); *scan is where the last call
 * stopped (start at 0). Returns the head's length including the blank line, or 0. */
size_t http_head_end(const char *buf, size_t len, size_t *scan);

/* For a head that is not complete yet: 414 or 431 once it can no longer fit, else 0. */
int http_check_partial(const char *buf, size_t len);

/* Parses a complete head of head_len bytes. Returns 0, or the status to answer with
 * (400, 414, 431, 505). */
int http_parse(const char *buf, size_t head_len, struct http_request *req);

#endif
