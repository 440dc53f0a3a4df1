/* socket.c: the socket file type: blocking, timeouts and poll on top of the non-blocking stack. */
#include "socket.h"
#include "port.h"
#include "proc.h"
#include <fcntl.h>
#include <guest/clock.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

static const struct port_file_ops socket_ops;

static struct port_socket *socket_of(struct port_file *f) {
  return f->priv;
}

/* Called by the stack (any thread, core lock held): wakes whoever waits on the socket. */
static void socket_event(void *ctx) {
  port_socket_changed(ctx);
}

void port_socket_changed(struct port_socket *ps) {
  ps->events++;
  guest_waitq_wake_all(&ps->waiters);
  port_poll_wake(&ps->pollers);
}

uint64_t port_socket_deadline(uint64_t timeout_ns) {
  return timeout_ns == 0 ? GUEST_FOREVER : guest_deadline_after(timeout_ns);
}

int port_socket_wait(struct port_socket *ps, unsigned seen, uint64_t deadline_ns) {
  if (ps->events != seen)
    return 0;
  return guest_waitq_wait(&ps->waiters, deadline_ns) == GUEST_TIMEDOUT ? -EAGAIN : 0;
}

/*
 * The part of iov not yet done, as an array and a count. A partly done
 * element goes alone (in *tmp), so nothing needs copying.
 */
static const struct netstack_iov *iov_rest(const struct netstack_iov *iov, int cnt, size_t done,
                                           struct netstack_iov *tmp, int *rest) {
  int i = 0;
  while (i < cnt && done >= iov[i].len) {
    done -= iov[i].len;
    i++;
  }
  if (done == 0) {
    *rest = cnt - i;
    return iov + i;
  }
  *tmp = (struct netstack_iov){(char *)iov[i].base + done, iov[i].len - done};
  *rest = 1;
  return tmp;
}

static size_t iov_total(const struct netstack_iov *iov, int cnt) {
  size_t n = 0;
  for (int i = 0; i < cnt; i++)
    n += iov[i].len;
  return n;
}

static bool socket_nonblock(const struct port_socket *ps, int flags) {
  return (ps->file.flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
}

ssize_t port_socket_recv(struct port_socket *ps, const struct netstack_iov *iov, int iovcnt,
                         struct netstack_addr *from, int flags, unsigned *out_flags) {
  size_t want = iov_total(iov, iovcnt), got = 0;
  bool waitall = ps->stream && (flags & MSG_WAITALL) && !(flags & MSG_PEEK);
  unsigned nflags = (flags & MSG_PEEK) ? NETSTACK_MSG_PEEK : 0;
  uint64_t deadline = port_socket_deadline(ps->rcvtimeo_ns);
  *out_flags = 0;
  if (want == 0 && ps->stream)
    return 0;
  for (;;) {
    unsigned seen = ps->events;
    struct netstack_iov tmp;
    int rest;
    const struct netstack_iov *v = iov_rest(iov, iovcnt, got, &tmp, &rest);
    ssize_t r = netstack_recv(ps->s, v, rest, from, nflags, out_flags);
    if (r > 0) {
      got += (size_t)r;
      if (!waitall || got == want)
        return (ssize_t)got;
      continue;
    }
    if (r == 0)
      return (ssize_t)got; /* end of stream */
    if (r != -EAGAIN || socket_nonblock(ps, flags))
      return got > 0 ? (ssize_t)got : r;
    if (port_socket_wait(ps, seen, deadline) != 0)
      return got > 0 ? (ssize_t)got : -EAGAIN;
  }
}

/* A blocking send returns once everything is queued; without a reader that is EPIPE. */
ssize_t port_socket_send(struct port_socket *ps, const struct netstack_iov *iov, int iovcnt,
                         const struct netstack_addr *to, int flags) {
  size_t want = iov_total(iov, iovcnt), sent = 0;
  unsigned nflags = (flags & MSG_MORE) ? NETSTACK_MSG_MORE : 0;
  uint64_t deadline = port_socket_deadline(ps->sndtimeo_ns);
  for (;;) {
    unsigned seen = ps->events;
    struct netstack_iov tmp;
    int rest;
    const struct netstack_iov *v = iov_rest(iov, iovcnt, sent, &tmp, &rest);
    ssize_t r = netstack_send(ps->s, v, rest, to, nflags);
    if (r > 0 || (r == 0 && want == 0)) {
      sent += (size_t)r;
      if (sent == want || !ps->stream)
        return (ssize_t)sent;
      continue;
    }
    if (r == -ENOTCONN && ps->stream)
      r = -EPIPE;
    if (r == 0)
      r = -EAGAIN;
    if (r != -EAGAIN || socket_nonblock(ps, flags))
      return sent > 0 ? (ssize_t)sent : r;
    if (port_socket_wait(ps, seen, deadline) != 0)
      return sent > 0 ? (ssize_t)sent : -EAGAIN;
  }
}

/* ---- the file ------------------------------------------------------------------ */

static ssize_t socket_read(struct port_file *f, void *buf, size_t len) {
  struct netstack_iov iov = {buf, len};
  unsigned out;
  return port_socket_recv(socket_of(f), &iov, 1, NULL, 0, &out);
}

static ssize_t socket_write(struct port_file *f, const void *buf, size_t len) {
  struct netstack_iov iov = {(void *)buf, len};
  return port_socket_send(socket_of(f), &iov, 1, NULL, 0);
}

static int socket_fstat(struct port_file *f, struct stat *st) {
  (void)f;
  memset(st, 0, sizeof(*st));
  st->st_mode = S_IFSOCK | 0777;
  st->st_nlink = 1;
  st->st_blksize = 4096;
  return 0;
}

static unsigned socket_poll(struct port_file *f, struct port_poll_entry *e) {
  struct port_socket *ps = socket_of(f);
  if (e != NULL)
    port_poll_add(&ps->pollers, e);
  unsigned r = netstack_poll(ps->s);
  return ((r & NETSTACK_READABLE) ? POLLIN : 0) | ((r & NETSTACK_WRITABLE) ? POLLOUT : 0) |
         ((r & NETSTACK_ERROR) ? POLLERR : 0);
}

/* The last fd is gone, and with it every call in progress (each holds a reference). */
static void socket_release(struct port_file *f) {
  struct port_socket *ps = socket_of(f);
  netstack_close(ps->s);
  free(ps);
}

static const struct port_file_ops socket_ops = {
    .read = socket_read,
    .write = socket_write,
    .fstat = socket_fstat,
    .release = socket_release,
    .poll = socket_poll,
};

struct port_socket *port_socket_get(int fd, int *err) {
  struct port_file *f = port_fd_get(fd);
  if (f == NULL) {
    *err = -EBADF;
    return NULL;
  }
  if (f->ops != &socket_ops) {
    port_file_unref(f);
    *err = -ENOTSOCK;
    return NULL;
  }
  return socket_of(f);
}

int port_socket_install(int s, bool stream, int flags) {
  struct port_socket *ps = calloc(1, sizeof(*ps));
  if (ps == NULL) {
    netstack_close(s);
    return -ENOMEM;
  }
  ps->file = (struct port_file){&socket_ops, 1, O_RDWR | (flags & O_NONBLOCK), ps};
  ps->s = s;
  ps->stream = stream;
  ps->inherit = (struct port_socket_inherit){-1, -1, -1, -1};
  netstack_set_notify(s, socket_event, ps);
  int fd = port_fd_install(&port_proc_current()->fds, 0, &ps->file);
  if (fd < 0)
    port_file_unref(&ps->file);
  return fd;
}
