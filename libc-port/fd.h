/* fd.h: open files (refcounted, with an ops table) and the per-process fd table that names them. */
#ifndef LIBC_PORT_FD_H
#define LIBC_PORT_FD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct port_file;
struct port_poll_entry;
struct dirent;

/* What a kind of file does; results are counts or negative errno values. */
struct port_file_ops {
  ssize_t (*read)(struct port_file *f, void *buf, size_t len);
  ssize_t (*write)(struct port_file *f, const void *buf, size_t len);
  int (*fstat)(struct port_file *f, struct stat *st);
  /* The last reference is gone (NULL: a static file that is never freed). */
  void (*release)(struct port_file *f);
  bool (*isatty)(struct port_file *f); /* NULL: never a terminal */
  /* Files with a position and a size (NULL: the call fails, ESPIPE or EINVAL). */
  off_t (*lseek)(struct port_file *f, off_t offset, int whence);
  ssize_t (*pread)(struct port_file *f, void *buf, size_t len, off_t offset);
  ssize_t (*pwrite)(struct port_file *f, const void *buf, size_t len, off_t offset);
  int (*fsync)(struct port_file *f); /* NULL: EINVAL, as for a pipe on Linux */
  int (*ftruncate)(struct port_file *f, off_t len);
  /* Directories: the next entry into *ent; 1, 0 at the end, or -errno. */
  int (*readdir)(struct port_file *f, struct dirent *ent);
  /*
   * The POLL* bits (poll.h) that hold now; with e, also links e into the
   * file's waiters (pollwait.h) so that a change wakes its poller. NULL:
   * always readable and writable, like a regular file.
   */
  unsigned (*poll)(struct port_file *f, struct port_poll_entry *e);
};

/*
 * An open file description: dup, dup2 and fork share one (and its flags),
 * as in POSIX; refs counts the fds (in every process) that name it.
 */
struct port_file {
  const struct port_file_ops *ops;
  unsigned refs;
  int flags; /* O_RDONLY/O_WRONLY/O_RDWR | O_NONBLOCK | O_APPEND */
  void *priv;
};

/* Highest fd + 1 a process may have. */
#define PORT_FD_MAX 1024

struct port_fdtable {
  struct port_file **slots;
  int size;
};

static inline void port_file_ref(struct port_file *f) {
  f->refs++;
}
void port_file_unref(struct port_file *f);

/* The running process's file for fd, with a reference taken; NULL if fd is not open. */
struct port_file *port_fd_get(int fd);

/* The same, NULL also when fd is not open for ACCESS (O_RDONLY: reading, O_WRONLY: writing). */
struct port_file *port_fd_get_for(int fd, int access);

/* Installs f (the caller's reference moves in) at the lowest free fd >= min; fd or -errno. */
int port_fd_install(struct port_fdtable *t, int min, struct port_file *f);

/* Installs f at fd, closing what fd named first (dup2); fd or -errno. */
int port_fd_install_at(struct port_fdtable *t, int fd, struct port_file *f);

/* Closes fd; 0 or -EBADF. */
int port_fd_close(struct port_fdtable *t, int fd);

/* dst becomes a copy of src sharing its files (fork); 0 or -ENOMEM. */
int port_fdtable_copy(struct port_fdtable *dst, const struct port_fdtable *src);

/* Closes every fd and frees the table (process exit). */
void port_fdtable_close_all(struct port_fdtable *t);

/* Opens the console as fds 0, 1 and 2 (pid 1 at boot). */
void port_console_install(struct port_fdtable *t);

/* A pipe: *rd and *wr with one reference each; 0 or -errno. */
int port_pipe_new(struct port_file **rd, struct port_file **wr);

#endif
