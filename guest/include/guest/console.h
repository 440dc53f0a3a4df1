/* console.h: the guest console, the destination of stdout and stderr. */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The host keeps the two apart (its own stdout and stderr). */
enum guest_console_stream {
  GUEST_CONSOLE_STDOUT = 1,
  GUEST_CONSOLE_STDERR = 2,
};

/*
 * Writes len bytes with one host exit; returns the bytes written or a
 * negative errno. Callers batch (newlib line-buffers a tty) because each
 * call costs a VM exit.
 */
int64_t guest_console_write(enum guest_console_stream stream, const void *buf, size_t len);

/* Records which of the host's fds 0..2 are terminals (boot info console_tty bits). */
void guest_console_init(uint32_t tty_mask);

/*
 * Whether the host's fd (0, 1 or 2) behind the console is a terminal: the
 * guest then buffers stdout by lines, otherwise in full (fewer exits).
 */
bool guest_console_isatty(unsigned fd);

#endif
