/*
 * fuzz_input.h: how the harnesses read their input, shared with make_seeds.c so that the seeds
 * and the harnesses cannot drift apart. Every layout is little-endian and packed by hand
 * (fixed-width fields in natural order); a short input is padded with zeros.
 */
#ifndef UNIKVM_FUZZ_INPUT_H
#define UNIKVM_FUZZ_INPUT_H

#include <stdint.h>

/* Guest RAM of the fake VM. Small, so that the fuzzer reaches valid addresses, and so that
 * AddressSanitizer sees a host read or write one byte past it. */
#define FUZZ_RAM_SIZE (64u * 1024u)

/* The fake VM's devices, chosen by the input. */
enum fuzz_device_flags {
  FUZZ_DEV_NET = 1u << 0,          /* a NIC ... */
  FUZZ_DEV_NET_TAP_LIKE = 1u << 1, /* ... served by read/write (tap) instead of sendmmsg */
  FUZZ_DEV_DISK = 1u << 2,         /* a disk ... */
  FUZZ_DEV_DISK_RO = 1u << 3,      /* ... opened read-only */
  FUZZ_DEV_DISK_DIRECT = 1u << 4,  /* ... with O_DIRECT's alignment rules */
  FUZZ_DEV_DISK_SHORT = 1u << 5,   /* ... whose file shrank below its size at open (EOF -> EIO) */
  FUZZ_DEV_DISK_NO_AIO = 1u << 6,  /* ... without kernel AIO (requests run one at a time) */
};

struct fuzz_devices {
  uint8_t flags;        /* enum fuzz_device_flags */
  uint8_t disk_sectors; /* the disk has 1 + disk_sectors % FUZZ_DISK_SECTORS_MAX sectors */
  uint16_t mtu;         /* the NIC's MTU, any value the backend could report */
  uint8_t rx_frames;    /* frames waiting in the backend: rx_frames % (FUZZ_RX_FRAMES_MAX + 1) */
  uint8_t disk_image;   /* the disk starts as a copy of guest RAM from GPA disk_image * 256 */
  uint16_t rx_len;      /* their length: rx_len % FUZZ_RX_LEN_MAX */
};

#define FUZZ_DISK_SECTORS_MAX 32u
#define FUZZ_RX_FRAMES_MAX    4u
#define FUZZ_RX_LEN_MAX       2048u

/* fuzz_blk_io and fuzz_net_io: struct fuzz_devices, then guest RAM from GPA 0, where the
 * hypercall's argument struct lives. */
#define FUZZ_ARG_GPA 0u

/* fuzz_hypercall: this header, then guest RAM from GPA 0; the calls run in order until one
 * stops the VM. */
struct fuzz_hc_call {
  uint16_t port;
  uint16_t size; /* bytes of the `out` */
  uint32_t value;
};

#define FUZZ_HC_CALLS_MAX       4u
#define FUZZ_CONSOLE_LIMIT_UNIT 4u

struct fuzz_hc_input {
  struct fuzz_devices dev;
  uint8_t ncalls;            /* 1 + ncalls % FUZZ_HC_CALLS_MAX */
  uint8_t console_limit;     /* --console-limit in FUZZ_CONSOLE_LIMIT_UNIT bytes; 0: none */
  uint8_t host_tables_pages; /* the host's tables fill RAM's first pages: any number */
  uint8_t reserved;
  struct fuzz_hc_call calls[FUZZ_HC_CALLS_MAX];
};

/* fuzz_cmdline: unikvm's arguments after argv[0], each ended by a NUL byte. fuzz_elf_loader:
 * the bytes of an image file. */

#endif
