/* elf_notes.h: the unikvm ABI notes of an image's PT_NOTE segment. Header-only and free of libc:
 * unikvm (host/elf_loader.c) and the UEFI loader (boot/efi/elf_check.c) must read an image's
 * notes by the same rules. */
#ifndef UNIKVM_ELF_NOTES_H
#define UNIKVM_ELF_NOTES_H

#include <stddef.h>
#include <stdint.h>

#include "unikvm/abi.h"

/* An ELF note's header (Elf64_Nhdr): name and descriptor follow, each padded to 4 bytes. */
struct unikvm_elf_nhdr {
  uint32_t namesz, descsz, type;
};

static inline void unikvm_notes_copy(void *dst, const uint8_t *src, size_t n) {
  uint8_t *d = dst;
  while (n--)
    *d++ = *src++;
}

/*
 * Reads the unikvm ABI notes in file[off, end), a PT_NOTE segment the
 * caller checked lies in the file: each layer of the image declares its
 * own, so their device bits are ORed into *devices and any version other
 * than ours is kept in *bad_version. Returns FOUND plus the notes read; a
 * malformed note ends the walk.
 */
static inline int unikvm_read_abi_notes(const uint8_t *file, uint64_t off, uint64_t end,
                                        uint32_t *devices, int found, uint32_t *bad_version) {
  static const char name[] = UNIKVM_NOTE_NAME;
  while (end - off >= sizeof(struct unikvm_elf_nhdr)) {
    struct unikvm_elf_nhdr nh;
    unikvm_notes_copy(&nh, file + off, sizeof(nh));
    uint64_t name_off = off + sizeof(nh);
    uint64_t desc_off = name_off + (((uint64_t)nh.namesz + 3) & ~3ull);
    uint64_t next = desc_off + (((uint64_t)nh.descsz + 3) & ~3ull);
    if (next > end || next <= off)
      return found;
    int named = nh.type == UNIKVM_NOTE_TYPE_ABI && nh.namesz == sizeof(name);
    for (size_t i = 0; named && i < sizeof(name); i++)
      named = file[name_off + i] == (uint8_t)name[i];
    struct unikvm_note_abi desc;
    if (named && nh.descsz >= sizeof(desc)) {
      unikvm_notes_copy(&desc, file + desc_off, sizeof(desc));
      if (desc.abi_version != UNIKVM_ABI_VERSION)
        *bad_version = desc.abi_version;
      *devices |= desc.devices;
      found++;
    }
    off = next;
  }
  return found;
}

#endif
