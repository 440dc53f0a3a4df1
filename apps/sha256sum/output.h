/* output.h: what sha256sum writes: coreutils' digest lines on stdout, one-write lines on stderr. */
#ifndef OUTPUT_H
#define OUTPUT_H

#include "sha256.h"

/* "<64 hex>  NAME\n" on stdout, byte-identical to coreutils' sha256sum. */
void print_digest_line(const unsigned char digest[SHA256_DIGEST], const char *name);

/* "sha256sum: NAME: strerror(err)\n" on stderr. */
void print_error(const char *name, int err);

/* printf to stderr in one write(): stderr is unbuffered, and in the guest each write is a VM exit.
 */
void print_stderr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
