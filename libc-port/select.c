/* select.c: select(2) and pselect on top of the poll loop. */
#include "fd.h"
#include "pollloop.h"
#include "port.h"
#include <guest/clock.h>
#include <guest/sched.h>
#include <stdlib.h>
#include <sys/select.h>

#define SELECT_READ   (POLLIN | POLLHUP | POLLERR)
#define SELECT_WRITE  (POLLOUT | POLLERR)
#define SELECT_EXCEPT POLLPRI

static bool in_set(const fd_set *set, int fd) {
  return set != NULL && FD_ISSET(fd, set);
}

/* The select itself, with a monotonic deadline (0: look once). */
static int select_deadline(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, uint64_t deadline) {
  if (nfds < 0 || nfds > FD_SETSIZE)
    return -EINVAL;
  int n = 0;
  for (int fd = 0; fd < nfds; fd++)
    n += in_set(rd, fd) || in_set(wr, fd) || in_set(ex, fd);
  struct pollfd *fds = calloc(n > 0 ? (size_t)n : 1, sizeof(*fds));
  if (fds == NULL)
    return -ENOMEM;
  for (int fd = 0, i = 0; fd < nfds; fd++) {
    short events = (short)((in_set(rd, fd) ? POLLIN : 0) | (in_set(wr, fd) ? POLLOUT : 0) |
                           (in_set(ex, fd) ? POLLPRI : 0));
    if (events != 0)
      fds[i++] = (struct pollfd){.fd = fd, .events = events};
  }
  int r = port_poll(fds, (nfds_t)n, deadline);
  for (int i = 0; r >= 0 && i < n; i++)
    if (fds[i].revents & POLLNVAL)
      r = -EBADF;
  if (r >= 0) {
    r = 0;
    for (int i = 0; i < n; i++) {
      int fd = fds[i].fd;
      short ev = fds[i].revents;
      if (in_set(rd, fd) && !(ev & SELECT_READ))
        FD_CLR(fd, rd);
      if (in_set(wr, fd) && !(ev & SELECT_WRITE))
        FD_CLR(fd, wr);
      if (in_set(ex, fd) && !(ev & SELECT_EXCEPT))
        FD_CLR(fd, ex);
      r += in_set(rd, fd) + in_set(wr, fd) + in_set(ex, fd);
    }
  }
  free(fds);
  return r;
}

static uint64_t timeout_deadline(uint64_t timeout_ns) {
  return timeout_ns == 0 ? 0 : guest_deadline_after(timeout_ns);
}

/* Like Linux, select reports the time left in *timeout. */
int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout) {
  uint64_t deadline = GUEST_FOREVER;
  if (timeout != NULL) {
    if (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000) {
      errno = EINVAL;
      return -1;
    }
    deadline = timeout_deadline((uint64_t)timeout->tv_sec * GUEST_NS_PER_SEC +
                                (uint64_t)timeout->tv_usec * 1000u);
  }
  int r = select_deadline(nfds, rd, wr, ex, deadline);
  if (timeout != NULL && r >= 0) {
    uint64_t now = guest_clock_monotonic_ns(), left = deadline > now ? deadline - now : 0;
    timeout->tv_sec = (time_t)(left / GUEST_NS_PER_SEC);
    timeout->tv_usec = (suseconds_t)(left % GUEST_NS_PER_SEC / 1000u);
  }
  return (int)port_syscall_ret(r);
}

/* No signals exist, so the mask changes nothing. */
int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *timeout,
            const sigset_t *sigmask) {
  (void)sigmask;
  uint64_t deadline = GUEST_FOREVER;
  if (timeout != NULL) {
    if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000) {
      errno = EINVAL;
      return -1;
    }
    deadline =
        timeout_deadline((uint64_t)timeout->tv_sec * GUEST_NS_PER_SEC + (uint64_t)timeout->tv_nsec);
  }
  return (int)port_syscall_ret(select_deadline(nfds, rd, wr, ex, deadline));
}
