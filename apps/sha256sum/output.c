/* output.c: sha256sum's output: names escaped and quoted the way coreutils does it. */
#include "output.h"

#include <stdarg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* coreutils 9 marks a line whose name holds a backslash, newline or carriage return with a leading
 * backslash and escapes those characters, so every digest line stays one parseable line. */
void print_digest_line(const unsigned char digest[SHA256_DIGEST], const char *name) {
  static const char hex[] = "0123456789abcdef";
  char line[2 * SHA256_DIGEST + 1];
  for (int i = 0; i < SHA256_DIGEST; i++) {
    line[2 * i] = hex[digest[i] >> 4];
    line[2 * i + 1] = hex[digest[i] & 15];
  }
  line[2 * SHA256_DIGEST] = '\0';
  int escape = strpbrk(name, "\\\n\r") != NULL;
  if (escape)
    putchar('\\');
  fputs(line, stdout);
  fputs("  ", stdout);
  if (!escape) {
    fputs(name, stdout);
  } else {
    for (const char *c = name; *c; c++) {
      if (*c == '\\')
        fputs("\\\\", stdout);
      else if (*c == '\n')
        fputs("\\n", stdout);
      else if (*c == '\r')
        fputs("\\r", stdout);
      else
        putchar(*c);
    }
  }
  putchar('\n');
}

/* Names in error messages are shell-quoted when they need it, like coreutils' quotef, so a name
 * with spaces or control characters cannot be misread. Simplified: control characters become
 * $'\ooo' pieces. Writes into out (room for 8 bytes per name byte plus 3) and returns its end. */
static char *quote(char *out, const char *name) {
  static const char plain[] = "%+,-./:=@_";
  if (*name == '\0')
    return stpcpy(out, "''");
  int needs = 0;
  for (const char *c = name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
          strchr(plain, *c)))
      needs = 1;
  if (!needs)
    return stpcpy(out, name);
  int open = 0;
  for (const char *c = name; *c; c++) {
    unsigned char u = (unsigned char)*c;
    if (u < 0x20 || u == 0x7f) {
      out += sprintf(out, "%s$'\\%03o'", open ? "'" : "", u);
      open = 0;
      continue;
    }
    if (!open)
      *out++ = '\'', open = 1;
    if (u == '\'')
      out = stpcpy(out, "'\\''");
    else
      *out++ = (char)u;
  }
  if (open)
    *out++ = '\'';
  *out = '\0';
  return out;
}

void print_stderr(const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof line) { /* a long name: slower but complete */
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    return;
  }
  for (ssize_t off = 0, w; off < n; off += w)
    if ((w = write(STDERR_FILENO, line + off, (size_t)(n - off))) <= 0)
      return;
}

void print_error(const char *name, int err) {
  char *quoted = malloc(8 * strlen(name) + 3);
  if (quoted)
    quote(quoted, name);
  print_stderr("sha256sum: %s: %s\n", quoted ? quoted : name, strerror(err));
  free(quoted);
}
