/* test_elf_check.c: the UEFI loader accepts what unikvm accepts and refuses, with a reason, the
 * rest. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "elf_check.h"
#include "unikvm/abi.h"

#define TEXT_ADDR 0x100000u
#define DATA_ADDR 0x101000u
#define NOTE_OFF  0x200u
#define NOTE_SIZE 28u
#define TEXT_OFF  0x1000u
#define DATA_OFF  0x2000u
#define FILE_SIZE 0x3000u

static uint8_t image[FILE_SIZE];

static Elf64_Ehdr *ehdr(void) {
  return (Elf64_Ehdr *)image;
}

static Elf64_Phdr *phdr(unsigned i) {
  return (Elf64_Phdr *)(image + sizeof(Elf64_Ehdr)) + i;
}

static void write_note(unsigned idx, uint32_t version, uint32_t devices) {
  uint8_t *p = image + NOTE_OFF + idx * NOTE_SIZE;
  Elf64_Nhdr nh = {sizeof(UNIKVM_NOTE_NAME), sizeof(struct unikvm_note_abi), UNIKVM_NOTE_TYPE_ABI};
  struct unikvm_note_abi desc = {.abi_version = version, .devices = devices};
  memcpy(p, &nh, sizeof(nh));
  memcpy(p + sizeof(nh), UNIKVM_NOTE_NAME, sizeof(UNIKVM_NOTE_NAME));
  memcpy(p + sizeof(nh) + 8, &desc, sizeof(desc));
}

/* text (R+X), data (RW with bss), and two notes: the boot layer's and the network's. */
static void make_image(void) {
  memset(image, 0, sizeof(image));
  Elf64_Ehdr *eh = ehdr();
  memcpy(eh->e_ident, ELFMAG, SELFMAG);
  eh->e_ident[EI_CLASS] = ELFCLASS64;
  eh->e_ident[EI_DATA] = ELFDATA2LSB;
  eh->e_type = ET_EXEC;
  eh->e_machine = EM_X86_64;
  eh->e_entry = TEXT_ADDR + 0x10;
  eh->e_phoff = sizeof(Elf64_Ehdr);
  eh->e_phentsize = sizeof(Elf64_Phdr);
  eh->e_phnum = 3;
  *phdr(0) = (Elf64_Phdr){.p_type = PT_LOAD,
                          .p_flags = PF_R | PF_X,
                          .p_offset = TEXT_OFF,
                          .p_vaddr = TEXT_ADDR,
                          .p_paddr = TEXT_ADDR,
                          .p_filesz = 0x100,
                          .p_memsz = 0x100};
  *phdr(1) = (Elf64_Phdr){.p_type = PT_LOAD,
                          .p_flags = PF_R | PF_W,
                          .p_offset = DATA_OFF,
                          .p_vaddr = DATA_ADDR,
                          .p_paddr = DATA_ADDR,
                          .p_filesz = 0x10,
                          .p_memsz = 0x2345};
  *phdr(2) = (Elf64_Phdr){.p_type = PT_NOTE, .p_offset = NOTE_OFF, .p_filesz = 2 * NOTE_SIZE};
  write_note(0, UNIKVM_ABI_VERSION, 0);
  write_note(1, UNIKVM_ABI_VERSION, UNIKVM_MANIFEST_NET);
}

static const char *check(size_t size) {
  struct elf_kernel k;
  return elf_check(image, size, &k);
}

static void test_accepts_a_good_image(void **state) {
  (void)state;
  make_image();
  struct elf_kernel k;
  assert_null(elf_check(image, sizeof(image), &k));
  assert_int_equal(k.entry, TEXT_ADDR + 0x10);
  assert_int_equal(k.load_start, TEXT_ADDR);
  assert_int_equal(k.image_end, 0x104000u); /* DATA_ADDR + 0x2345, page-aligned up */
  assert_int_equal(k.devices, UNIKVM_MANIFEST_NET);
}

/* Each refusal: one change to a good image, and the reason it must give. */
static void expect_reject(void (*spoil)(void), size_t size, const char *why) {
  make_image();
  spoil();
  const char *got = check(size);
  assert_non_null(got);
  if (strstr(got, why) == NULL)
    fail_msg("reason \"%s\" lacks \"%s\"", got, why);
}

static void garbage(void) {
  memset(image, 0x5a, 64);
}
static void elf32(void) {
  ehdr()->e_ident[EI_CLASS] = ELFCLASS32;
}
static void arm(void) {
  ehdr()->e_machine = EM_AARCH64;
}
static void pie(void) {
  ehdr()->e_type = ET_DYN;
}
static void low(void) {
  phdr(0)->p_paddr = phdr(0)->p_vaddr = 0x8000;
}
static void wx(void) {
  phdr(1)->p_flags |= PF_X;
}
static void no_note(void) {
  phdr(2)->p_type = PT_NULL;
}
static void old_second_note(void) {
  write_note(1, UNIKVM_ABI_VERSION + 1, 0);
}
static void entry_in_data(void) {
  ehdr()->e_entry = DATA_ADDR;
}
static void overlap(void) {
  phdr(1)->p_paddr = phdr(1)->p_vaddr = TEXT_ADDR + 0x80;
}
static void nothing(void) {}

static void test_refuses_with_a_reason(void **state) {
  (void)state;
  expect_reject(garbage, sizeof(image), "not an ELF file");
  expect_reject(elf32, sizeof(image), "not a 64-bit ELF file");
  expect_reject(arm, sizeof(image), "wrong machine");
  expect_reject(pie, sizeof(image), "not a static executable");
  expect_reject(low, sizeof(image), "below 1 MiB");
  expect_reject(wx, sizeof(image), "writable and executable");
  expect_reject(no_note, sizeof(image), "no unikvm ABI note");
  expect_reject(old_second_note, sizeof(image), "ABI version 2");
  expect_reject(entry_in_data, sizeof(image), "outside the image's code");
  expect_reject(overlap, sizeof(image), "overlap");
  expect_reject(nothing, DATA_OFF + 8, "segment 1: truncated");
  expect_reject(nothing, 16, "truncated ELF header");
  expect_reject(nothing, 0, "not an ELF file");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_accepts_a_good_image),
      cmocka_unit_test(test_refuses_with_a_reason),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
