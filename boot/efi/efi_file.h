/* efi_file.h: reading whole files from the EFI system partition the loader was started from. */
#ifndef EFI_FILE_H
#define EFI_FILE_H

#include <efi.h>

/*
 * Reads PATH (e.g. L"\\unikvm\\kernel.elf") from the loader's own volume
 * into a new pool buffer. Returns EFI_SUCCESS, or the firmware's error
 * (EFI_NOT_FOUND for a missing file).
 */
EFI_STATUS efi_file_read(EFI_HANDLE image, const CHAR16 *path, void **data, UINTN *size);

#endif
