/*
 * fuzz_elf_loader.c: image bytes -> elf_load (host/elf_loader.c). The input is the whole file,
 * in a heap buffer of exactly its size, so a read past the file is an ASan report. An accepted
 * image is checked again here, independently, against the rules the loader promises.
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf_loader.h"
#include "fuzz_check.h"
#include "unikvm/abi.h"

/* 64 KiB usable above 1 MiB, below the stack: enough for the seeds, cheap to copy into. */
#define RAM_SIZE (UNIKVM_IMAGE_MIN + 64u * 1024u + UNIKVM_STACK_SIZE)

static void check_accepted(const uint8_t *file, size_t size, const struct elf_image *image) {
  const uint64_t ram_limit = RAM_SIZE - UNIKVM_STACK_SIZE;
  Elf64_Ehdr eh;
  FUZZ_CHECK(size >= sizeof(eh));
  memcpy(&eh, file, sizeof(eh));
  FUZZ_CHECK(eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_machine == EM_X86_64);
  FUZZ_CHECK(eh.e_type == ET_EXEC && eh.e_phentsize == sizeof(Elf64_Phdr));
  FUZZ_CHECK(eh.e_phoff <= size && eh.e_phnum <= (size - eh.e_phoff) / sizeof(Elf64_Phdr));
  int entry_ok = 0;
  uint64_t end_max = 0;
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    memcpy(&ph, file + eh.e_phoff + i * sizeof(ph), sizeof(ph));
    FUZZ_CHECK(ph.p_type != PT_INTERP && ph.p_type != PT_DYNAMIC);
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
      continue;
    /* Inside the file, inside usable RAM above 1 MiB, never W+X. */
    FUZZ_CHECK(ph.p_filesz <= ph.p_memsz);
    FUZZ_CHECK(ph.p_offset <= size && ph.p_filesz <= size - ph.p_offset);
    FUZZ_CHECK(ph.p_paddr >= UNIKVM_IMAGE_MIN && ph.p_paddr < ram_limit);
    FUZZ_CHECK(ph.p_memsz <= ram_limit - ph.p_paddr);
    FUZZ_CHECK(ph.p_vaddr == ph.p_paddr);
    FUZZ_CHECK(!((ph.p_flags & PF_W) && (ph.p_flags & PF_X)));
    if ((ph.p_flags & PF_X) && eh.e_entry >= ph.p_paddr && eh.e_entry - ph.p_paddr < ph.p_memsz)
      entry_ok = 1;
    if (ph.p_paddr + ph.p_memsz > end_max)
      end_max = ph.p_paddr + ph.p_memsz;
  }
  FUZZ_CHECK(entry_ok && image->entry == eh.e_entry);
  FUZZ_CHECK(image->image_end >= end_max && image->image_end - end_max < UNIKVM_PAGE_SIZE);
  FUZZ_CHECK(image->image_end % UNIKVM_PAGE_SIZE == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static uint8_t *ram;
  if (!ram && !(ram = calloc(1, RAM_SIZE)))
    abort();
  struct guest_mem mem = {.base = ram, .size = RAM_SIZE, .fd = -1};
  struct elf_image image;
  char err[256];
  err[0] = 0;
  if (elf_load(data, size, &mem, &image, err, sizeof(err)) == 0)
    check_accepted(data, size, &image);
  else
    FUZZ_CHECK(err[0] != 0 && strchr(err, '\n') == NULL); /* one line, always */
  return 0;
}
