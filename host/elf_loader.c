/* elf_loader.c: validates a unikvm guest image and copies it into guest RAM. */
#include "elf_loader.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "unikvm/abi.h"
#include "unikvm/elf_notes.h"

#define MAX_PHDRS 64

static int reject(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* True if [off, off + len) lies inside a file of SIZE bytes. */
static int in_file(uint64_t off, uint64_t len, size_t size) {
  uint64_t end;
  return !__builtin_add_overflow(off, len, &end) && end <= size;
}

static int check_header(const Elf64_Ehdr *eh, size_t size, char *err, size_t errlen) {
  if (size < EI_NIDENT || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
    return reject(err, errlen, "not an ELF file");
  if (eh->e_ident[EI_CLASS] != ELFCLASS64)
    return reject(err, errlen, "not a 64-bit ELF file (ELF class %u)", eh->e_ident[EI_CLASS]);
  if (size < sizeof(Elf64_Ehdr))
    return reject(err, errlen, "truncated ELF header (%zu bytes)", size);
  if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
    return reject(err, errlen, "not a little-endian ELF file");
  if (eh->e_machine != EM_X86_64)
    return reject(err, errlen, "wrong machine %u, expected x86-64 (%u)", eh->e_machine, EM_X86_64);
  if (eh->e_type != ET_EXEC)
    return reject(err, errlen, "not a static executable (ELF type %u, expected ET_EXEC)",
                  eh->e_type);
  if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > MAX_PHDRS)
    return reject(err, errlen, "bad program header table (%u entries of %u bytes)", eh->e_phnum,
                  eh->e_phentsize);
  if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
    return reject(err, errlen, "truncated program headers");
  return 0;
}

static int check_load_segment(const Elf64_Phdr *ph, unsigned idx, size_t size, uint64_t ram_limit,
                              char *err, size_t errlen) {
  uint64_t end;
  if (ph->p_filesz > ph->p_memsz)
    return reject(err, errlen, "segment %u: file size exceeds memory size", idx);
  if (!in_file(ph->p_offset, ph->p_filesz, size))
    return reject(err, errlen, "segment %u: truncated (file has %zu bytes)", idx, size);
  if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
    return reject(err, errlen, "segment %u: writable and executable", idx);
  if (ph->p_vaddr != ph->p_paddr)
    return reject(err, errlen, "segment %u: virtual address differs from physical", idx);
  if (ph->p_paddr < UNIKVM_IMAGE_MIN)
    return reject(err, errlen, "segment %u: address 0x%llx below 1 MiB", idx,
                  (unsigned long long)ph->p_paddr);
  if (__builtin_add_overflow(ph->p_paddr, ph->p_memsz, &end) || end > ram_limit)
    return reject(err, errlen,
                  "segment %u: 0x%llx-0x%llx does not fit in guest RAM "
                  "(%llu KiB usable below the stack; raise --mem)",
                  idx, (unsigned long long)ph->p_paddr,
                  (unsigned long long)(ph->p_paddr + ph->p_memsz),
                  (unsigned long long)(ram_limit >> 10));
  return 0;
}

static int overlaps(const Elf64_Phdr *a, const Elf64_Phdr *b) {
  return a->p_paddr < b->p_paddr + b->p_memsz && b->p_paddr < a->p_paddr + a->p_memsz;
}

static int entry_in_code(const Elf64_Phdr *phdrs, unsigned n, uint64_t entry) {
  for (unsigned i = 0; i < n; i++) {
    const Elf64_Phdr *ph = &phdrs[i];
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && entry >= ph->p_paddr &&
        entry < ph->p_paddr + ph->p_memsz)
      return 1;
  }
  return 0;
}

static int check_segments(const uint8_t *file, size_t size, const Elf64_Phdr *phdrs, unsigned n,
                          uint64_t ram_limit, struct elf_image *out, char *err, size_t errlen) {
  int loads = 0, notes = 0;
  uint32_t bad_version = UNIKVM_ABI_VERSION;
  struct unikvm_note_abi note = {0};
  out->image_end = 0;
  for (unsigned i = 0; i < n; i++) {
    const Elf64_Phdr *ph = &phdrs[i];
    if (ph->p_type == PT_INTERP || ph->p_type == PT_DYNAMIC)
      return reject(err, errlen, "dynamically linked (link the image statically)");
    if (ph->p_type == PT_NOTE && in_file(ph->p_offset, ph->p_filesz, size))
      notes = unikvm_read_abi_notes(file, ph->p_offset, ph->p_offset + ph->p_filesz, &note.devices,
                                    notes, &bad_version);
    /* Only a truly empty segment is skipped: the copy below copies every p_filesz. */
    if (ph->p_type != PT_LOAD || (ph->p_memsz == 0 && ph->p_filesz == 0))
      continue;
    if (check_load_segment(ph, i, size, ram_limit, err, errlen) < 0)
      return -1;
    for (unsigned j = 0; j < i; j++)
      if (phdrs[j].p_type == PT_LOAD && phdrs[j].p_memsz && overlaps(ph, &phdrs[j]))
        return reject(err, errlen, "segments %u and %u overlap", j, i);
    uint64_t end = ph->p_paddr + ph->p_memsz;
    if (end > out->image_end)
      out->image_end = end;
    loads++;
  }
  if (loads == 0)
    return reject(err, errlen, "no loadable segments");
  if (notes == 0)
    return reject(err, errlen, "no unikvm ABI note (image not built for unikvm?)");
  if (bad_version != UNIKVM_ABI_VERSION)
    return reject(err, errlen, "ABI version %u, this unikvm runs version %u", bad_version,
                  UNIKVM_ABI_VERSION);
  out->devices = note.devices;
  out->image_end = (out->image_end + UNIKVM_PAGE_SIZE - 1) & ~(uint64_t)(UNIKVM_PAGE_SIZE - 1);
  return 0;
}

int elf_load(const uint8_t *file, size_t size, struct guest_mem *mem, struct elf_image *out,
             char *err, size_t errlen) {
  Elf64_Ehdr eh;
  Elf64_Phdr phdrs[MAX_PHDRS];
  memset(&eh, 0, sizeof(eh));
  memcpy(&eh, file, size < sizeof(eh) ? size : sizeof(eh));
  if (check_header(&eh, size, err, errlen) < 0)
    return -1;
  /* Copy the headers out first: the file may be unaligned for Elf64_Phdr. */
  memcpy(phdrs, file + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
  uint64_t ram_limit = mem->size > UNIKVM_STACK_SIZE ? mem->size - UNIKVM_STACK_SIZE : 0;
  if (check_segments(file, size, phdrs, eh.e_phnum, ram_limit, out, err, errlen) < 0)
    return -1;
  if (!entry_in_code(phdrs, eh.e_phnum, eh.e_entry))
    return reject(err, errlen, "entry point 0x%llx outside the image's code",
                  (unsigned long long)eh.e_entry);
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    const Elf64_Phdr *ph = &phdrs[i];
    if (ph->p_type == PT_LOAD && ph->p_filesz &&
        guest_mem_write(mem, ph->p_paddr, file + ph->p_offset, ph->p_filesz) < 0)
      return reject(err, errlen, "cannot copy a segment into guest RAM: %s", strerror(errno));
  }
  out->entry = eh.e_entry;
  return 0;
}
