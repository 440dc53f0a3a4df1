/* fmt.h: a small printf-style formatter for the kernel core, which must not depend on libc. */
#ifndef GUEST_FMT_H
#define GUEST_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Like vsnprintf for flags '-' and '0', a width, the length modifiers
 * hh h l ll z j t, and the conversions d i u x X o p s c %. Returns the
 * length the full output would have; always NUL-terminates when size > 0.
 */
size_t guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t guest_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
