/* fd_printf.h: formatted output straight to a file descriptor. */
#ifndef UNIKVM_FD_PRINTF_H
#define UNIKVM_FD_PRINTF_H

/*
 * dprintf() without stdio: glibc's dprintf calls fstat and lseek on FD each
 * time, which the seccomp filter does not allow; this formats into a buffer
 * (up to 1 KiB, longer output is cut) and writes it with one write().
 */
void fd_printf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
