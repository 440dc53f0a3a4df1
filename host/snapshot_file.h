/* snapshot_file.h: the --snapshot-out / --restore file: a header, then guest RAM (sparse). */
#ifndef UNIKVM_SNAPSHOT_FILE_H
#define UNIKVM_SNAPSHOT_FILE_H

#include <stdbool.h>
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

/* The two halves of snapshot_file_read, for clones that map one file many times:
 * open and check PATH, fill SNAP (returns the fd, or -1 with ERR); map its RAM into MEM
 * copy-on-write, plus a read-only SNAP->ram if PRISTINE (0, or -1 with ERR). */
int snapshot_file_open(const char *path, struct snapshot *snap, char *err, size_t errlen);
int snapshot_file_map(int fd, struct snapshot *snap, struct guest_mem *mem, bool pristine,
                      char *err, size_t errlen);

#endif
