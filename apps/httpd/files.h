/* files.h: mapping a URL path to a regular file under the document root. */
#ifndef HTTPD_FILES_H
#define HTTPD_FILES_H

#include <stddef.h>
#include <stdint.h>

/* Percent-decodes path[0..len) into out (NUL-terminated). Returns 0, or -1 when the path
 * is malformed, too long, holds a NUL or control byte, or has a ".." segment. */
int files_decode(const char *path, size_t len, char *out, size_t cap);

/* Opens the regular file (or a directory's index.html) that path names under root.
 * Returns the fd and fills *size and *type, or -1 for anything that must be a 404. */
int files_open(const char *root, const char *path, size_t len, uint64_t *size, const char **type);

#endif
