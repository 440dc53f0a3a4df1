/*
 * hostile.c: a guest that attacks its host, one attempt per run. argv[1] names the attempt;
 * `list` prints every name: arg-HOW:N per hypercall number, cpl3-INSN per instruction, and
 * the rest. tests/integration/hostile.sh runs each one and checks that unikvm ends it with a
 * one-line error and a documented status, or hands the guest an error code, and never crashes
 * or hangs.
 *
 * An attempt that the host answers with an error code prints "NAME: ret=..." and exits 0 when
 * the code is the expected one (1 otherwise). An attempt that should end the VM and does not
 * prints "survived NAME" and exits 99, except the few instructions that a CPL 3 guest may be
 * allowed to run (cli/sti under IOPL 3, vmmcall, rdpmc): those exit 0 after "survived".
 *
 * This image executes privileged instructions on purpose, so it is not in guest.mk's
 * GUEST_TESTS (whose images check-image.sh keeps free of them).
 */
#define _POSIX_C_SOURCE 200809L
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unikvm/abi.h>

/*
 * Where the host puts the guest's page directory and TSS (host/x86_layout.h; the guest may not
 * include host headers, and an attacker would know the layout anyway). If it moves, the
 * attempts that use it end with a page fault instead of reaching their target, which the
 * suite notices because they print what they reached.
 */
#define HOST_GDT_ADDR 0x1000u
#define HOST_IDT_ADDR 0x2000u
#define HOST_TSS_ADDR 0x3000u
#define HOST_PD_ADDR  0x13000u /* page directory of the first GiB: 2 MiB entries */

#define PTE_P  0x1ull
#define PTE_W  0x2ull
#define PTE_U  0x4ull
#define PTE_PS 0x80ull
#define MIB    (1ull << 20)

/* Unused page-directory slots (with RAM below 896 MiB) that the attempts map for themselves. */
#define ALIAS_SLOT      500u /* guest-physical 0..2 MiB, the host-owned area, user-writable */
#define MMIO_4G_SLOT    501u /* guest-physical 4 GiB, outside any guest RAM */
#define MMIO_APIC_SLOT  502u /* guest-physical 0xfee00000, where a local APIC would be */
#define SLOT_VA(slot)   ((uint64_t)(slot)*2 * MIB)
#define PD_SECTOR_FIRST 448u /* PD entries 448..511 are the PD page's last 512 bytes */

static const struct unikvm_boot_info *boot_info(void) {
  /* Through a volatile so the compiler does not reason about a constant address. */
  volatile uintptr_t addr = UNIKVM_BOOT_INFO_ADDR;
  return (const struct unikvm_boot_info *)addr;
}

static uint64_t ram_size(void) {
  return boot_info()->ram_size;
}

static void out32(uint16_t port, uint32_t value) {
  __asm__ __volatile__("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static void hypercall(unsigned nr, void *arg) {
  out32((uint16_t)(UNIKVM_HC_BASE + nr), (uint32_t)(uintptr_t)arg);
}

/* An address as a pointer the compiler cannot see through. */
static volatile uint8_t *raw_ptr(uint64_t addr) {
  volatile uint64_t a = addr;
  return (volatile uint8_t *)(uintptr_t)a;
}

static int survived(const char *name) {
  printf("survived %s (should not print)\n", name);
  return 99;
}

/* The guest saw a return code: exit 0 when it is the expected one. */
static int expect_ret(const char *name, long long got, long long want) {
  printf("%s: ret=%lld (want %lld)\n", name, got, want);
  return got == want ? 0 : 1;
}

/* ---- argument structs outside RAM, one attempt per hypercall number ---------------- */

/*
 * Each hypercall's argument at the first byte past RAM, straddling its end, at 4 GiB - 1, or
 * inside RAM but misaligned (the host must not read a struct through a misaligned pointer).
 */
static int arg_attack(const char *how, unsigned nr) {
  static uint64_t zeros[16];
  uint64_t gpa;
  if (strcmp(how, "misaligned") == 0)
    gpa = (uint64_t)(uintptr_t)zeros + 1;
  else if (strcmp(how, "end") == 0)
    gpa = ram_size();
  else if (strcmp(how, "straddle") == 0)
    gpa = ram_size() - 4; /* every argument struct is at least 8 bytes */
  else
    gpa = 0xffffffffu;
  printf("hypercall %u with its argument at %#llx\n", nr, (unsigned long long)gpa);
  out32((uint16_t)(UNIKVM_HC_BASE + nr), (uint32_t)gpa);
  return survived(how);
}

/* ---- console ---------------------------------------------------------------------- */

static int console(uint64_t data, uint64_t len, uint32_t stream, const char *name) {
  struct unikvm_hc_console_write arg = {.data = data, .len = len, .stream = stream, .ret = 7};
  printf("%s: data=%#llx len=%#llx stream=%u\n", name, (unsigned long long)data,
         (unsigned long long)len, stream);
  hypercall(UNIKVM_HC_CONSOLE_WRITE, &arg);
  printf("%s: ret=%lld\n", name, (long long)arg.ret);
  return survived(name);
}

static char message[64] = "hostile guest message";

static int cmd_console(const char *what) {
  uint64_t ram = ram_size(), buf = (uint64_t)(uintptr_t)message;
  if (strcmp(what, "console-end") == 0)
    return console(ram, 1, UNIKVM_CONSOLE_STDOUT, what);
  if (strcmp(what, "console-straddle") == 0)
    return console(ram - 1, 2, UNIKVM_CONSOLE_STDOUT, what);
  if (strcmp(what, "console-wrap") == 0) /* data + len wraps around to a small address */
    return console(UINT64_MAX - 15, 32, UNIKVM_CONSOLE_STDOUT, what);
  if (strcmp(what, "console-len-wrap") == 0)
    return console(buf, UINT64_MAX - buf + 2, UNIKVM_CONSOLE_STDOUT, what);
  if (strcmp(what, "console-len-huge") == 0)
    return console(buf, 1ull << 63, UNIKVM_CONSOLE_STDOUT, what);
  if (strcmp(what, "console-ram-plus-one") == 0)
    return console(0, ram + 1, UNIKVM_CONSOLE_STDOUT, what);
  if (strcmp(what, "console-stream") == 0)
    return console(buf, 4, 9, what);
  if (strcmp(what, "console-zero-at-end") == 0) {
    /* An empty write at the end of RAM touches nothing: the guest gets 0 back. */
    struct unikvm_hc_console_write arg = {.data = ram, .len = 0, .stream = 1, .ret = 7};
    hypercall(UNIKVM_HC_CONSOLE_WRITE, &arg);
    return expect_ret(what, arg.ret, 0);
  }
  return -1;
}

/* ---- abort -------------------------------------------------------------------------- */

static int guest_abort(uint64_t msg, uint64_t len, const char *name) {
  struct unikvm_hc_abort arg = {.msg = msg, .len = len};
  printf("%s: msg=%#llx len=%#llx\n", name, (unsigned long long)msg, (unsigned long long)len);
  hypercall(UNIKVM_HC_ABORT, &arg);
  return survived(name);
}

static int cmd_abort(const char *what) {
  uint64_t ram = ram_size();
  static char forged[] = "first line\nunikvm: forged: a second line\r\033[2Kthird";
  if (strcmp(what, "abort-end") == 0)
    return guest_abort(ram - 10, 100, what);
  if (strcmp(what, "abort-wrap") == 0)
    return guest_abort(UINT64_MAX - 7, 64, what);
  if (strcmp(what, "abort-len-huge") == 0) /* the host reads at most 4 KiB */
    return guest_abort((uint64_t)(uintptr_t)message, UINT64_MAX, what);
  if (strcmp(what, "abort-forged-lines") == 0)
    return guest_abort((uint64_t)(uintptr_t)forged, sizeof(forged) - 1, what);
  return -1;
}

/* ---- poll ----------------------------------------------------------------------------- */

static int cmd_poll(const char *what) {
  struct unikvm_hc_poll arg = {.timeout_ns = UINT64_MAX};
  if (strcmp(what, "poll-forever") == 0) {
    /* No device can end the wait: the host must refuse it, not sleep forever. */
    hypercall(UNIKVM_HC_POLL, &arg);
    return survived(what);
  }
  if (strcmp(what, "poll-huge") == 0) {
    /* 584 years, one nanosecond short of "forever": only --timeout ends it. */
    arg.timeout_ns = UINT64_MAX - 1;
    hypercall(UNIKVM_HC_POLL, &arg);
    return survived(what);
  }
  return -1;
}

/* ---- net -------------------------------------------------------------------------------- */

static uint8_t frame_buf[2][16384] __attribute__((aligned(4096)));
static struct unikvm_net_frame frames[UNIKVM_NET_BATCH_MAX + 1];

static int net_io(struct unikvm_hc_net_io *arg, const char *name) {
  arg->ret = 7;
  printf("%s: tx=%#llx/%u rx=%#llx/%u\n", name, (unsigned long long)arg->tx, arg->tx_count,
         (unsigned long long)arg->rx, arg->rx_count);
  hypercall(UNIKVM_HC_NET_IO, arg);
  printf("%s: ret=%lld tx_done=%u rx_done=%u\n", name, (long long)arg->ret, arg->tx_done,
         arg->rx_done);
  return 0;
}

static int cmd_net(const char *what) {
  uint64_t ram = ram_size(), fr = (uint64_t)(uintptr_t)frames;
  uint32_t frame_max = boot_info()->net_mtu + 14u;
  struct unikvm_hc_net_io arg = {.tx = fr, .rx = fr};
  /* A broadcast frame with an unassigned ethertype: the user-mode stack drops it. */
  memset(frame_buf, 0, sizeof(frame_buf));
  memset(frame_buf[0], 0xff, 6);
  frame_buf[0][12] = 0x88;
  frame_buf[0][13] = 0xb5;
  for (unsigned i = 0; i <= UNIKVM_NET_BATCH_MAX; i++)
    frames[i] = (struct unikvm_net_frame){.data = (uint64_t)(uintptr_t)frame_buf[0], .len = 60};
  if (strcmp(what, "net-tx-count") == 0) {
    arg.tx_count = UNIKVM_NET_BATCH_MAX + 1;
    return net_io(&arg, what) || survived(what);
  }
  if (strcmp(what, "net-rx-count") == 0) {
    arg.rx_count = UINT32_MAX;
    return net_io(&arg, what) || survived(what);
  }
  if (strcmp(what, "net-tx-array-straddle") == 0) {
    arg.tx = ram - sizeof(frames[0]) / 2;
    arg.tx_count = 1;
    return net_io(&arg, what) || survived(what);
  }
  if (strcmp(what, "net-tx-array-wrap") == 0) {
    arg.tx = UINT64_MAX - 15;
    arg.tx_count = 2;
    return net_io(&arg, what) || survived(what);
  }
  if (strcmp(what, "net-tx-array-misaligned") == 0) {
    arg.tx = fr + 4;
    arg.tx_count = 1;
    return net_io(&arg, what) || survived(what);
  }
  if (strcmp(what, "net-count-straddle") == 0) {
    /* The array is fine for 1 frame, but the count says 256 and runs past the end of RAM. */
    arg.tx = ram - sizeof(frames[0]);
    arg.tx_count = UNIKVM_NET_BATCH_MAX;
    return net_io(&arg, what) || survived(what);
  }
  if (strcmp(what, "net-frame-outside") == 0) {
    frames[0].data = ram - 10;
    arg.tx_count = 1;
    return net_io(&arg, what) || survived(what);
  }
  if (strcmp(what, "net-frame-wrap") == 0) {
    frames[0].data = UINT64_MAX - 9;
    arg.tx_count = 1;
    return net_io(&arg, what) || survived(what);
  }
  if (strcmp(what, "net-frame-len-huge") == 0) {
    frames[0].len = UINT32_MAX; /* the buffer would run far past RAM */
    arg.tx_count = 1;
    return net_io(&arg, what) || survived(what);
  }
  if (strcmp(what, "net-tx-over-mtu") == 0) {
    /* A valid frame, then one a byte larger than the MTU allows: the first is sent. */
    frames[1].data = (uint64_t)(uintptr_t)frame_buf[1];
    frames[1].len = frame_max + 1;
    arg.tx_count = 2;
    net_io(&arg, what);
    printf("%s: tx_done=%u\n", what, arg.tx_done);
    return expect_ret(what, arg.ret, -UNIKVM_EINVAL) || arg.tx_done != 1;
  }
  if (strcmp(what, "net-tx-runt") == 0) {
    frames[0].len = 0;
    arg.tx_count = 1;
    net_io(&arg, what);
    return expect_ret(what, arg.ret, -UNIKVM_EINVAL);
  }
  if (strcmp(what, "net-count-mismatch") == 0) {
    /* 256 announced, 3 real: the rest are zero entries (no buffer, length 0). */
    memset(&frames[3], 0, sizeof(frames) - 3 * sizeof(frames[0]));
    arg.tx_count = UNIKVM_NET_BATCH_MAX;
    net_io(&arg, what);
    return expect_ret(what, arg.ret, -UNIKVM_EINVAL);
  }
  if (strcmp(what, "net-rx-small") == 0) {
    frames[0] = (struct unikvm_net_frame){.data = (uint64_t)(uintptr_t)frame_buf[1], .len = 10};
    arg.rx_count = 1;
    net_io(&arg, what);
    return expect_ret(what, arg.ret, -UNIKVM_EINVAL) || arg.rx_done != 0;
  }
  if (strcmp(what, "net-rx-overlaps-args") == 0) {
    /* The receive buffer list is the argument struct itself: odd, but inside RAM. */
    arg.rx = (uint64_t)(uintptr_t)&arg;
    arg.rx_count = 1;
    return net_io(&arg, what);
  }
  if (strcmp(what, "net-none") == 0) {
    arg.tx_count = 1;
    return net_io(&arg, what) || survived(what);
  }
  return -1;
}

/* ---- network rings (NET_RING) ----------------------------------------------------------- */

static struct unikvm_net_ring ring __attribute__((aligned(64)));

static int64_t ring_offer(uint64_t gpa, uint32_t slots, const char *name) {
  struct unikvm_hc_net_ring arg = {.ring = gpa, .slots = slots, .ret = 7};
  printf("%s: ring=%#llx slots=%u\n", name, (unsigned long long)gpa, slots);
  hypercall(UNIKVM_HC_NET_RING, &arg);
  printf("%s: ret=%lld poll_ns=%u\n", name, (long long)arg.ret, arg.poll_ns);
  return arg.ret;
}

/* Waits in POLL, where the host reports what its ring thread found wrong. */
static int ring_wait(const char *name) {
  for (int i = 0; i < 20; i++) {
    struct unikvm_hc_poll arg = {.timeout_ns = 100000000u};
    hypercall(UNIKVM_HC_POLL, &arg);
  }
  return survived(name);
}

static int cmd_ring(const char *what) {
  if (strncmp(what, "ring-", 5) != 0)
    return -1;
  uint64_t gpa = (uint64_t)(uintptr_t)&ring;
  uint32_t frame_max = boot_info()->net_mtu + 14u;
  if (strcmp(what, "ring-outside") == 0)
    return ring_offer(ram_size() - 64, 64, what), survived(what);
  if (strcmp(what, "ring-host-tables") == 0)
    return ring_offer(HOST_PD_ADDR, 64, what), survived(what);
  if (strcmp(what, "ring-misaligned") == 0)
    return ring_offer(gpa + 8, 64, what), survived(what);
  if (strcmp(what, "ring-slots-zero") == 0)
    return ring_offer(gpa, 0, what), survived(what);
  if (strcmp(what, "ring-slots-odd") == 0)
    return ring_offer(gpa, 48, what), survived(what);
  if (strcmp(what, "ring-slots-huge") == 0)
    return ring_offer(gpa, UNIKVM_NET_RING_SLOTS_MAX * 2, what), survived(what);
  if (strcmp(what, "ring-none") == 0 || strcmp(what, "ring-declined") == 0) {
    /* No NIC: the VM ends. A NIC without the ring thread (--net-poll 0): -ENOTSUP. */
    int64_t ret = ring_offer(gpa, 64, what);
    return strcmp(what, "ring-none") == 0 ? survived(what) : expect_ret(what, ret, -UNIKVM_ENOTSUP);
  }
  if (ring_offer(gpa, 64, what) != 0)
    return 1;
  memset(frame_buf, 0, sizeof(frame_buf));
  memset(frame_buf[0], 0xff, 6);
  frame_buf[0][12] = 0x88;
  frame_buf[0][13] = 0xb5;
  struct unikvm_net_frame good = {.data = (uint64_t)(uintptr_t)frame_buf[0], .len = 60};
  if (strcmp(what, "ring-twice") == 0)
    return ring_offer(gpa, 64, what), survived(what);
  if (strcmp(what, "ring-net-io") == 0) {
    struct unikvm_hc_net_io arg = {.tx = (uint64_t)(uintptr_t)frames};
    return net_io(&arg, what), survived(what);
  }
  if (strcmp(what, "ring-tx-outside") == 0)
    ring.tx[0] = (struct unikvm_net_frame){.data = ram_size() - 30, .len = 60};
  else if (strcmp(what, "ring-tx-runt") == 0)
    ring.tx[0] = (struct unikvm_net_frame){.data = good.data, .len = 5};
  else if (strcmp(what, "ring-tx-over-mtu") == 0)
    ring.tx[0] = (struct unikvm_net_frame){.data = good.data, .len = frame_max + 1};
  else if (strcmp(what, "ring-tx-host-tables") == 0)
    ring.tx[0] = (struct unikvm_net_frame){.data = HOST_GDT_ADDR, .len = 60};
  else if (strcmp(what, "ring-tx-far") == 0)
    ring.tx_head = 1000; /* 1000 entries queued on a ring of 64 */
  else if (strcmp(what, "ring-rx-small") == 0)
    ring.rx[0] = (struct unikvm_net_frame){.data = (uint64_t)(uintptr_t)frame_buf[1], .len = 10};
  else if (strcmp(what, "ring-rx-outside") == 0)
    ring.rx[0] = (struct unikvm_net_frame){.data = ram_size() - 100, .len = frame_max};
  else if (strcmp(what, "ring-rx-far") == 0)
    ring.rx_avail = 1000;
  else if (strcmp(what, "ring-tx-flip")) /* not one of the above */
    return -1;
  if (strncmp(what, "ring-tx-", 8) == 0 && strcmp(what, "ring-tx-far") != 0) {
    if (strcmp(what, "ring-tx-flip") == 0) {
      /* A valid entry whose buffer the guest keeps moving out of RAM and back while the host
       * thread may be reading it: the host must use what it checked (one read), so it either
       * sends the frame or stops the VM, never touches memory outside RAM. */
      ring.tx[0] = good;
      __atomic_store_n(&ring.tx_head, 1u, __ATOMIC_RELEASE);
      for (unsigned i = 0; i < 2000000; i++)
        __atomic_store_n(&ring.tx[0].data, (i & 1) ? UINT64_MAX - 7 : good.data, __ATOMIC_RELAXED);
      ring.tx[0] = good;
      struct unikvm_hc_poll arg = {.timeout_ns = 0};
      hypercall(UNIKVM_HC_POLL, &arg);
      printf("%s: tx_tail=%u\n", what, __atomic_load_n(&ring.tx_tail, __ATOMIC_ACQUIRE));
      return 0;
    }
    __atomic_store_n(&ring.tx_head, 1u, __ATOMIC_RELEASE);
  } else if (strncmp(what, "ring-rx-", 8) == 0 && strcmp(what, "ring-rx-far") != 0) {
    __atomic_store_n(&ring.rx_avail, 1u, __ATOMIC_RELEASE);
  }
  return ring_wait(what);
}

/* ---- block ----------------------------------------------------------------------------- */

static uint8_t sector_buf[4096] __attribute__((aligned(4096)));
static struct unikvm_blk_req reqs[UNIKVM_BLK_BATCH_MAX + 1];

static uint32_t blk_io(uint64_t reqs_gpa, uint32_t count, const char *name) {
  struct unikvm_hc_blk_io arg = {.reqs = reqs_gpa, .count = count, .done = 12345};
  printf("%s: reqs=%#llx count=%u\n", name, (unsigned long long)reqs_gpa, count);
  hypercall(UNIKVM_HC_BLK_IO, &arg);
  printf("%s: done=%u\n", name, arg.done);
  return arg.done;
}

static struct unikvm_blk_req blk_req(uint32_t op, uint64_t sector, uint64_t data, uint32_t len) {
  return (struct unikvm_blk_req){.op = op, .sector = sector, .data = data, .len = len, .ret = 7};
}

/* One request; returns its ret. */
static int64_t blk_one(struct unikvm_blk_req r, const char *name) {
  reqs[0] = r;
  blk_io((uint64_t)(uintptr_t)reqs, 1, name);
  return reqs[0].ret;
}

static int cmd_blk(const char *what) {
  uint64_t ram = ram_size(), sectors = boot_info()->blk_sectors;
  uint64_t buf = (uint64_t)(uintptr_t)sector_buf, rq = (uint64_t)(uintptr_t)reqs;
  for (unsigned i = 0; i <= UNIKVM_BLK_BATCH_MAX; i++)
    reqs[i] = blk_req(UNIKVM_BLK_READ, 0, buf, 512);
  if (strcmp(what, "blk-count") == 0)
    return blk_io(rq, UNIKVM_BLK_BATCH_MAX + 1, what), survived(what);
  if (strcmp(what, "blk-count-max") == 0)
    return blk_io(rq, UINT32_MAX, what), survived(what);
  if (strcmp(what, "blk-reqs-straddle") == 0)
    return blk_io(ram - sizeof(reqs[0]) / 2, 1, what), survived(what);
  if (strcmp(what, "blk-reqs-wrap") == 0)
    return blk_io(UINT64_MAX - 31, 2, what), survived(what);
  if (strcmp(what, "blk-reqs-misaligned") == 0)
    return blk_io(rq + 4, 1, what), survived(what);
  if (strcmp(what, "blk-count-straddle") == 0) /* one real request, 256 announced */
    return blk_io(ram - sizeof(reqs[0]), UNIKVM_BLK_BATCH_MAX, what), survived(what);
  if (strcmp(what, "blk-data-outside") == 0)
    return blk_one(blk_req(UNIKVM_BLK_READ, 0, ram - 512, 1024), what), survived(what);
  if (strcmp(what, "blk-data-wrap") == 0)
    return blk_one(blk_req(UNIKVM_BLK_READ, 0, UINT64_MAX - 511, 1024), what), survived(what);
  if (strcmp(what, "blk-len-huge") == 0) /* sector-aligned, but far larger than RAM */
    return blk_one(blk_req(UNIKVM_BLK_READ, 0, buf, 0xfffffe00u), what), survived(what);
  if (strcmp(what, "blk-past-end") == 0)
    return expect_ret(what, blk_one(blk_req(UNIKVM_BLK_READ, sectors, buf, 512), what),
                      -UNIKVM_EINVAL);
  if (strcmp(what, "blk-straddle-end") == 0)
    return expect_ret(what, blk_one(blk_req(UNIKVM_BLK_WRITE, sectors - 1, buf, 1024), what),
                      -UNIKVM_EINVAL);
  if (strcmp(what, "blk-sector-wrap") == 0) /* sector + count wraps to 0 */
    return expect_ret(what, blk_one(blk_req(UNIKVM_BLK_READ, UINT64_MAX, buf, 1024), what),
                      -UNIKVM_EINVAL);
  if (strcmp(what, "blk-sector-huge") == 0) /* sector * 512 overflows an off_t */
    return expect_ret(what, blk_one(blk_req(UNIKVM_BLK_READ, 1ull << 60, buf, 512), what),
                      -UNIKVM_EINVAL);
  if (strcmp(what, "blk-unaligned") == 0)
    return expect_ret(what, blk_one(blk_req(UNIKVM_BLK_READ, 0, buf, 100), what), -UNIKVM_EINVAL);
  if (strcmp(what, "blk-zero-len") == 0)
    return expect_ret(what, blk_one(blk_req(UNIKVM_BLK_WRITE, 0, buf, 0), what), -UNIKVM_EINVAL);
  if (strcmp(what, "blk-bad-op") == 0)
    return expect_ret(what, blk_one(blk_req(77, 0, buf, 512), what), -UNIKVM_EINVAL);
  if (strcmp(what, "blk-ro-write") == 0)
    return expect_ret(what, blk_one(blk_req(UNIKVM_BLK_WRITE, 0, buf, 512), what), -UNIKVM_EROFS);
  if (strcmp(what, "blk-count-mismatch") == 0) {
    /* Three requests announced: a good read, garbage, a read past the end. */
    reqs[1] = (struct unikvm_blk_req){.op = 0xdeadbeef, .sector = UINT64_MAX, .len = 1};
    reqs[2] = blk_req(UNIKVM_BLK_READ, sectors, buf, 512);
    uint32_t done = blk_io(rq, 3, what);
    printf("%s: rets=%lld,%lld,%lld\n", what, (long long)reqs[0].ret, (long long)reqs[1].ret,
           (long long)reqs[2].ret);
    return done != 3 || reqs[0].ret != 0 || reqs[1].ret != -UNIKVM_EINVAL ||
           reqs[2].ret != -UNIKVM_EINVAL;
  }
  if (strcmp(what, "blk-none") == 0)
    return blk_one(blk_req(UNIKVM_BLK_READ, 0, buf, 512), what), survived(what);
  /* Asynchronous reads are checked when posted like any other: errors at once, never later. */
  if (strcmp(what, "blk-async-data-outside") == 0)
    return blk_one(blk_req(UNIKVM_BLK_READ_ASYNC, 0, ram - 512, 1024), what), survived(what);
  if (strcmp(what, "blk-async-past-end") == 0)
    return expect_ret(what, blk_one(blk_req(UNIKVM_BLK_READ_ASYNC, sectors, buf, 512), what),
                      -UNIKVM_EINVAL);
  if (strcmp(what, "blk-async-in-flight-exit") == 0) {
    /* A full batch of reads of the whole disk, some into the request array itself (the host
     * then completes requests whose bytes it is overwriting), WAITs for nothing and for one of
     * them, then the guest exits with the rest still in flight. */
    uint32_t n = UNIKVM_BLK_BATCH_MAX - 2, disk = (uint32_t)(sectors * 512);
    for (uint32_t i = 0; i < n; i++)
      reqs[i] = blk_req(UNIKVM_BLK_READ_ASYNC, 0, i % 2 ? buf : rq, disk < 4096 ? disk : 4096);
    reqs[n] = (struct unikvm_blk_req){.op = UNIKVM_BLK_WAIT, .data = ram + 4096};
    reqs[n + 1] = (struct unikvm_blk_req){.op = UNIKVM_BLK_WAIT, .data = rq + 32};
    blk_io(rq, n + 2, what);
    blk_io(rq, n, what);
    printf("%s: posted %u\n", what, 2 * n);
    return 0;
  }
  return -1;
}

/* ---- ports ------------------------------------------------------------------------------ */

static int cmd_port(const char *what) {
  uint32_t arg = (uint32_t)(uintptr_t)message;
  printf("%s\n", what);
  if (strcmp(what, "port-unknown-first") == 0) /* granted by the TSS bitmap, no hypercall */
    out32(UNIKVM_HC_BASE + UNIKVM_HC_COUNT, arg);
  else if (strcmp(what, "port-unknown-last") == 0) /* a 4-byte out covers 4 ports */
    out32(UNIKVM_HC_BASE + UNIKVM_HC_PORTS - 4, arg);
  else if (strcmp(what, "port-unknown-last-byte") == 0)
    __asm__ __volatile__("outb %%al, %%dx"
                         :
                         : "a"(arg), "d"(UNIKVM_HC_BASE + UNIKVM_HC_PORTS - 1)
                         : "memory");
  else if (strcmp(what, "port-straddle") == 0) /* ports 0x51f..0x522: the last 3 not granted */
    out32(UNIKVM_HC_BASE + UNIKVM_HC_PORTS - 1, arg);
  else if (strcmp(what, "port-beyond") == 0) /* just past the granted ports */
    out32(UNIKVM_HC_BASE + UNIKVM_HC_PORTS, arg);
  else if (strcmp(what, "port-below") == 0)
    out32(UNIKVM_HC_BASE - 1, arg);
  else if (strcmp(what, "port-exception") == 0) /* where the CPL 0 stubs report */
    out32(UNIKVM_EXCEPTION_PORT, arg);
  else if (strcmp(what, "port-other") == 0)
    out32(0x80, arg);
  else if (strcmp(what, "port-byte") == 0)
    __asm__ __volatile__("outb %%al, %%dx" : : "a"(arg), "d"(UNIKVM_HC_BASE) : "memory");
  else if (strcmp(what, "port-word") == 0)
    __asm__ __volatile__("outw %%ax, %%dx" : : "a"(arg), "d"(UNIKVM_HC_BASE) : "memory");
  else if (strcmp(what, "port-in") == 0) {
    uint32_t v;
    __asm__ __volatile__("inl %%dx, %%eax" : "=a"(v) : "d"(UNIKVM_HC_BASE + 3) : "memory");
    printf("in returned %#x\n", v);
  } else if (strcmp(what, "port-in-other") == 0) {
    uint8_t v;
    __asm__ __volatile__("inb $0x60, %%al" : "=a"(v) : : "memory");
    printf("in returned %#x\n", v);
  } else if (strcmp(what, "port-rep-outs") == 0) {
    /*
     * Two exit hypercalls in one string instruction: the host refuses the string, or (when
     * KVM splits it into single exits) the first one ends the VM with status 77.
     */
    static struct unikvm_hc_exit exit_arg = {.status = 77};
    static uint32_t args[2];
    args[0] = args[1] = (uint32_t)(uintptr_t)&exit_arg;
    const void *src = args;
    unsigned long n = 2;
    __asm__ __volatile__("rep outsl"
                         : "+S"(src), "+c"(n)
                         : "d"(UNIKVM_HC_BASE + UNIKVM_HC_EXIT)
                         : "memory");
  } else
    return -1;
  return survived(what);
}

/* ---- privileged and odd instructions at CPL 3 ------------------------------------------- */

struct insn_attempt {
  const char *name;
  int may_survive; /* allowed at CPL 3 on some hosts (IOPL 3, KVM's vmcall) */
  void (*run)(void);
};

#define INSN(fn, asm_text)                                                                         \
  static void fn(void) {                                                                           \
    __asm__ __volatile__(asm_text ::: "memory", "rax", "rcx", "rdx");                              \
  }
INSN(do_hlt, "hlt")
INSN(do_cli, "cli")
INSN(do_sti, "sti")
INSN(do_wrmsr, "xor %%eax, %%eax; xor %%edx, %%edx; mov $0xc0000080, %%ecx; wrmsr")
INSN(do_rdmsr, "mov $0x10, %%ecx; rdmsr")
INSN(do_read_cr0, "mov %%cr0, %%rax")
INSN(do_write_cr3, "xor %%eax, %%eax; mov %%rax, %%cr3")
INSN(do_write_cr4, "xor %%eax, %%eax; mov %%rax, %%cr4")
INSN(do_write_dr7, "mov $0x1, %%eax; mov %%rax, %%dr7")
INSN(do_lgdt, "sub $16, %%rsp; movq $0, (%%rsp); movq $0, 8(%%rsp); lgdt (%%rsp); add $16, %%rsp")
INSN(do_lidt, "sub $16, %%rsp; movq $0, (%%rsp); movq $0, 8(%%rsp); lidt (%%rsp); add $16, %%rsp")
INSN(do_ltr, "mov $0x28, %%eax; ltr %%ax")
INSN(do_lldt, "xor %%eax, %%eax; lldt %%ax")
INSN(do_invlpg, "invlpg (%%rsp)")
INSN(do_wbinvd, "wbinvd")
INSN(do_invd, "invd")
INSN(do_clts, "clts")
INSN(do_swapgs, "swapgs")
INSN(do_xsetbv, "xor %%ecx, %%ecx; mov $1, %%eax; xor %%edx, %%edx; xsetbv")
INSN(do_rdpmc, "xor %%ecx, %%ecx; rdpmc")
INSN(do_int80, "int $0x80")
INSN(do_int3, "int3")
INSN(do_int1, ".byte 0xf1") /* icebp: #DB delivered without the gate's DPL check */
INSN(do_syscall, "syscall")
INSN(do_sysenter, "sysenter")
INSN(do_sysret, "sysretq")
INSN(do_vmcall, "xor %%eax, %%eax; vmcall")
INSN(do_vmmcall, "xor %%eax, %%eax; vmmcall")
INSN(do_monitor, "mov %%rsp, %%rax; xor %%ecx, %%ecx; xor %%edx, %%edx; monitor")
INSN(do_mwait, "xor %%eax, %%eax; xor %%ecx, %%ecx; mwait")
INSN(do_load_kernel_ss, "mov $0x10, %%eax; mov %%eax, %%ss")
INSN(do_load_kernel_ds, "mov $0x10, %%eax; mov %%eax, %%ds")
/* A far return into the kernel code segment (RPL 0 from CPL 3). */
INSN(do_lret_cpl0, "lea 1f(%%rip), %%rax; pushq $0x08; push %%rax; lretq; 1:")
/* An iret frame that would land at CPL 0. */
INSN(do_iret_cpl0, "mov %%rsp, %%rcx; lea 1f(%%rip), %%rax; pushq $0x10; push %%rcx; pushfq;"
                   "pushq $0x08; push %%rax; iretq; 1:")
INSN(do_ud2, "ud2")
INSN(do_noncanonical, "movabs $0x8000000000000000, %%rax; mov (%%rax), %%rax")
INSN(do_jump_noncanonical, "movabs $0x8000000000000000, %%rax; jmp *%%rax")

static const struct insn_attempt insns[] = {
    {"hlt", 0, do_hlt},
    {"cli", 1, do_cli},
    {"sti", 1, do_sti},
    {"wrmsr", 0, do_wrmsr},
    {"rdmsr", 0, do_rdmsr},
    {"read-cr0", 0, do_read_cr0},
    {"write-cr3", 0, do_write_cr3},
    {"write-cr4", 0, do_write_cr4},
    {"write-dr7", 0, do_write_dr7},
    {"lgdt", 0, do_lgdt},
    {"lidt", 0, do_lidt},
    {"ltr", 0, do_ltr},
    {"lldt", 0, do_lldt},
    {"invlpg", 0, do_invlpg},
    {"wbinvd", 0, do_wbinvd},
    {"invd", 0, do_invd},
    {"clts", 0, do_clts},
    {"swapgs", 0, do_swapgs},
    {"xsetbv", 0, do_xsetbv},
    {"rdpmc", 1, do_rdpmc},
    {"int80", 0, do_int80},
    {"int3", 0, do_int3},
    {"icebp", 0, do_int1},
    {"syscall", 0, do_syscall},
    {"sysenter", 0, do_sysenter},
    {"sysret", 0, do_sysret},
    {"vmcall", 1, do_vmcall},
    {"vmmcall", 1, do_vmmcall},
    {"monitor", 0, do_monitor},
    {"mwait", 0, do_mwait},
    {"load-kernel-ss", 0, do_load_kernel_ss},
    {"load-kernel-ds", 0, do_load_kernel_ds},
    {"lret-cpl0", 0, do_lret_cpl0},
    {"iret-cpl0", 0, do_iret_cpl0},
    {"ud2", 0, do_ud2},
    {"read-noncanonical", 0, do_noncanonical},
    {"jump-noncanonical", 0, do_jump_noncanonical},
};

/* "cpl3-NAME": one instruction of the table at CPL 3. */
static int cmd_insn(const char *what) {
  if (strncmp(what, "cpl3-", 5) != 0)
    return -1;
  what += 5;
  for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
    if (strcmp(insns[i].name, what) != 0)
      continue;
    printf("executing %s at CPL 3\n", what);
    insns[i].run();
    printf("survived %s%s\n", what, insns[i].may_survive ? " (allowed on this host)" : "");
    return insns[i].may_survive ? 0 : 99;
  }
  return -1;
}

/* sidt/sgdt are not privileged without CR4.UMIP: print what they reveal. */
static int cmd_sidt(void) {
  struct __attribute__((packed)) {
    uint16_t limit;
    uint64_t base;
  } idt, gdt;
  __asm__ __volatile__("sidt %0; sgdt %1" : "=m"(idt), "=m"(gdt));
  printf("sidt base=%#llx limit=%#x\n", (unsigned long long)idt.base, idt.limit);
  printf("sgdt base=%#llx limit=%#x\n", (unsigned long long)gdt.base, gdt.limit);
  return 0;
}

/* ---- memory: the host-owned low 1 MiB, page 0, past RAM ----------------------------------- */

static int touch(uint64_t addr, int write, const char *name) {
  printf("%s: %s %#llx\n", name, write ? "writing" : "reading", (unsigned long long)addr);
  if (write)
    *raw_ptr(addr) = 0x5a;
  else
    printf("%s: value=%#x\n", name, *raw_ptr(addr));
  return survived(name);
}

static int cmd_mem(const char *what) {
  static const struct {
    const char *name;
    uint64_t addr;
    int write;
  } targets[] = {
      {"write-page0", 0, 1},
      {"read-page0", 8, 0},
      {"write-gdt", HOST_GDT_ADDR, 1},
      {"write-idt", HOST_IDT_ADDR, 1},
      {"write-tss", HOST_TSS_ADDR + 4, 1},
      {"write-stubs", 0x4000, 1},
      {"read-exc-stack", 0x6ff8, 0},
      {"write-page-tables", 0x10000, 1},
      {"write-pd", HOST_PD_ADDR, 1},
      {"write-below-image", 0xff000, 1},
      {"read-past-ram", 0, 0}, /* address filled in below */
      {"read-apic", 0xfee00000, 0},
      {"write-high-half", 0xffffffff80000000ull, 1},
  };
  for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
    if (strcmp(targets[i].name, what) == 0)
      return touch(strcmp(what, "read-past-ram") == 0 ? ram_size() : targets[i].addr,
                   targets[i].write, what);
  if (strcmp(what, "exec-stubs") == 0 || strcmp(what, "exec-boot-info") == 0) {
    void (*fn)(void) = (void (*)(void))(uintptr_t)raw_ptr(
        strcmp(what, "exec-stubs") == 0 ? 0x4000 : UNIKVM_BOOT_INFO_ADDR);
    printf("%s: calling %p\n", what, (void *)fn);
    fn();
    return survived(what);
  }
  return -1;
}

/* ---- stacks ---------------------------------------------------------------------------------- */

static volatile unsigned long deepest;

/*
 * Each frame holds 4 KiB that it fills, as real code with a big local array does (a frame that
 * only touched its ends could step over the 64-byte stack canary without touching it).
 */
static unsigned long recurse(unsigned long depth, unsigned long limit) {
  volatile char frame[4096];
  for (size_t i = 0; i < sizeof(frame); i += 8)
    frame[i] = (char)depth;
  frame[sizeof(frame) - 1] = (char)depth;
  deepest = depth;
  if (depth >= limit)
    return frame[0];
  return recurse(depth + 1, limit) + frame[sizeof(frame) - 1];
}

static int cmd_stack(const char *what) {
  if (strcmp(what, "stack-overflow") == 0) {
    /* 1.25 MiB deep on the 1 MiB boot stack, then back: the canary notices at the yield. */
    printf("recursing 1.25 MiB deep\n");
    unsigned long r = recurse(0, 320);
    printf("returned from depth %lu (%lu)\n", deepest, r);
    sched_yield();
    return survived(what);
  }
  if (strcmp(what, "stack-runaway") == 0) {
    /* Down through the heap and the image, until something faults. */
    printf("recursing without end\n");
    recurse(0, ~0ul);
    return survived(what);
  }
  return -1;
}

/* ---- the host writing host-owned memory for the guest (hypercalls as a confused deputy) ----- */

/* walltime writes 8 bytes (the time, ~0x18.. ns: not a canonical address) wherever it is told. */
static int cmd_smash(const char *what) {
  struct unikvm_hc_walltime *where;
  if (strcmp(what, "smash-tss-rsp0") == 0)
    where = (void *)(uintptr_t)raw_ptr(HOST_TSS_ADDR + 4);
  else if (strcmp(what, "smash-gdt-kcode") == 0)
    where = (void *)(uintptr_t)raw_ptr(HOST_GDT_ADDR + 8);
  else if (strcmp(what, "smash-idt-ud") == 0)
    where = (void *)(uintptr_t)raw_ptr(HOST_IDT_ADDR + 6 * 16);
  else
    return -1;
  printf("%s: walltime into %p, then ud2\n", what, (void *)where);
  hypercall(UNIKVM_HC_WALLTIME, where);
  printf("%s: walltime returned\n", what);
  __asm__ __volatile__("ud2");
  return survived(what);
}

/*
 * Arbitrary bytes into host-owned memory: write a sector from a user buffer to the disk, read
 * it back into the target. Returns the two requests' rets (0, 0 when it worked).
 */
static int poke_via_disk(uint64_t target, const void *bytes) {
  memcpy(sector_buf, bytes, 512);
  reqs[0] = blk_req(UNIKVM_BLK_WRITE, 0, (uint64_t)(uintptr_t)sector_buf, 512);
  reqs[1] = blk_req(UNIKVM_BLK_READ, 0, target, 512);
  struct unikvm_hc_blk_io arg = {.reqs = (uint64_t)(uintptr_t)reqs, .count = 2};
  hypercall(UNIKVM_HC_BLK_IO, &arg);
  printf("poke %#llx: rets=%lld,%lld\n", (unsigned long long)target, (long long)reqs[0].ret,
         (long long)reqs[1].ret);
  return reqs[0].ret || reqs[1].ret;
}

/* Maps slots of the page directory for the guest itself; returns 0 when the host wrote them. */
static int map_slots(void) {
  uint64_t pd[64] = {0};
  pd[ALIAS_SLOT - PD_SECTOR_FIRST] = 0 | PTE_P | PTE_W | PTE_U | PTE_PS;
  pd[MMIO_4G_SLOT - PD_SECTOR_FIRST] = (4ull << 30) | PTE_P | PTE_W | PTE_U | PTE_PS;
  pd[MMIO_APIC_SLOT - PD_SECTOR_FIRST] = 0xfee00000ull | PTE_P | PTE_W | PTE_U | PTE_PS;
  if (ram_size() > PD_SECTOR_FIRST * 2 * MIB) {
    printf("RAM reaches PD slot %u: run with less --mem\n", PD_SECTOR_FIRST);
    return 1;
  }
  return poke_via_disk(HOST_PD_ADDR + PD_SECTOR_FIRST * 8, pd);
}

/* Code that runs at CPL 0 once an IDT gate points at it (no SMEP: user pages execute). */
__asm__(".text\n"
        "cpl0_hlt: hlt\n"
        "cpl0_out: mov $0x1234, %dx; out %al, %dx; hlt\n"
        "cpl0_fake_frame: movabs $0xfffffffffffffff0, %rsp; mov $0x5ff, %dx; out %al, %dx; hlt\n"
        "cpl0_cr3: mov $0xfffff000, %eax; mov %rax, %cr3; hlt\n"
        "cpl0_wrmsr: xor %eax, %eax; xor %edx, %edx; mov $0xc0000080, %ecx; wrmsr; hlt\n"
        "cpl0_lidt: pushq $0; pushq $0; lidt (%rsp); ud2\n");
extern const char cpl0_hlt[], cpl0_out[], cpl0_fake_frame[], cpl0_cr3[], cpl0_wrmsr[], cpl0_lidt[];

static int cmd_alias(const char *what) {
  static const struct {
    const char *name;
    const char *code;
  } payloads[] = {
      {"cpl0-hlt", cpl0_hlt}, {"cpl0-out", cpl0_out},     {"cpl0-fake-frame", cpl0_fake_frame},
      {"cpl0-cr3", cpl0_cr3}, {"cpl0-wrmsr", cpl0_wrmsr}, {"cpl0-lidt", cpl0_lidt},
  };
  const char *payload = NULL;
  for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++)
    if (strcmp(payloads[i].name, what) == 0)
      payload = payloads[i].code;
  if (!payload && strcmp(what, "alias-mmio-4g") != 0 && strcmp(what, "alias-mmio-apic") != 0 &&
      strcmp(what, "alias-zero-idt") != 0 && strcmp(what, "alias-tss-rsp0") != 0)
    return -1;
  if (map_slots()) {
    printf("%s: the host refused to write its page directory for the guest\n", what);
    return 0;
  }
  volatile uint8_t *low = raw_ptr(SLOT_VA(ALIAS_SLOT));
  uint32_t magic = *(volatile uint32_t *)(low + UNIKVM_BOOT_INFO_ADDR);
  printf("%s: alias of the low 2 MiB reads the boot info magic: %s\n", what,
         magic == UNIKVM_BOOT_MAGIC ? "yes" : "no");
  if (strcmp(what, "alias-mmio-4g") == 0 || strcmp(what, "alias-mmio-apic") == 0) {
    uint64_t slot = strcmp(what, "alias-mmio-4g") == 0 ? MMIO_4G_SLOT : MMIO_APIC_SLOT;
    printf("%s: reading value=%#x\n", what, *raw_ptr(SLOT_VA(slot) + 0x20));
    return survived(what);
  }
  if (strcmp(what, "alias-zero-idt") == 0)
    memset((void *)(uintptr_t)(low + HOST_IDT_ADDR), 0, 4096);
  else if (strcmp(what, "alias-tss-rsp0") == 0)
    *(volatile uint64_t *)(low + HOST_TSS_ADDR + 4) = 0x8000000000000000ull;
  else {
    /* Point the #UD gate at the payload, keeping its selector and type. */
    volatile uint64_t *gate = (volatile uint64_t *)(low + HOST_IDT_ADDR + 6 * 16);
    uint64_t off = (uint64_t)(uintptr_t)payload;
    gate[0] = (gate[0] & 0x0000ffffffff0000ull) | (off & 0xffff) | ((off >> 16) & 0xffff) << 48;
    gate[1] = off >> 32;
  }
  printf("%s: ud2\n", what);
  __asm__ __volatile__("ud2");
  return survived(what);
}

/* ---- endless ----------------------------------------------------------------------------------
 */

static int cmd_spin(void) {
  printf("spinning forever\n");
  for (volatile unsigned long i = 0;; i++)
    ;
  return survived("spin");
}

/* ---- the list ----------------------------------------------------------------------------------
 */

static const char *const simple_names[] = {
    "console-end",
    "console-straddle",
    "console-wrap",
    "console-len-wrap",
    "console-len-huge",
    "console-ram-plus-one",
    "console-stream",
    "console-zero-at-end",
    "abort-end",
    "abort-wrap",
    "abort-len-huge",
    "abort-forged-lines",
    "poll-forever",
    "poll-huge",
    "net-tx-count",
    "net-rx-count",
    "net-tx-array-straddle",
    "net-tx-array-wrap",
    "net-tx-array-misaligned",
    "net-count-straddle",
    "net-frame-outside",
    "net-frame-wrap",
    "net-frame-len-huge",
    "net-tx-over-mtu",
    "net-tx-runt",
    "net-count-mismatch",
    "net-rx-small",
    "net-rx-overlaps-args",
    "net-none",
    "ring-outside",
    "ring-host-tables",
    "ring-misaligned",
    "ring-slots-zero",
    "ring-slots-odd",
    "ring-slots-huge",
    "ring-none",
    "ring-declined",
    "ring-twice",
    "ring-net-io",
    "ring-tx-outside",
    "ring-tx-runt",
    "ring-tx-over-mtu",
    "ring-tx-host-tables",
    "ring-tx-far",
    "ring-tx-flip",
    "ring-rx-small",
    "ring-rx-outside",
    "ring-rx-far",
    "blk-count",
    "blk-count-max",
    "blk-reqs-straddle",
    "blk-reqs-wrap",
    "blk-reqs-misaligned",
    "blk-count-straddle",
    "blk-data-outside",
    "blk-data-wrap",
    "blk-len-huge",
    "blk-past-end",
    "blk-straddle-end",
    "blk-sector-wrap",
    "blk-sector-huge",
    "blk-unaligned",
    "blk-zero-len",
    "blk-bad-op",
    "blk-ro-write",
    "blk-count-mismatch",
    "blk-none",
    "blk-async-data-outside",
    "blk-async-past-end",
    "blk-async-in-flight-exit",
    "port-unknown-first",
    "port-unknown-last",
    "port-unknown-last-byte",
    "port-straddle",
    "port-beyond",
    "port-below",
    "port-exception",
    "port-other",
    "port-byte",
    "port-word",
    "port-in",
    "port-in-other",
    "port-rep-outs",
    "sidt",
    "write-page0",
    "read-page0",
    "write-gdt",
    "write-idt",
    "write-tss",
    "write-stubs",
    "read-exc-stack",
    "write-page-tables",
    "write-pd",
    "write-below-image",
    "read-past-ram",
    "read-apic",
    "write-high-half",
    "exec-stubs",
    "exec-boot-info",
    "stack-overflow",
    "stack-runaway",
    "smash-tss-rsp0",
    "smash-gdt-kcode",
    "smash-idt-ud",
    "alias-mmio-4g",
    "alias-mmio-apic",
    "alias-zero-idt",
    "alias-tss-rsp0",
    "cpl0-hlt",
    "cpl0-out",
    "cpl0-fake-frame",
    "cpl0-cr3",
    "cpl0-wrmsr",
    "cpl0-lidt",
    "spin",
};

static int cmd_list(void) {
  for (unsigned nr = 0; nr < UNIKVM_HC_COUNT; nr++)
    printf("arg-end:%u\narg-straddle:%u\narg-top:%u\narg-misaligned:%u\n", nr, nr, nr, nr);
  for (size_t i = 0; i < sizeof(simple_names) / sizeof(simple_names[0]); i++)
    printf("%s\n", simple_names[i]);
  for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++)
    printf("cpl3-%s\n", insns[i].name);
  return 0;
}

int main(int argc, char **argv) {
  /* Unbuffered: what an attempt printed before the host stopped it must reach the test. */
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc != 2) {
    fprintf(stderr, "usage: hostile list | ATTEMPT\n");
    return 2;
  }
  const char *what = argv[1];
  if (strcmp(what, "list") == 0)
    return cmd_list();
  if (strcmp(what, "sidt") == 0)
    return cmd_sidt();
  if (strcmp(what, "spin") == 0)
    return cmd_spin();
  static const char *const arg_attacks[] = {"end", "straddle", "top", "misaligned"};
  for (size_t i = 0; i < sizeof(arg_attacks) / sizeof(arg_attacks[0]); i++) {
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "arg-%s:", arg_attacks[i]);
    if (strncmp(what, prefix, strlen(prefix)) == 0)
      return arg_attack(arg_attacks[i], (unsigned)strtoul(what + strlen(prefix), NULL, 10));
  }
  int (*const groups[])(const char *) = {cmd_console, cmd_abort, cmd_poll,  cmd_net,
                                         cmd_ring,    cmd_blk,   cmd_port,  cmd_insn,
                                         cmd_mem,     cmd_stack, cmd_smash, cmd_alias};
  for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
    int rc = groups[i](what);
    if (rc >= 0)
      return rc;
  }
  fprintf(stderr, "hostile: unknown attempt '%s'\n", what);
  return 2;
}
