/* efi_args.h: the kernel's argv, parsed from the command line file on the ESP. */
#ifndef EFI_ARGS_H
#define EFI_ARGS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Splits TEXT (LEN bytes, not NUL-terminated) into words the way a shell
 * would for plain words and '...' or "..." quotes (no escapes, no
 * expansion), and lays them out as unikvm does: uint64_t argv[argc + 1]
 * (addresses) followed by the strings, in AREA (SIZE bytes at its own
 * physical address). An empty text gives argv = { DEFAULT_ARGV0 }.
 * Returns argc, or -1 if the words do not fit.
 */
int efi_args_layout(const char *text, size_t len, const char *default_argv0, uint8_t *area,
                    size_t size);

#endif
