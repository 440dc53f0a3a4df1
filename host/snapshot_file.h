/* snapshot_file.h: the --snapshot-out / --restore file: a header, then guest RAM (sparse). */
#ifndef UNIKVM_SNAPSHOT_FILE_H
#define UNIKVM_SNAPSHOT_FILE_H

#include <stddef.h>

#include "guest_mem.h"
#include "snapshot.h"

/* Writes SNAP and the RAM in MEM to FD (from offset 0; holes of RAM stay holes). 0 or -1 + ERR. */
int snapshot_file_write(const struct snapshot *snap, const struct guest_mem *mem, int fd, char *err,
                        size_t errlen);

/*
 * Reads PATH: fills SNAP (taken, not yet wanted for anything) and maps its RAM into MEM
 * copy-on-write (MAP_PRIVATE: pages are read from the file as the guest touches them, and
 * every restored VM shares the unwritten ones). SNAP->ram is a second, read-only mapping of
 * the same pages. Returns 0, or -1 with a one-line reason (a bad file is refused, never
 * trusted).
 */
int snapshot_file_read(const char *path, struct snapshot *snap, struct guest_mem *mem, char *err,
                       size_t errlen);

#endif
