/* reply.c: response heads: status line, Server, Date, Content-Type, Content-Length, Allow
 * (405) and Connection. */
#define _DEFAULT_SOURCE
#include "reply.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static char date[40] = "Thu, 01 Jan 1970 00:00:00 GMT";
static time_t date_second = -1;

void reply_set_clock(time_t now) {
  if (now == date_second)
    return;
  struct tm tm;
  if (gmtime_r(&now, &tm) && strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm) > 0)
    date_second = now;
}

static const char *reason(int status) {
  switch (status) {
  case 200:
    return "OK";
  case 400:
    return "Bad Request";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 414:
    return "URI Too Long";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 505:
    return "HTTP Version Not Supported";
  default:
    return "Error";
  }
}

size_t reply_head(char *buf, size_t cap, int status, const char *content_type, uint64_t length,
                  bool keep_alive, bool http10_keep) {
  const char *connection = !keep_alive   ? "Connection: close\r\n"
                           : http10_keep ? "Connection: keep-alive\r\n"
                                         : "";
  const char *allow = status == 405 ? "Allow: GET, HEAD\r\n" : "";
  int n = snprintf(buf, cap,
                   "HTTP/1.1 %d %s\r\nServer: unikvm-httpd\r\nDate: %s\r\n"
                   "Content-Type: %s\r\nContent-Length: %" PRIu64 "\r\n%s%s\r\n",
                   status, reason(status), date, content_type, length, allow, connection);
  return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

size_t reply_error(char *buf, size_t cap, int status, bool keep_alive, bool head_only) {
  char body[64];
  int blen = snprintf(body, sizeof body, "%d %s\n", status, reason(status));
  size_t n = reply_head(buf, cap, status, "text/plain", (uint64_t)blen, keep_alive, false);
  if (n == 0 || head_only)
    return n;
  if (n + (size_t)blen > cap)
    return 0;
  memcpy(buf + n, body, (size_t)blen);
  return n + (size_t)blen;
}
