/* console.c: the console as files: stdin reads end of file, stdout and stderr write to the host. */
#include "fd.h"
#include <errno.h>
#include <fcntl.h>
#include <guest/console.h>
#include <poll.h>
#include <string.h>

static ssize_t console_read(struct port_file *f, void *buf, size_t len) {
  (void)f;
  (void)buf;
  (void)len;
  return 0; /* the host has no input device yet */
}

static ssize_t console_write(struct port_file *f, const void *buf, size_t len) {
  return guest_console_write((enum guest_console_stream)(uintptr_t)f->priv, buf, len);
}

/* Which host fd (0, 1, 2) a console file stands for. */
static unsigned console_host_fd(struct port_file *f) {
  return f->priv == NULL ? 0u : (unsigned)(uintptr_t)f->priv;
}

static bool console_isatty(struct port_file *f) {
  return guest_console_isatty(console_host_fd(f));
}

/*
 * A terminal is a character device, which newlib line-buffers; anything
 * else (the host's file or pipe, the guest cannot tell which) reads as a
 * FIFO, which newlib buffers in full: one exit per 4 KiB, not per line.
 */
static int console_fstat(struct port_file *f, struct stat *st) {
  bool tty = console_isatty(f);
  memset(st, 0, sizeof(*st));
  st->st_mode = (tty ? S_IFCHR : S_IFIFO) | 0620;
  st->st_nlink = 1;
  st->st_blksize = tty ? 1024 : 4096;
  return 0;
}

/* Reading gives end of file at once and writing never waits: nothing ever changes. */
static unsigned console_poll(struct port_file *f, struct port_poll_entry *e) {
  (void)e;
  return (f->flags & O_ACCMODE) == O_RDONLY ? POLLIN : POLLOUT;
}

static const struct port_file_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .fstat = console_fstat,
    .release = NULL, /* static: dup, fork and close only move the count */
    .isatty = console_isatty,
    .poll = console_poll,
};

/* One open file description each, shared by every process that inherits them. */
static struct port_file console_files[3] = {
    {&console_ops, 1, O_RDONLY, NULL},
    {&console_ops, 1, O_WRONLY, (void *)(uintptr_t)GUEST_CONSOLE_STDOUT},
    {&console_ops, 1, O_WRONLY, (void *)(uintptr_t)GUEST_CONSOLE_STDERR},
};

void port_console_install(struct port_fdtable *t) {
  for (int fd = 0; fd < 3; fd++) {
    port_file_ref(&console_files[fd]);
    port_fd_install_at(t, fd, &console_files[fd]);
  }
}
