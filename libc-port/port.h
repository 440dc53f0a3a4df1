/* port.h: declarations shared by the libc-port files (newlib's system layer). */
#ifndef LIBC_PORT_PORT_H
#define LIBC_PORT_PORT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* A result that is a count or a negative errno, as a system call returns it: -1 and errno. */
static inline long port_syscall_ret(long r) {
  if (r < 0) {
    errno = (int)-r;
    return -1;
  }
  return r;
}

/* The monotonic-clock deadline for an absolute time on clock; 0 when it is already past. */
uint64_t port_abstime_deadline(clockid_t clock, const struct timespec *abstime);

/* Constructors and destructors (.preinit_array, .init_array, .fini_array). */
void port_run_init_array(void);
void port_run_fini_array(void);

/*
 * The system calls newlib's reentrant wrappers (_write_r, ...) call. newlib
 * declares them only while compiling itself (_COMPILING_NEWLIB).
 */
_READ_WRITE_RETURN_TYPE _write(int fd, const void *buf, size_t len);
_READ_WRITE_RETURN_TYPE _read(int fd, void *buf, size_t len);
int _close(int fd);
_off_t _lseek(int fd, _off_t offset, int whence);
int _fstat(int fd, struct stat *st);
int _stat(const char *restrict path, struct stat *restrict st);
int _isatty(int fd);
int _open(const char *path, int flags, ...);
int _link(const char *old, const char *new);
int _unlink(const char *path);
int _mkdir(const char *path, mode_t mode);
int _fcntl(int fd, int cmd, ...);
void *_sbrk(ptrdiff_t incr);
pid_t _getpid(void);
int _kill(pid_t pid, int sig);
int _gettimeofday(struct timeval *tv, void *tz);
clock_t _times(struct tms *buf);
pid_t _fork(void);
int _execve(const char *path, char *const argv[], char *const envp[]);
pid_t _wait(int *status);

#endif
