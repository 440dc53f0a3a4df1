/* pipe.c: pipe(2), pipe2: a ring of up to 64 KiB, blocking ends, EOF, EPIPE without reader. */
#include "fd.h"
#include "pollwait.h"
#include "proc.h"
#include "ring.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Linux's default capacity: a writer blocks only once this much is unread. */
#define PIPE_CAPACITY (64 * 1024)
/* The first buffer: enough for a PIPE_BUF write. */
#define PIPE_MIN_BUFFER 512

struct port_pipe {
  struct port_file ends[2];  /* [0] read end, [1] write end */
  struct port_ring ring;     /* grows from PIPE_MIN_BUFFER to PIPE_CAPACITY as data waits */
  unsigned readers, writers; /* open ends: 0 or 1 each (dup and fork share the file) */
  struct guest_waitq readable, writable;
  struct port_poll_head pollers; /* poll and select calls watching either end */
};

static struct port_pipe *pipe_of(struct port_file *f) {
  return f->priv;
}

static ssize_t pipe_read(struct port_file *f, void *buf, size_t len) {
  struct port_pipe *p = pipe_of(f);
  if (len == 0)
    return 0;
  while (p->ring.count == 0) {
    if (p->writers == 0)
      return 0; /* end of file */
    if (f->flags & O_NONBLOCK)
      return -EAGAIN;
    guest_waitq_wait(&p->readable, GUEST_FOREVER);
  }
  size_t n = port_ring_read(&p->ring, buf, len);
  guest_waitq_wake_all(&p->writable);
  port_poll_wake(&p->pollers);
  return (ssize_t)n;
}

/*
 * Makes room for want more bytes, up to the capacity. The buffer grows with
 * what is unread instead of taking 64 KiB per pipe at once: a fork tree
 * (forksum) has thousands of pipes open together, each holding a line.
 */
static int pipe_grow(struct port_pipe *p, size_t want) {
  size_t need = p->ring.count + want, size = p->ring.size;
  if (size >= PIPE_CAPACITY)
    return 0;
  if (size == 0)
    size = PIPE_MIN_BUFFER;
  while (size < need && size < PIPE_CAPACITY)
    size *= 2;
  if (size > PIPE_CAPACITY)
    size = PIPE_CAPACITY;
  uint8_t *buf = malloc(size);
  if (buf == NULL)
    return p->ring.size > p->ring.count ? 0 : -ENOMEM; /* go on with the room there is */
  free(port_ring_move(&p->ring, buf, size));
  return 0;
}

/*
 * No signals exist, so a write with no reader fails with EPIPE and raises
 * no SIGPIPE. Writes of up to PIPE_BUF bytes go in whole, as POSIX requires.
 */
static ssize_t pipe_write(struct port_file *f, const void *buf, size_t len) {
  struct port_pipe *p = pipe_of(f);
  size_t done = 0;
  if (len == 0)
    return 0;
  for (;;) {
    if (p->readers == 0)
      return done > 0 ? (ssize_t)done : -EPIPE;
    size_t left = len - done;
    if (port_ring_space(&p->ring) < left && pipe_grow(p, left) != 0)
      return done > 0 ? (ssize_t)done : -ENOMEM;
    size_t space = port_ring_space(&p->ring);
    if (len <= PIPE_BUF ? space >= left : space > 0) {
      done += port_ring_write(&p->ring, (const char *)buf + done, left);
      guest_waitq_wake_all(&p->readable);
      port_poll_wake(&p->pollers);
      if (done == len)
        return (ssize_t)done;
    }
    if (f->flags & O_NONBLOCK)
      return done > 0 ? (ssize_t)done : -EAGAIN;
    guest_waitq_wait(&p->writable, GUEST_FOREVER);
  }
}

static int pipe_fstat(struct port_file *f, struct stat *st) {
  (void)f;
  memset(st, 0, sizeof(*st));
  st->st_mode = S_IFIFO | 0600;
  st->st_nlink = 1;
  st->st_blksize = 4096; /* stdio's buffer size for it, as Linux reports */
  return 0;
}

/* As on Linux: the write end is writable while a PIPE_BUF write would not block. */
static unsigned pipe_poll(struct port_file *f, struct port_poll_entry *e) {
  struct port_pipe *p = pipe_of(f);
  if (e != NULL)
    port_poll_add(&p->pollers, e);
  if (f == &p->ends[0])
    return (p->ring.count > 0 ? POLLIN : 0) | (p->writers == 0 ? POLLHUP : 0);
  if (p->readers == 0)
    return POLLERR;
  return PIPE_CAPACITY - p->ring.count >= PIPE_BUF ? POLLOUT : 0;
}

static void pipe_release(struct port_file *f) {
  struct port_pipe *p = pipe_of(f);
  if (f == &p->ends[0]) {
    p->readers--;
    guest_waitq_wake_all(&p->writable); /* they fail with EPIPE now */
  } else {
    p->writers--;
    guest_waitq_wake_all(&p->readable); /* they see end of file now */
  }
  port_poll_wake(&p->pollers);
  if (p->readers == 0 && p->writers == 0) {
    free(p->ring.buf);
    free(p);
  }
}

static const struct port_file_ops pipe_read_ops = {
    .read = pipe_read, .fstat = pipe_fstat, .release = pipe_release, .poll = pipe_poll};
static const struct port_file_ops pipe_write_ops = {
    .write = pipe_write, .fstat = pipe_fstat, .release = pipe_release, .poll = pipe_poll};

int port_pipe_new(struct port_file **rd, struct port_file **wr) {
  struct port_pipe *p = calloc(1, sizeof(*p));
  if (p == NULL)
    return -ENOMEM;
  p->ends[0] = (struct port_file){&pipe_read_ops, 1, O_RDONLY, p};
  p->ends[1] = (struct port_file){&pipe_write_ops, 1, O_WRONLY, p};
  p->readers = p->writers = 1;
  *rd = &p->ends[0];
  *wr = &p->ends[1];
  return 0;
}

int pipe2(int fds[2], int flags) {
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) {
    errno = EINVAL;
    return -1;
  }
  struct port_file *rd, *wr;
  int err = port_pipe_new(&rd, &wr);
  if (err != 0) {
    errno = -err;
    return -1;
  }
  rd->flags |= flags & O_NONBLOCK;
  wr->flags |= flags & O_NONBLOCK;
  struct port_fdtable *t = &port_proc_current()->fds;
  int r = port_fd_install(t, 0, rd);
  if (r < 0) {
    port_file_unref(rd);
    port_file_unref(wr);
    errno = -r;
    return -1;
  }
  int w = port_fd_install(t, 0, wr);
  if (w < 0) {
    port_fd_close(t, r);
    port_file_unref(wr);
    errno = -w;
    return -1;
  }
  fds[0] = r;
  fds[1] = w;
  return 0;
}

int pipe(int fds[2]) {
  return pipe2(fds, 0);
}
