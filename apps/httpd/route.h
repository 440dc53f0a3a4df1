/* route.h: what the server answers to a parsed request. */
#ifndef HTTPD_ROUTE_H
#define HTTPD_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "body.h"
#include "parse.h"

/* Writes the response head for req into buf, followed by as much of the body as fits;
 * *body is left describing the rest. root is the -r directory or NULL. Returns the length
 * written (buf must offer at least REPLY_MIN_ROOM bytes) and sets *status. */
size_t route_request(const struct http_request *req, const char *root, char *buf, size_t cap,
                     struct body *body, int *status);

#endif
