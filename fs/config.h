/* config.h: what e2fsprogs' configure would find for the guest (newlib, no OS devices, no threads).
 */
#ifndef UNIKVM_E2FSPROGS_CONFIG_H
#define UNIKVM_E2FSPROGS_CONFIG_H

/*
 * Only what newlib and libc-port really provide: libext2fs picks its
 * fallbacks for the rest. No HAVE_PTHREAD (the guest's threads are
 * cooperative and libext2fs's parallel bitmap loading would only add
 * switches), no CONFIG_MMP (multi-mount protection needs O_DIRECT on a
 * host path), no TDB (undo files).
 */
#define HAVE_UNISTD_H     1
#define HAVE_STDLIB_H     1
#define HAVE_ERRNO_H      1
#define HAVE_INTTYPES_H   1
#define HAVE_STDINT_H     1
#define HAVE_SYS_TYPES_H  1
#define HAVE_SYS_STAT_H   1
#define HAVE_SYS_TIME_H   1
#define HAVE_STRDUP       1
#define HAVE_STRNLEN      1
#define HAVE_VPRINTF      1
#define HAVE_TYPE_SSIZE_T 1
#define HAVE_MALLOC_H     1
#define HAVE_MEMALIGN     1

#define SIZEOF_SHORT     2
#define SIZEOF_INT       4
#define SIZEOF_LONG      8
#define SIZEOF_LONG_LONG 8
#define SIZEOF_OFF_T     8
#define SIZEOF_TIME_T    8

#endif
