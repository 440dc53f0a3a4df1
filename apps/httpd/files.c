/* files.c: static files under -r ROOT. Only regular files are served; a directory serves its
 * index.html or nothing (no listings); any ".." segment, before or after percent-decoding,
 * is refused so that no path leaves the root. */
#define _DEFAULT_SOURCE
#include "files.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILES_MAX_PATH 4096

static int hex(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int files_decode(const char *path, size_t len, char *out, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)path[i];
    if (c == '%') {
      if (i + 2 >= len)
        return -1;
      int hi = hex(path[i + 1]), lo = hex(path[i + 2]);
      if (hi < 0 || lo < 0)
        return -1;
      c = hi * 16 + lo;
      i += 2;
    }
    if (c < 0x20 || c == 0x7f || n + 1 >= cap)
      return -1;
    out[n++] = (char)c;
  }
  out[n] = '\0';
  /* Segment by segment: "..", whatever its spelling in the URL, is refused. */
  for (const char *s = out; *s;) {
    const char *slash = strchr(s, '/');
    size_t seg = slash ? (size_t)(slash - s) : strlen(s);
    if (seg == 2 && s[0] == '.' && s[1] == '.')
      return -1;
    s += seg;
    if (*s == '/')
      s++;
  }
  return 0;
}

static const char *content_type(const char *path) {
  static const struct {
    const char *ext, *type;
  } types[] = {
      {".html", "text/html"},      {".htm", "text/html"},         {".txt", "text/plain"},
      {".css", "text/css"},        {".js", "text/javascript"},    {".json", "application/json"},
      {".png", "image/png"},       {".jpg", "image/jpeg"},        {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},       {".svg", "image/svg+xml"},     {".ico", "image/x-icon"},
      {".pdf", "application/pdf"}, {".wasm", "application/wasm"}, {".xml", "application/xml"},
      {".csv", "text/csv"},
  };
  const char *dot = strrchr(path, '.');
  if (dot && !strchr(dot, '/'))
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
      if (strcasecmp(dot, types[i].ext) == 0)
        return types[i].type;
  return "application/octet-stream";
}

static int open_regular(const char *full, uint64_t *size, struct stat *st) {
  int fd = open(full, O_RDONLY);
  if (fd < 0)
    return -1;
  if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    close(fd);
    return -1;
  }
  *size = (uint64_t)st->st_size;
  return fd;
}

int files_open(const char *root, const char *path, size_t len, uint64_t *size, const char **type) {
  char rel[FILES_MAX_PATH], full[FILES_MAX_PATH + 64];
  if (files_decode(path, len, rel, sizeof rel) != 0)
    return -1;
  int n = snprintf(full, sizeof full, "%s%s", root, rel);
  if (n < 0 || (size_t)n >= sizeof full - sizeof "/index.html")
    return -1;
  struct stat st;
  int fd = open(full, O_RDONLY);
  if (fd < 0)
    return -1;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return -1;
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    strcat(full, full[n - 1] == '/' ? "index.html" : "/index.html");
    fd = open_regular(full, size, &st);
  } else if (S_ISREG(st.st_mode)) {
    *size = (uint64_t)st.st_size;
  } else {
    close(fd);
    fd = -1;
  }
  if (fd >= 0)
    *type = content_type(full);
  return fd;
}
