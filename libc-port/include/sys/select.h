/* select.h: select(2) and fd_set, sized like Linux's (1024 fds) instead of newlib's 64. */
#ifndef UNIKVM_SYS_SELECT_H
#define UNIKVM_SYS_SELECT_H
/* newlib's own version must never be used as well: newlib's sys/types.h includes this one. */
#define _SYS_SELECT_H
#define _SYS_TYPES_FD_SET

#include <sys/_sigset.h>
#include <sys/_timeval.h>
#include <sys/cdefs.h>
#include <sys/timespec.h>

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(_SIGSET_T_DECLARED)
#define _SIGSET_T_DECLARED
typedef __sigset_t sigset_t;
#endif

/* The highest fd + 1 that select accepts: a process's whole fd table (PORT_FD_MAX). */
#ifndef FD_SETSIZE
#define FD_SETSIZE 1024
#endif

typedef unsigned long fd_mask;
#define NFDBITS (sizeof(fd_mask) * 8)
#ifndef _howmany
#define _howmany(x, y) (((x) + ((y)-1)) / (y))
#endif

typedef struct _types_fd_set {
  fd_mask fds_bits[_howmany(FD_SETSIZE, NFDBITS)];
} _types_fd_set;
#define fd_set _types_fd_set

#define FD_SET(n, p)   ((p)->fds_bits[(n) / NFDBITS] |= (1UL << ((n) % NFDBITS)))
#define FD_CLR(n, p)   ((p)->fds_bits[(n) / NFDBITS] &= ~(1UL << ((n) % NFDBITS)))
#define FD_ISSET(n, p) (((p)->fds_bits[(n) / NFDBITS] & (1UL << ((n) % NFDBITS))) != 0)
#define FD_ZERO(p)     __builtin_memset((p), 0, sizeof(*(p)))

int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout);
int pselect(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
            const struct timespec *timeout, const sigset_t *sigmask);

#ifdef __cplusplus
}
#endif

#endif
