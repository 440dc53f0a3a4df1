/* test_elf_loader.c: the loader accepts a good image and rejects each kind of bad one. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "elf_loader.h"
#include "unikvm/abi.h"

#define RAM       (16u << 20)
#define TEXT_ADDR 0x100000u
#define DATA_ADDR 0x101000u
#define NOTE_OFF  0x200u
#define TEXT_OFF  0x1000u
#define DATA_OFF  0x2000u
#define FILE_SIZE 0x3000u

/* A minimal valid image: text (R+X), data (RW, with bss), and the ABI note. */
struct image {
  uint8_t bytes[FILE_SIZE];
  size_t size;
};

static Elf64_Ehdr *ehdr(struct image *im) {
  return (Elf64_Ehdr *)im->bytes;
}

static Elf64_Phdr *phdr(struct image *im, unsigned i) {
  return (Elf64_Phdr *)(im->bytes + sizeof(Elf64_Ehdr)) + i;
}

static void write_note_at(struct image *im, size_t off, uint32_t version, uint32_t devices) {
  uint8_t *p = im->bytes + off;
  Elf64_Nhdr nh = {.n_namesz = sizeof(UNIKVM_NOTE_NAME),
                   .n_descsz = sizeof(struct unikvm_note_abi),
                   .n_type = UNIKVM_NOTE_TYPE_ABI};
  struct unikvm_note_abi desc = {.abi_version = version, .devices = devices};
  memcpy(p, &nh, sizeof(nh));
  memcpy(p + sizeof(nh), UNIKVM_NOTE_NAME, sizeof(UNIKVM_NOTE_NAME));
  memcpy(p + sizeof(nh) + 8, &desc, sizeof(desc));
}

static void write_note(struct image *im, uint32_t version) {
  write_note_at(im, NOTE_OFF, version, UNIKVM_MANIFEST_NET);
}

/* A second note after the first, in the same PT_NOTE segment. */
static void add_second_note(struct image *im, uint32_t version, uint32_t devices) {
  write_note_at(im, NOTE_OFF + 28, version, devices);
  phdr(im, 2)->p_filesz = 2 * 28;
}

static void make_image(struct image *im) {
  memset(im, 0, sizeof(*im));
  im->size = FILE_SIZE;
  Elf64_Ehdr *eh = ehdr(im);
  memcpy(eh->e_ident, ELFMAG, SELFMAG);
  eh->e_ident[EI_CLASS] = ELFCLASS64;
  eh->e_ident[EI_DATA] = ELFDATA2LSB;
  eh->e_ident[EI_VERSION] = EV_CURRENT;
  eh->e_type = ET_EXEC;
  eh->e_machine = EM_X86_64;
  eh->e_version = EV_CURRENT;
  eh->e_entry = TEXT_ADDR + 0x10;
  eh->e_phoff = sizeof(Elf64_Ehdr);
  eh->e_ehsize = sizeof(Elf64_Ehdr);
  eh->e_phentsize = sizeof(Elf64_Phdr);
  eh->e_phnum = 3;
  *phdr(im, 0) = (Elf64_Phdr){.p_type = PT_LOAD,
                              .p_flags = PF_R | PF_X,
                              .p_offset = TEXT_OFF,
                              .p_vaddr = TEXT_ADDR,
                              .p_paddr = TEXT_ADDR,
                              .p_filesz = 0x100,
                              .p_memsz = 0x100,
                              .p_align = 0x1000};
  *phdr(im, 1) = (Elf64_Phdr){.p_type = PT_LOAD,
                              .p_flags = PF_R | PF_W,
                              .p_offset = DATA_OFF,
                              .p_vaddr = DATA_ADDR,
                              .p_paddr = DATA_ADDR,
                              .p_filesz = 0x10,
                              .p_memsz = 0x3000,
                              .p_align = 0x1000};
  *phdr(im, 2) = (Elf64_Phdr){.p_type = PT_NOTE,
                              .p_flags = PF_R,
                              .p_offset = NOTE_OFF,
                              .p_filesz = 12 + 8 + 8,
                              .p_align = 4};
  write_note(im, UNIKVM_ABI_VERSION);
  memset(im->bytes + TEXT_OFF, 0x90, 0x100);
  memset(im->bytes + DATA_OFF, 0xab, 0x10);
}

static struct guest_mem mem;
static struct image im;
static struct elf_image out;
static char err[256];

static int setup(void **state) {
  (void)state;
  mem.base = calloc(1, RAM);
  mem.size = RAM;
  mem.fd = -1;
  make_image(&im);
  err[0] = 0;
  return mem.base ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  free(mem.base);
  return 0;
}

static int load(void) {
  return elf_load(im.bytes, im.size, &mem, &out, err, sizeof(err));
}

/* Loads and expects a rejection whose message contains WHY. */
static void expect_reject(const char *why) {
  assert_int_equal(load(), -1);
  if (!strstr(err, why))
    fail_msg("error \"%s\" does not mention \"%s\"", err, why);
  assert_null(strchr(err, '\n'));
}

static void test_valid_image_loads(void **state) {
  (void)state;
  assert_int_equal(load(), 0);
  assert_int_equal(out.entry, TEXT_ADDR + 0x10);
  assert_int_equal(out.image_end, DATA_ADDR + 0x3000);
  assert_int_equal(out.devices, UNIKVM_MANIFEST_NET);
  assert_int_equal(mem.base[TEXT_ADDR], 0x90);
  assert_int_equal(mem.base[DATA_ADDR + 0xf], 0xab);
  assert_int_equal(mem.base[DATA_ADDR + 0x10], 0); /* bss stays zero */
}

static void test_not_elf(void **state) {
  (void)state;
  memcpy(im.bytes, "#!/bin/sh\n", 10);
  expect_reject("not an ELF file");
}

static void test_empty_file(void **state) {
  (void)state;
  im.size = 0;
  expect_reject("not an ELF file");
}

static void test_elf32(void **state) {
  (void)state;
  ehdr(&im)->e_ident[EI_CLASS] = ELFCLASS32;
  expect_reject("not a 64-bit ELF");
}

static void test_wrong_machine(void **state) {
  (void)state;
  ehdr(&im)->e_machine = EM_AARCH64;
  expect_reject("wrong machine");
}

static void test_not_exec(void **state) {
  (void)state;
  ehdr(&im)->e_type = ET_DYN;
  expect_reject("not a static executable");
}

static void test_truncated_header(void **state) {
  (void)state;
  im.size = 40;
  expect_reject("truncated ELF header");
}

static void test_truncated_program_headers(void **state) {
  (void)state;
  im.size = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
  expect_reject("truncated program headers");
}

static void test_huge_phnum(void **state) {
  (void)state;
  ehdr(&im)->e_phnum = 0xffff;
  expect_reject("bad program header table");
}

static void test_truncated_segment(void **state) {
  (void)state;
  im.size = DATA_OFF + 8;
  expect_reject("segment 1: truncated");
}

static void test_segment_offset_wraps(void **state) {
  (void)state;
  phdr(&im, 1)->p_offset = UINT64_MAX - 4;
  expect_reject("segment 1: truncated");
}

static void test_segment_below_1mib(void **state) {
  (void)state;
  phdr(&im, 1)->p_vaddr = phdr(&im, 1)->p_paddr = 0x8000;
  expect_reject("below 1 MiB");
}

static void test_segment_outside_ram(void **state) {
  (void)state;
  phdr(&im, 1)->p_vaddr = phdr(&im, 1)->p_paddr = RAM + 0x1000;
  expect_reject("does not fit in guest RAM");
}

static void test_segment_end_wraps(void **state) {
  (void)state;
  phdr(&im, 1)->p_memsz = UINT64_MAX - 0x1000;
  expect_reject("does not fit in guest RAM");
}

static void test_image_bigger_than_mem(void **state) {
  (void)state;
  phdr(&im, 1)->p_memsz = RAM; /* bss as large as all of RAM */
  expect_reject("raise --mem");
}

static void test_segment_into_stack(void **state) {
  (void)state;
  phdr(&im, 1)->p_memsz = RAM - DATA_ADDR - UNIKVM_STACK_SIZE + 1;
  expect_reject("does not fit in guest RAM");
}

static void test_overlapping_segments(void **state) {
  (void)state;
  phdr(&im, 1)->p_vaddr = phdr(&im, 1)->p_paddr = TEXT_ADDR + 0x80;
  expect_reject("segments 0 and 1 overlap");
}

static void test_entry_outside_image(void **state) {
  (void)state;
  ehdr(&im)->e_entry = 0x500000;
  expect_reject("entry point 0x500000 outside");
}

static void test_entry_in_data(void **state) {
  (void)state;
  ehdr(&im)->e_entry = DATA_ADDR;
  expect_reject("entry point");
}

static void test_writable_executable(void **state) {
  (void)state;
  phdr(&im, 0)->p_flags = PF_R | PF_W | PF_X;
  expect_reject("segment 0: writable and executable");
}

static void test_filesz_over_memsz(void **state) {
  (void)state;
  phdr(&im, 0)->p_filesz = 0x200;
  expect_reject("file size exceeds memory size");
}

static void test_missing_note(void **state) {
  (void)state;
  phdr(&im, 2)->p_type = PT_NULL;
  expect_reject("no unikvm ABI note");
}

static void test_note_with_other_name(void **state) {
  (void)state;
  memcpy(im.bytes + NOTE_OFF + 12, "solo5\0", 7);
  expect_reject("no unikvm ABI note");
}

static void test_wrong_abi_version(void **state) {
  (void)state;
  write_note(&im, UNIKVM_ABI_VERSION + 1);
  expect_reject("ABI version 2");
}

static void test_device_bits_of_all_notes_add_up(void **state) {
  (void)state;
  add_second_note(&im, UNIKVM_ABI_VERSION, UNIKVM_MANIFEST_BLK);
  assert_int_equal(load(), 0);
  assert_int_equal(out.devices, UNIKVM_MANIFEST_NET | UNIKVM_MANIFEST_BLK);
}

static void test_any_note_with_wrong_version_rejects(void **state) {
  (void)state;
  add_second_note(&im, UNIKVM_ABI_VERSION + 5, 0);
  expect_reject("ABI version 6");
}

static void test_corrupt_note_size(void **state) {
  (void)state;
  Elf64_Nhdr *nh = (Elf64_Nhdr *)(im.bytes + NOTE_OFF);
  nh->n_descsz = 0xfffffff0;
  expect_reject("no unikvm ABI note");
}

static void test_dynamic_image(void **state) {
  (void)state;
  phdr(&im, 2)->p_type = PT_INTERP;
  expect_reject("dynamically linked");
}

static void test_no_load_segments(void **state) {
  (void)state;
  phdr(&im, 0)->p_type = PT_NULL;
  phdr(&im, 1)->p_type = PT_NULL;
  expect_reject("no loadable segments");
}

static void test_rejection_leaves_ram_untouched(void **state) {
  (void)state;
  write_note(&im, 99);
  assert_int_equal(load(), -1);
  assert_int_equal(mem.base[TEXT_ADDR], 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_valid_image_loads),
      T(test_not_elf),
      T(test_empty_file),
      T(test_elf32),
      T(test_wrong_machine),
      T(test_not_exec),
      T(test_truncated_header),
      T(test_truncated_program_headers),
      T(test_huge_phnum),
      T(test_truncated_segment),
      T(test_segment_offset_wraps),
      T(test_segment_below_1mib),
      T(test_segment_outside_ram),
      T(test_segment_end_wraps),
      T(test_image_bigger_than_mem),
      T(test_segment_into_stack),
      T(test_overlapping_segments),
      T(test_entry_outside_image),
      T(test_entry_in_data),
      T(test_writable_executable),
      T(test_filesz_over_memsz),
      T(test_missing_note),
      T(test_note_with_other_name),
      T(test_wrong_abi_version),
      T(test_corrupt_note_size),
      T(test_device_bits_of_all_notes_add_up),
      T(test_any_note_with_wrong_version_rejects),
      T(test_dynamic_image),
      T(test_no_load_segments),
      T(test_rejection_leaves_ram_untouched),
  };
  return cmocka_run_group_tests_name("elf_loader", tests, NULL, NULL);
}
