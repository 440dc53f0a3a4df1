/* hvt_note.c: the image's manifest, an ELF note the host reads before loading. */
#include <stdint.h>
#include <unikvm/abi.h>

/*
 * ELF note layout: namesz, descsz, type, then the name and the descriptor,
 * each padded to 4 bytes. gas gives a section named .note.* the SHT_NOTE
 * type, and boot/hvt.ld puts it in a PT_NOTE segment.
 */
struct hvt_note {
  uint32_t namesz;
  uint32_t descsz;
  uint32_t type;
  char name[(sizeof(UNIKVM_NOTE_NAME) + 3) & ~3u];
  struct unikvm_note_abi desc;
};

_Static_assert(sizeof(struct unikvm_note_abi) % 4 == 0, "note desc must be 4-byte padded");
_Static_assert(sizeof(struct hvt_note) ==
                   12 + ((sizeof(UNIKVM_NOTE_NAME) + 3) & ~3u) + sizeof(struct unikvm_note_abi),
               "note must have no hidden padding");

__attribute__((section(".note.unikvm"), aligned(4), used)) static const struct hvt_note hvt_note = {
    .namesz = sizeof(UNIKVM_NOTE_NAME),
    .descsz = sizeof(struct unikvm_note_abi),
    .type = UNIKVM_NOTE_TYPE_ABI,
    .name = UNIKVM_NOTE_NAME,
    .desc = {.abi_version = UNIKVM_ABI_VERSION, .devices = 0},
};
