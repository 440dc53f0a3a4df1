/* manifest.h: declares the devices an image wants, in the ELF note the host reads before loading.
 */
#ifndef GUEST_MANIFEST_H
#define GUEST_MANIFEST_H

#include <stdint.h>
#include <unikvm/abi.h>

/*
 * ELF note layout: namesz, descsz, type, then the name and the descriptor,
 * each padded to 4 bytes. boot/hvt.ld keeps every .note.unikvm section in
 * a PT_NOTE segment, and the host ORs the device bits of all of them, so a
 * layer that needs a device declares it where its code is: the note comes
 * with the object only when the app links that layer.
 */
struct guest_manifest_note {
  uint32_t namesz;
  uint32_t descsz;
  uint32_t type;
  char name[(sizeof(UNIKVM_NOTE_NAME) + 3) & ~3u];
  struct unikvm_note_abi desc;
};

_Static_assert(sizeof(struct unikvm_note_abi) % 4 == 0, "note desc must be 4-byte padded");
_Static_assert(sizeof(struct guest_manifest_note) ==
                   12 + ((sizeof(UNIKVM_NOTE_NAME) + 3) & ~3u) + sizeof(struct unikvm_note_abi),
               "note must have no hidden padding");

#define GUEST_MANIFEST(var, device_bits)                                                           \
  __attribute__((section(".note.unikvm"), aligned(4),                                              \
                 used)) static const struct guest_manifest_note var = {                            \
      .namesz = sizeof(UNIKVM_NOTE_NAME),                                                          \
      .descsz = sizeof(struct unikvm_note_abi),                                                    \
      .type = UNIKVM_NOTE_TYPE_ABI,                                                                \
      .name = UNIKVM_NOTE_NAME,                                                                    \
      .desc = {.abi_version = UNIKVM_ABI_VERSION, .devices = (device_bits)},                       \
  }

#endif
