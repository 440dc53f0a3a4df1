/* reply.h: formatting response heads and the small bodies the server writes itself. */
#ifndef HTTPD_REPLY_H
#define HTTPD_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The smallest room a caller must offer reply_head or reply_error. */
#define REPLY_MIN_ROOM 1024

/* Sets the wall-clock second used for the Date header (formatted once per second). */
void reply_set_clock(time_t now);

/* Writes a status line and headers, ending with the blank line, into buf. Returns the
 * length, or 0 if cap is too small. http10_keep says an HTTP/1.0 client asked to keep the
 * connection open (which it must then be told). */
size_t reply_head(char *buf, size_t cap, int status, const char *content_type, uint64_t length,
                  bool keep_alive, bool http10_keep);

/* A complete error response (head and a one-line text body; head only for HEAD). */
size_t reply_error(char *buf, size_t cap, int status, bool keep_alive, bool head_only);

#endif
