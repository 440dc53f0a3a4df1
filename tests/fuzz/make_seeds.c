/*
 * make_seeds.c: writes the seed inputs of every harness into DIR/<harness>/: one well-formed
 * input per case the host serves (a valid image, each hypercall with sane arguments, typical
 * command lines), so that fuzzing starts from inputs that get past the first checks. Built
 * from abi.h and fuzz_input.h, so the seeds follow the ABI when it changes.
 *
 * usage: make_seeds DIR
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_input.h"
#include "unikvm/abi.h"

static const char *out_dir;

static void write_seed(const char *harness, const char *name, const void *data, size_t len) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", out_dir, harness);
  if (mkdir(path, 0755) < 0 && errno != EEXIST) {
    perror(path);
    exit(1);
  }
  snprintf(path, sizeof(path), "%s/%s/%s", out_dir, harness, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

/* ---- fuzz_elf_loader: a minimal image as the guest linker script lays it out ---- */

struct abi_note {
  Elf64_Nhdr hdr;
  char name[8]; /* "unikvm\0", padded to 4 */
  struct unikvm_note_abi desc;
};

struct tiny_image {
  Elf64_Ehdr eh;
  Elf64_Phdr ph[3]; /* text (R+X), data + bss (R+W), note */
  struct abi_note note;
  uint8_t text[16];
  uint8_t data[16];
};

static struct tiny_image tiny_image(uint32_t abi_version, uint32_t devices) {
  struct tiny_image im;
  memset(&im, 0, sizeof(im));
  const uint64_t text_off = offsetof(struct tiny_image, text);
  const uint64_t data_off = offsetof(struct tiny_image, data);
  const uint64_t text_gpa = UNIKVM_IMAGE_MIN, data_gpa = UNIKVM_IMAGE_MIN + 0x1000;
  memcpy(im.eh.e_ident, ELFMAG, SELFMAG);
  im.eh.e_ident[EI_CLASS] = ELFCLASS64;
  im.eh.e_ident[EI_DATA] = ELFDATA2LSB;
  im.eh.e_ident[EI_VERSION] = EV_CURRENT;
  im.eh.e_type = ET_EXEC;
  im.eh.e_machine = EM_X86_64;
  im.eh.e_version = EV_CURRENT;
  im.eh.e_entry = text_gpa;
  im.eh.e_phoff = offsetof(struct tiny_image, ph);
  im.eh.e_ehsize = sizeof(Elf64_Ehdr);
  im.eh.e_phentsize = sizeof(Elf64_Phdr);
  im.eh.e_phnum = 3;
  im.ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
                          .p_flags = PF_R | PF_X,
                          .p_offset = text_off,
                          .p_vaddr = text_gpa,
                          .p_paddr = text_gpa,
                          .p_filesz = sizeof(im.text),
                          .p_memsz = sizeof(im.text),
                          .p_align = 0x1000};
  im.ph[1] = (Elf64_Phdr){.p_type = PT_LOAD,
                          .p_flags = PF_R | PF_W,
                          .p_offset = data_off,
                          .p_vaddr = data_gpa,
                          .p_paddr = data_gpa,
                          .p_filesz = sizeof(im.data),
                          .p_memsz = 0x800,
                          .p_align = 0x1000};
  im.ph[2] = (Elf64_Phdr){.p_type = PT_NOTE,
                          .p_flags = PF_R,
                          .p_offset = offsetof(struct tiny_image, note),
                          .p_filesz = sizeof(im.note),
                          .p_align = 4};
  im.note.hdr = (Elf64_Nhdr){.n_namesz = sizeof(UNIKVM_NOTE_NAME),
                             .n_descsz = sizeof(struct unikvm_note_abi),
                             .n_type = UNIKVM_NOTE_TYPE_ABI};
  memcpy(im.note.name, UNIKVM_NOTE_NAME, sizeof(UNIKVM_NOTE_NAME));
  im.note.desc = (struct unikvm_note_abi){.abi_version = abi_version, .devices = devices};
  /* The loader never runs the code: `jmp .` stands for it. */
  im.text[0] = 0xeb;
  im.text[1] = 0xfe;
  return im;
}

static void elf_seeds(void) {
  struct tiny_image im = tiny_image(UNIKVM_ABI_VERSION, 0);
  write_seed("elf_loader", "tiny", &im, sizeof(im));
  im = tiny_image(UNIKVM_ABI_VERSION, UNIKVM_MANIFEST_NET | UNIKVM_MANIFEST_BLK);
  write_seed("elf_loader", "tiny-net-blk", &im, sizeof(im));
  im = tiny_image(UNIKVM_ABI_VERSION + 1, 0);
  write_seed("elf_loader", "tiny-abi-too-new", &im, sizeof(im));
}

/* ---- guest RAM images for the hypercall harnesses ---- */

/* Addresses inside the fake VM's FUZZ_RAM_SIZE bytes. */
#define ARG  0x100u
#define LIST 0x200u
#define BUF  0x1000u

struct ram {
  uint8_t bytes[FUZZ_RAM_SIZE];
  size_t used; /* seeds stop after the last byte a case sets; the rest is zero anyway */
};

static void put(struct ram *ram, uint64_t gpa, const void *data, size_t len) {
  memcpy(ram->bytes + gpa, data, len);
  if (gpa + len > ram->used)
    ram->used = gpa + len;
}

static const struct fuzz_devices nic_and_disk = {.flags = FUZZ_DEV_NET | FUZZ_DEV_DISK,
                                                 .disk_sectors = 7,
                                                 .mtu = 1500,
                                                 .rx_frames = 2,
                                                 .rx_len = 60};

/* A net_io with two tx frames and two rx buffers, its struct at ARG_GPA. */
static void net_io_ram(struct ram *ram, uint64_t arg_gpa, uint64_t list_gpa) {
  struct unikvm_net_frame tx[2] = {{.data = BUF, .len = 60}, {.data = BUF + 0x100, .len = 1514}};
  struct unikvm_net_frame rx[2] = {{.data = BUF + 0x1000, .len = 1514},
                                   {.data = BUF + 0x1800, .len = 1514}};
  struct unikvm_hc_net_io arg = {
      .tx = list_gpa, .rx = list_gpa + sizeof(tx), .tx_count = 2, .rx_count = 2, .timeout_ns = 500};
  put(ram, list_gpa, tx, sizeof(tx));
  put(ram, list_gpa + sizeof(tx), rx, sizeof(rx));
  put(ram, arg_gpa, &arg, sizeof(arg));
}

/* A blk_io with a read, a write and a flush, its struct at ARG_GPA. */
static void blk_io_ram(struct ram *ram, uint64_t arg_gpa, uint64_t list_gpa) {
  struct unikvm_blk_req reqs[3] = {
      {.sector = 0, .data = BUF, .len = 512, .op = UNIKVM_BLK_READ},
      {.sector = 2, .data = BUF + 0x200, .len = 1024, .op = UNIKVM_BLK_WRITE},
      {.op = UNIKVM_BLK_FLUSH},
  };
  struct unikvm_hc_blk_io arg = {.reqs = list_gpa, .count = 3};
  put(ram, list_gpa, reqs, sizeof(reqs));
  put(ram, arg_gpa, &arg, sizeof(arg));
}

/* ---- fuzz_hypercall: header + RAM ---- */

static void hc_seed(const char *name, struct fuzz_devices dev, const struct fuzz_hc_call *calls,
                    unsigned ncalls, const struct ram *ram, uint8_t console_limit) {
  static uint8_t buf[sizeof(struct fuzz_hc_input) + FUZZ_RAM_SIZE];
  struct fuzz_hc_input in = {
      .dev = dev, .ncalls = (uint8_t)(ncalls - 1), .console_limit = console_limit};
  memcpy(in.calls, calls, ncalls * sizeof(*calls));
  memcpy(buf, &in, sizeof(in));
  memcpy(buf + sizeof(in), ram->bytes, ram->used);
  write_seed("hypercall", name, buf, sizeof(in) + ram->used);
}

static struct fuzz_hc_call hc(unsigned nr, uint32_t arg_gpa) {
  return (struct fuzz_hc_call){
      .port = (uint16_t)(UNIKVM_HC_BASE + nr), .size = 4, .value = arg_gpa};
}

static void hypercall_seeds(void) {
  static struct ram ram;
  struct fuzz_hc_call calls[FUZZ_HC_CALLS_MAX];

  memset(&ram, 0, sizeof(ram));
  struct unikvm_hc_console_write cw = {.data = LIST, .len = 6, .stream = UNIKVM_CONSOLE_STDOUT};
  put(&ram, LIST, "hello\n", 6);
  put(&ram, ARG, &cw, sizeof(cw));
  struct unikvm_hc_exit ex = {.status = 3};
  put(&ram, ARG + 0x80, &ex, sizeof(ex));
  calls[0] = hc(UNIKVM_HC_CONSOLE_WRITE, ARG);
  calls[1] = hc(UNIKVM_HC_EXIT, ARG + 0x80);
  hc_seed("console-write-then-exit", (struct fuzz_devices){0}, calls, 2, &ram, 0);
  calls[1] = calls[0];
  hc_seed("console-write-over-limit", (struct fuzz_devices){0}, calls, 2, &ram, 2);

  memset(&ram, 0, sizeof(ram));
  struct unikvm_hc_abort ab = {.msg = LIST, .len = 5};
  put(&ram, LIST, "boom\n", 5);
  put(&ram, ARG, &ab, sizeof(ab));
  calls[0] = hc(UNIKVM_HC_ABORT, ARG);
  hc_seed("abort", (struct fuzz_devices){0}, calls, 1, &ram, 0);

  memset(&ram, 0, sizeof(ram));
  struct unikvm_hc_poll poll = {.timeout_ns = 100};
  put(&ram, ARG + 0x40, &poll, sizeof(poll));
  ram.used = ARG + 0x80;
  calls[0] = hc(UNIKVM_HC_WALLTIME, ARG);
  calls[1] = hc(UNIKVM_HC_CPUTIME, ARG + 0x20);
  calls[2] = hc(UNIKVM_HC_POLL, ARG + 0x40);
  hc_seed("clocks-and-poll", (struct fuzz_devices){0}, calls, 3, &ram, 0);

  memset(&ram, 0, sizeof(ram));
  net_io_ram(&ram, ARG, LIST);
  blk_io_ram(&ram, ARG + 0x80, LIST + 0x100);
  calls[0] = hc(UNIKVM_HC_NET_IO, ARG);
  calls[1] = hc(UNIKVM_HC_BLK_IO, ARG + 0x80);
  calls[2] = hc(UNIKVM_HC_POLL, ARG + 0xc0);
  hc_seed("net-blk-poll", nic_and_disk, calls, 3, &ram, 0);
}

/* ---- fuzz_blk_io and fuzz_net_io: devices + RAM with the argument at GPA 0 ---- */

static void device_seed(const char *harness, const char *name, struct fuzz_devices dev,
                        const struct ram *ram) {
  static uint8_t buf[sizeof(struct fuzz_devices) + FUZZ_RAM_SIZE];
  memcpy(buf, &dev, sizeof(dev));
  memcpy(buf + sizeof(dev), ram->bytes, ram->used);
  write_seed(harness, name, buf, sizeof(dev) + ram->used);
}

static void device_seeds(void) {
  static struct ram ram;
  memset(&ram, 0, sizeof(ram));
  blk_io_ram(&ram, FUZZ_ARG_GPA, 0x40);
  struct fuzz_devices dev = nic_and_disk;
  device_seed("blk_io", "read-write-flush", dev, &ram);
  dev.flags |= FUZZ_DEV_DISK_RO | FUZZ_DEV_DISK_DIRECT;
  device_seed("blk_io", "read-only-direct", dev, &ram);
  dev.flags = FUZZ_DEV_DISK | FUZZ_DEV_DISK_SHORT;
  device_seed("blk_io", "file-shrank", dev, &ram);

  memset(&ram, 0, sizeof(ram));
  net_io_ram(&ram, FUZZ_ARG_GPA, 0x80);
  dev = nic_and_disk;
  device_seed("net_io", "two-tx-two-rx", dev, &ram);
  dev.flags |= FUZZ_DEV_NET_TAP_LIKE;
  dev.mtu = 9000;
  dev.rx_len = 1514;
  device_seed("net_io", "tap-like-jumbo", dev, &ram);
}

/* ---- fuzz_cmdline: arguments, each ended by NUL ---- */

static void cmdline_seed(const char *name, const char *args, size_t len) {
  write_seed("cmdline", name, args, len);
}

#define CMDLINE(name, literal) cmdline_seed(name, literal, sizeof(literal) - 1)

static void cmdline_seeds(void) {
  CMDLINE("image", "build/hello.elf\0");
  CMDLINE("mem-stats-args", "--mem\0"
                            "128M\0--stats\0hello.elf\0--\0a\0b c\0");
  CMDLINE("net-user", "--net\0user,hostfwd=tcp:127.0.0.1:8080-:80,restrict=on\0--ip\0"
                      "10.0.2.15/24\0--gw\00010.0.2.2\0httpd.elf\0");
  CMDLINE("net-tap-disk", "--net\0tap:tap0\0--disk\0disk.img,ro,direct\0--mem=1G\0app.elf\0x\0");
  CMDLINE("restore-clones", "--restore\0snap.img\0--clones\0"
                            "4\0--timeout\0"
                            "0.5\0");
  CMDLINE("limits", "--console-limit\0"
                    "64M\0--no-seccomp\0--snapshot-out\0s\0app.elf\0");
  CMDLINE("help", "--help\0");
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  out_dir = argv[1];
  if (mkdir(out_dir, 0755) < 0 && errno != EEXIST) {
    perror(out_dir);
    return 1;
  }
  elf_seeds();
  hypercall_seeds();
  device_seeds();
  cmdline_seeds();
  return 0;
}
