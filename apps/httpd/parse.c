/* parse.c: the HTTP/1.x request head parser. Strict where ambiguity could desync framing
 * (one space between request-line parts, no space before a header colon, no folded lines,
 * one Content-Length), lenient elsewhere (bare LF line ends, missing Host). */
#define _DEFAULT_SOURCE
#include "parse.h"

#include <string.h>
#include <strings.h>

size_t http_head_end(const char *buf, size_t len, size_t *scan) {
  for (size_t i = *scan; i < len; i++) {
    if (buf[i] != '\n')
      continue;
    /* An empty line: "\n\n" or "\n\r\n". The caller strips leading empty lines. */
    if (i >= 1 && buf[i - 1] == '\n')
      return i + 1;
    if (i >= 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n')
      return i + 1;
  }
  *scan = len;
  return 0;
}

int http_check_partial(const char *buf, size_t len) {
  const char *nl = memchr(buf, '\n', len);
  if (!nl)
    return len > HTTP_MAX_LINE ? 414 : 0;
  size_t line = (size_t)(nl - buf) + 1;
  if (line > HTTP_MAX_LINE)
    return 414;
  return len - line > HTTP_MAX_HEADERS ? 431 : 0;
}

static bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
    return true;
  return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_token(const char *s, size_t len) {
  if (len == 0)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!is_tchar((unsigned char)s[i]))
      return false;
  return true;
}

/* The length of the line at s (up to end), without its CR LF; *next is the next line. */
static size_t line_at(const char *s, const char *end, const char **next) {
  const char *nl = memchr(s, '\n', (size_t)(end - s));
  if (!nl)
    nl = end;
  *next = nl < end ? nl + 1 : end;
  size_t len = (size_t)(nl - s);
  if (len > 0 && s[len - 1] == '\r')
    len--;
  return len;
}

static bool equals_nocase(const char *s, size_t len, const char *word) {
  return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

static void trim(const char **s, size_t *len) {
  while (*len > 0 && (**s == ' ' || **s == '\t'))
    (*s)++, (*len)--;
  while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
    (*len)--;
}

/* Connection: a comma-separated token list; sets *close / *keep for the two we act on. */
static void parse_connection(const char *v, size_t len, bool *close, bool *keep) {
  while (len > 0) {
    const char *comma = memchr(v, ',', len);
    size_t item = comma ? (size_t)(comma - v) : len;
    const char *tok = v;
    size_t tok_len = item;
    trim(&tok, &tok_len);
    if (equals_nocase(tok, tok_len, "close"))
      *close = true;
    else if (equals_nocase(tok, tok_len, "keep-alive"))
      *keep = true;
    if (!comma)
      break;
    v += item + 1;
    len -= item + 1;
  }
}

static bool parse_length(const char *v, size_t len, uint64_t *out) {
  if (len == 0 || len > 18)
    return false;
  uint64_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (v[i] < '0' || v[i] > '9')
      return false;
    n = n * 10 + (uint64_t)(v[i] - '0');
  }
  *out = n;
  return true;
}

static int parse_request_line(const char *line, size_t len, struct http_request *req) {
  const char *sp1 = memchr(line, ' ', len);
  if (!sp1 || !is_token(line, (size_t)(sp1 - line)) || sp1 - line > 32)
    return 400;
  size_t mlen = (size_t)(sp1 - line);
  if (mlen == 3 && memcmp(line, "GET", 3) == 0)
    req->method = HTTP_GET;
  else if (mlen == 4 && memcmp(line, "HEAD", 4) == 0)
    req->method = HTTP_HEAD;
  else
    req->method = HTTP_OTHER;

  const char *target = sp1 + 1, *end = line + len;
  const char *sp2 = memchr(target, ' ', (size_t)(end - target));
  if (!sp2 || sp2 == target)
    return 400;
  req->target = target;
  req->target_len = (size_t)(sp2 - target);
  for (size_t i = 0; i < req->target_len; i++) {
    unsigned char c = (unsigned char)target[i];
    if (c <= ' ' || c == 0x7f)
      return 400;
  }
  if (req->target_len > HTTP_MAX_TARGET)
    return 414;

  const char *ver = sp2 + 1;
  size_t vlen = (size_t)(end - ver);
  if (vlen != 8 || memcmp(ver, "HTTP/", 5) != 0 || ver[5] < '0' || ver[5] > '9' || ver[6] != '.' ||
      ver[7] < '0' || ver[7] > '9')
    return 400;
  if (ver[5] != '1')
    return 505;
  req->minor = ver[7] - '0';
  return 0;
}

int http_parse(const char *buf, size_t head_len, struct http_request *req) {
  const char *end = buf + head_len, *next;
  size_t len = line_at(buf, end, &next);
  if (len > HTTP_MAX_LINE)
    return 414;
  memset(req, 0, sizeof *req);
  int status = parse_request_line(buf, len, req);
  if (status)
    return status;
  if ((size_t)(end - next) > HTTP_MAX_HEADERS)
    return 431;

  bool close = false, keep = false, have_length = false;
  for (const char *s = next; s < end; s = next) {
    len = line_at(s, end, &next);
    if (len == 0)
      break; /* the blank line that ends the head */
    if (s[0] == ' ' || s[0] == '\t')
      return 400; /* obsolete line folding */
    const char *colon = memchr(s, ':', len);
    if (!colon || !is_token(s, (size_t)(colon - s)))
      return 400;
    size_t name_len = (size_t)(colon - s);
    const char *v = colon + 1;
    size_t vlen = len - name_len - 1;
    trim(&v, &vlen);
    if (equals_nocase(s, name_len, "connection")) {
      parse_connection(v, vlen, &close, &keep);
    } else if (equals_nocase(s, name_len, "content-length")) {
      uint64_t n;
      if (!parse_length(v, vlen, &n) || (have_length && n != req->content_len))
        return 400;
      req->content_len = n;
      have_length = true;
    } else if (equals_nocase(s, name_len, "transfer-encoding")) {
      req->chunked = true;
    }
  }
  req->keep_alive = !close && (req->minor >= 1 || keep);
  return 0;
}
