/* sys/stat.h: newlib's, plus lstat, which newlib declares only for a few targets. */
#ifndef LIBC_PORT_SYS_STAT_H
#define LIBC_PORT_SYS_STAT_H

#include_next <sys/stat.h>

int lstat(const char *__restrict path, struct stat *__restrict st);

#endif
