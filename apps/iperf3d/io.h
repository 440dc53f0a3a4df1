/* io.h: whole-message reads and writes on (non-blocking) sockets, bounded in time. */
#ifndef IPERF3D_IO_H
#define IPERF3D_IO_H

#include <stddef.h>

double io_now(void); /* monotonic seconds */

/* Exactly len bytes, or -1 on error, end of stream or timeout. */
int io_read_full(int fd, void *buf, size_t len, int timeout_ms);
int io_write_full(int fd, const void *buf, size_t len, int timeout_ms);

int io_send_state(int fd, signed char state);
int io_send_int32(int fd, int value); /* big-endian */

/* A length-prefixed JSON text, NUL-terminated and malloc'd; NULL on error. */
char *io_read_json(int fd, int timeout_ms);
int io_write_json(int fd, const char *json, size_t len);

#endif
