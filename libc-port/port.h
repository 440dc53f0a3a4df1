/* port.h: declarations shared by the libc-port files (newlib's system layer). */
#ifndef LIBC_PORT_PORT_H
#define LIBC_PORT_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * Until the fd table and VFS arrive, fds 0, 1 and 2 are the console and
 * every other fd is closed.
 */
static inline bool port_is_console_fd(int fd) {
  return fd >= 0 && fd <= 2;
}

/* The process's pid, the only one there is for now. */
#define PORT_PID 1

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
