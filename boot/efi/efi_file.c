/* efi_file.c: reads a whole file from the EFI system partition the loader was started from. */
#include "efi_file.h"

#include <efilib.h>

static EFI_STATUS read_all(EFI_FILE_HANDLE file, void **data, UINTN *size) {
  EFI_FILE_INFO *info = LibFileInfo(file);
  if (info == NULL)
    return EFI_DEVICE_ERROR;
  UINTN want = info->FileSize;
  FreePool(info);
  /* One spare byte: a zero-length file still gets a valid buffer. */
  void *buf = AllocatePool(want + 1);
  if (buf == NULL)
    return EFI_OUT_OF_RESOURCES;
  UINTN got = want;
  EFI_STATUS st = uefi_call_wrapper(file->Read, 3, file, &got, buf);
  if (!EFI_ERROR(st) && got != want)
    st = EFI_END_OF_FILE;
  if (EFI_ERROR(st)) {
    FreePool(buf);
    return st;
  }
  *data = buf;
  *size = got;
  return EFI_SUCCESS;
}

EFI_STATUS efi_file_read(EFI_HANDLE image, const CHAR16 *path, void **data, UINTN *size) {
  EFI_LOADED_IMAGE *loaded;
  EFI_STATUS st =
      uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&loaded);
  if (EFI_ERROR(st))
    return st;
  EFI_FILE_HANDLE root = LibOpenRoot(loaded->DeviceHandle);
  if (root == NULL)
    return EFI_NOT_FOUND;
  EFI_FILE_HANDLE file;
  st = uefi_call_wrapper(root->Open, 5, root, &file, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
  if (!EFI_ERROR(st)) {
    st = read_all(file, data, size);
    uefi_call_wrapper(file->Close, 1, file);
  }
  uefi_call_wrapper(root->Close, 1, root);
  return st;
}
