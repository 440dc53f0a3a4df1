/* elf_check.c: validates a unikvm kernel image and copies its segments (the UEFI loader's half). */
#include "elf_check.h"

#include <elf.h>
#include <guest/fmt.h>
#include <unikvm/abi.h>
#include <unikvm/elf_notes.h>

#define MAX_PHDRS 64

static char why[160];

/* The loader has no libc: tiny byte helpers instead of memcpy/memcmp. */
static void copy(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  while (n--)
    *d++ = *s++;
}

static int same(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i])
      return 0;
  return 1;
}

__attribute__((format(printf, 1, 2))) static const char *reject(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  guest_vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  return why;
}

static int in_file(uint64_t off, uint64_t len, size_t size) {
  uint64_t end;
  return !__builtin_add_overflow(off, len, &end) && end <= size;
}

static const char *check_header(const Elf64_Ehdr *eh, size_t size) {
  if (size < EI_NIDENT || !same(eh->e_ident, ELFMAG, SELFMAG))
    return reject("not an ELF file");
  if (eh->e_ident[EI_CLASS] != ELFCLASS64)
    return reject("not a 64-bit ELF file (ELF class %u)", eh->e_ident[EI_CLASS]);
  if (size < sizeof(Elf64_Ehdr))
    return reject("truncated ELF header (%zu bytes)", size);
  if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
    return reject("not a little-endian ELF file");
  if (eh->e_machine != EM_X86_64)
    return reject("wrong machine %u, expected x86-64 (%u)", eh->e_machine, EM_X86_64);
  if (eh->e_type != ET_EXEC)
    return reject("not a static executable (ELF type %u, expected ET_EXEC)", eh->e_type);
  if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > MAX_PHDRS)
    return reject("bad program header table (%u entries of %u bytes)", eh->e_phnum,
                  eh->e_phentsize);
  if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
    return reject("truncated program headers");
  return NULL;
}

static const char *check_load(const Elf64_Phdr *ph, unsigned idx, size_t size) {
  uint64_t end;
  if (ph->p_filesz > ph->p_memsz)
    return reject("segment %u: file size exceeds memory size", idx);
  if (!in_file(ph->p_offset, ph->p_filesz, size))
    return reject("segment %u: truncated (file has %zu bytes)", idx, size);
  if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
    return reject("segment %u: writable and executable", idx);
  if (ph->p_vaddr != ph->p_paddr)
    return reject("segment %u: virtual address differs from physical", idx);
  if (ph->p_paddr < UNIKVM_IMAGE_MIN)
    return reject("segment %u: address %#llx below 1 MiB", idx, (unsigned long long)ph->p_paddr);
  if (__builtin_add_overflow(ph->p_paddr, ph->p_memsz, &end) || end > UNIKVM_MEM_MAX)
    return reject("segment %u: ends beyond 4 GiB", idx);
  return NULL;
}

static int overlaps(const Elf64_Phdr *a, const Elf64_Phdr *b) {
  return a->p_paddr < b->p_paddr + b->p_memsz && b->p_paddr < a->p_paddr + a->p_memsz;
}

static const char *check_segments(const uint8_t *file, size_t size, const Elf64_Phdr *phdrs,
                                  unsigned n, struct elf_kernel *out) {
  int loads = 0, notes = 0;
  uint32_t bad_version = UNIKVM_ABI_VERSION;
  out->devices = 0;
  out->load_start = UINT64_MAX;
  out->image_end = 0;
  for (unsigned i = 0; i < n; i++) {
    const Elf64_Phdr *ph = &phdrs[i];
    const char *bad;
    if (ph->p_type == PT_INTERP || ph->p_type == PT_DYNAMIC)
      return reject("dynamically linked (link the image statically)");
    if (ph->p_type == PT_NOTE && in_file(ph->p_offset, ph->p_filesz, size))
      notes = unikvm_read_abi_notes(file, ph->p_offset, ph->p_offset + ph->p_filesz, &out->devices,
                                    notes, &bad_version);
    if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
      continue;
    if ((bad = check_load(ph, i, size)) != NULL)
      return bad;
    for (unsigned j = 0; j < i; j++)
      if (phdrs[j].p_type == PT_LOAD && phdrs[j].p_memsz && overlaps(ph, &phdrs[j]))
        return reject("segments %u and %u overlap", j, i);
    if (ph->p_paddr < out->load_start)
      out->load_start = ph->p_paddr;
    if (ph->p_paddr + ph->p_memsz > out->image_end)
      out->image_end = ph->p_paddr + ph->p_memsz;
    loads++;
  }
  if (loads == 0)
    return reject("no loadable segments");
  if (notes == 0)
    return reject("no unikvm ABI note (image not built for unikvm?)");
  if (bad_version != UNIKVM_ABI_VERSION)
    return reject("ABI version %u, this loader boots version %u", bad_version, UNIKVM_ABI_VERSION);
  out->load_start &= ~(uint64_t)(UNIKVM_PAGE_SIZE - 1);
  out->image_end = (out->image_end + UNIKVM_PAGE_SIZE - 1) & ~(uint64_t)(UNIKVM_PAGE_SIZE - 1);
  return NULL;
}

static int entry_in_code(const Elf64_Phdr *phdrs, unsigned n, uint64_t entry) {
  for (unsigned i = 0; i < n; i++)
    if (phdrs[i].p_type == PT_LOAD && (phdrs[i].p_flags & PF_X) && entry >= phdrs[i].p_paddr &&
        entry < phdrs[i].p_paddr + phdrs[i].p_memsz)
      return 1;
  return 0;
}

const char *elf_check(const uint8_t *file, size_t size, struct elf_kernel *out) {
  Elf64_Ehdr eh = {0};
  Elf64_Phdr phdrs[MAX_PHDRS];
  const char *bad;
  copy(&eh, file, size < sizeof(eh) ? size : sizeof(eh));
  if ((bad = check_header(&eh, size)) != NULL)
    return bad;
  /* Copied out first: the file buffer may be unaligned for Elf64_Phdr. */
  copy(phdrs, file + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
  if ((bad = check_segments(file, size, phdrs, eh.e_phnum, out)) != NULL)
    return bad;
  if (!entry_in_code(phdrs, eh.e_phnum, eh.e_entry))
    return reject("entry point %#llx outside the image's code", (unsigned long long)eh.e_entry);
  out->entry = eh.e_entry;
  return NULL;
}

void elf_copy_segments(const uint8_t *file) {
  Elf64_Ehdr eh;
  copy(&eh, file, sizeof(eh));
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    copy(&ph, file + eh.e_phoff + i * sizeof(ph), sizeof(ph));
    if (ph.p_type == PT_LOAD && ph.p_filesz)
      copy((void *)(uintptr_t)ph.p_paddr, file + ph.p_offset, ph.p_filesz);
  }
}
