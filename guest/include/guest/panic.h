/* panic.h: ending the VM because of an unrecoverable error. */
#ifndef GUEST_PANIC_H
#define GUEST_PANIC_H

#include <stdarg.h>
#include <stdnoreturn.h>

/*
 * Formats the message (see fmt.h for the conversions) and ends the VM with
 * an abort hypercall; the host prints it and exits non-zero. Needs no heap
 * and no libc, so it works when either is broken.
 */
noreturn void guest_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void guest_vpanic(const char *fmt, va_list ap);

#endif
