/* route.c: the server's resources: "/" (a built-in page), "/bytes/N" (N pattern bytes),
 * "/state" (what this VM has seen: snapshot tests) and, with -r, files under the root; everything
 * else is 404, and methods other than GET and HEAD are 405. */
#define _DEFAULT_SOURCE
#include "route.h"

#include <string.h>

#include "files.h"
#include "reply.h"
#include "state.h"

static const char index_page[] =
    "<!DOCTYPE html>\n"
    "<html><head><meta charset=\"utf-8\"><title>unikvm httpd</title></head>\n"
    "<body><h1>unikvm's httpd</h1>\n"
    "<p>This page is served by httpd, the small HTTP/1.1 server that runs as a unikvm "
    "unikernel (and natively, as the benchmark baseline).</p>\n"
    "<p><a href=\"/bytes/1048576\">/bytes/N</a> streams N bytes.</p>\n"
    "</body></html>\n";

/* The path part of a request target: origin-form as is, absolute-form without scheme and
 * authority, query and fragment dropped. Returns false for anything that is not a path. */
static bool target_path(const char *t, size_t len, const char **path, size_t *path_len) {
  if (len > 7 && (memcmp(t, "http://", 7) == 0 || (len > 8 && memcmp(t, "https://", 8) == 0))) {
    const char *auth = memchr(t, '/', len) + 2;
    const char *slash = memchr(auth, '/', len - (size_t)(auth - t));
    if (!slash) {
      *path = "/";
      *path_len = 1;
      return true;
    }
    len -= (size_t)(slash - t);
    t = slash;
  }
  if (len == 0 || t[0] != '/')
    return false;
  for (size_t i = 0; i < len; i++)
    if (t[i] == '?' || t[i] == '#') {
      len = i;
      break;
    }
  *path = t;
  *path_len = len;
  return true;
}

static bool parse_count(const char *s, size_t len, uint64_t *out) {
  if (len == 0 || len > 18)
    return false;
  uint64_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    n = n * 10 + (uint64_t)(s[i] - '0');
  }
  *out = n;
  return true;
}

/* A head plus as much of the body as fits in the rest of buf. */
static size_t respond(const struct http_request *req, char *buf, size_t cap, const char *type,
                      uint64_t length, struct body *body) {
  bool head_only = req->method == HTTP_HEAD;
  size_t n =
      reply_head(buf, cap, 200, type, length, req->keep_alive, req->keep_alive && req->minor == 0);
  if (head_only) {
    body_end(body);
    return n;
  }
  long filled = body_fill(body, buf + n, cap - n);
  if (filled < 0) {
    body_end(body);
    return 0;
  }
  if (body->left == 0)
    body_end(body);
  return n + (size_t)filled;
}

size_t route_request(const struct http_request *req, const char *root, char *buf, size_t cap,
                     struct body *body, int *status) {
  bool head_only = req->method == HTTP_HEAD;
  body->kind = BODY_NONE;
  body->fd = -1;
  *status = 200;
  if (req->method == HTTP_OTHER) {
    *status = 405;
    return reply_error(buf, cap, 405, req->keep_alive, false);
  }
  const char *path;
  size_t len;
  if (!target_path(req->target, req->target_len, &path, &len)) {
    *status = 400;
    return reply_error(buf, cap, 400, false, head_only);
  }

  if (len == 1) {
    size_t n = reply_head(buf, cap, 200, "text/html", sizeof index_page - 1, req->keep_alive,
                          req->keep_alive && req->minor == 0);
    if (!head_only && n + sizeof index_page - 1 <= cap) {
      memcpy(buf + n, index_page, sizeof index_page - 1);
      n += sizeof index_page - 1;
    }
    return n;
  }

  if (state_crash_route && len == 6 && memcmp(path, "/crash", 6) == 0)
    state_crash();
  if (len == 6 && memcmp(path, "/state", 6) == 0) {
    char text[128];
    size_t body_len = state_report(text, sizeof text);
    size_t n = reply_head(buf, cap, 200, "text/plain", body_len, req->keep_alive,
                          req->keep_alive && req->minor == 0);
    if (!head_only && n + body_len <= cap) {
      memcpy(buf + n, text, body_len);
      n += body_len;
    }
    return n;
  }

  uint64_t count;
  if (len > 7 && memcmp(path, "/bytes/", 7) == 0 && parse_count(path + 7, len - 7, &count)) {
    *body = (struct body){.kind = BODY_PATTERN, .left = count, .pos = 0, .fd = -1};
    return respond(req, buf, cap, "application/octet-stream", count, body);
  }

  if (root) {
    uint64_t size;
    const char *type;
    int fd = files_open(root, path, len, &size, &type);
    if (fd >= 0) {
      *body = (struct body){.kind = BODY_FILE, .left = size, .pos = 0, .fd = fd};
      size_t n = respond(req, buf, cap, type, size, body);
      if (n > 0)
        return n;
      *status = 500;
      return reply_error(buf, cap, 500, false, head_only);
    }
  }
  *status = 404;
  return reply_error(buf, cap, 404, req->keep_alive, head_only);
}
