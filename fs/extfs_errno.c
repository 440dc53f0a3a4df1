/* extfs_errno.c: libext2fs errors as errno values and messages (the com_err calls it makes). */
#include "extfs_int.h"
#include <errno.h>
#include <guest/console.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * e2fsprogs' com_err library (lib/et) wants semaphores, getuid and
 * secure_getenv for its registry of tables; the guest needs one table,
 * so these few calls replace it.
 */
extern const struct error_table et_ext2_error_table;
struct et_list *_et_list; /* the generated table's registration code names it */

const char *error_message(errcode_t code) {
  const struct error_table *t = &et_ext2_error_table;
  if (code >= t->base && code < t->base + t->n_msgs)
    return t->msgs[code - t->base];
  if (code > 0 && code < 256)
    return strerror((int)code);
  return "unknown error";
}

/*
 * One line on the console's stderr, "fs: " first. Not through fd 2: at
 * pid 1's exit, when the file system is closed, newlib's exit has closed
 * stdio's streams and the fds under them.
 */
static void say_va(const char *prefix, const char *fmt, va_list ap) {
  char line[256];
  int n = snprintf(line, sizeof(line), "fs: %s", prefix);
  if (n >= 0 && (size_t)n < sizeof(line))
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
  size_t len = strlen(line);
  if (len == sizeof(line) - 1)
    len--;
  line[len++] = '\n';
  guest_console_write(GUEST_CONSOLE_STDERR, line, len);
}

void extfs_say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  say_va("", fmt, ap);
  va_end(ap);
}

/* libext2fs reports a few inconsistencies this way (e.g. freeing a block twice). */
void com_err(const char *whoami, errcode_t code, const char *fmt, ...) {
  char prefix[160];
  snprintf(prefix, sizeof(prefix), "%s: %s ", whoami != NULL ? whoami : "ext2fs",
           error_message(code));
  va_list ap;
  va_start(ap, fmt);
  say_va(prefix, fmt != NULL ? fmt : "", ap);
  va_end(ap);
}

int extfs_errno(errcode_t err) {
  if (err == 0)
    return 0;
  if (err > 0 && err < 256)
    return -(int)err; /* already an errno (the io_manager's, or the C library's) */
  switch (err) {
  case EXT2_ET_FILE_NOT_FOUND:
    return -ENOENT;
  case EXT2_ET_NO_DIRECTORY:
    return -ENOTDIR;
  case EXT2_ET_DIR_EXISTS:
  case EXT2_ET_FILE_EXISTS:
    return -EEXIST;
  case EXT2_ET_RO_FILSYS:
    return -EROFS;
  case EXT2_ET_BLOCK_ALLOC_FAIL:
  case EXT2_ET_INODE_ALLOC_FAIL:
  case EXT2_ET_DIR_NO_SPACE:
  case EXT2_ET_DIR_NO_SPACE_FOR_CSUM:
  case EXT2_ET_TOOSMALL:
    return -ENOSPC;
  case EXT2_ET_NO_MEMORY:
    return -ENOMEM;
  case EXT2_ET_SYMLINK_LOOP:
    return -ELOOP;
  case EXT2_ET_FILE_TOO_BIG:
    return -EFBIG;
  case EXT2_ET_INVALID_ARGUMENT:
    return -EINVAL;
  case EXT2_ET_FILE_RO:
    return -EBADF;
  case EXT2_ET_UNIMPLEMENTED:
  case EXT2_ET_OP_NOT_SUPPORTED:
    return -ENOTSUP;
  default:
    return -EIO; /* corruption, checksum errors, ... */
  }
}
