/* fuzz_vm.c: the fake VM the hypercall harnesses dispatch on (see fuzz_vm.h). */
#include "fuzz_vm.h"

#include "unikvm/abi.h"

#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGES (FUZZ_RAM_SIZE / UNIKVM_PAGE_SIZE)

/* Made once per process: they cost syscalls and hold nothing between inputs. */
static uint8_t *ram, ram_before[FUZZ_RAM_SIZE];
static uint64_t host_dirty[(PAGES + 63) / 64];
static int null_fd = -1, disk_fd = -1;
static struct iocb *aio_iocbs;
static aio_context_t aio_ctx;

/*
 * Every transfer the host starts on the disk must move bytes between guest RAM and the disk,
 * inside both. The harnesses link with -Wl,--wrap=pread,--wrap=pwrite, so the host's own calls
 * come here first; AIO requests are checked in their iocbs after the hypercall.
 */
static const struct fuzz_vm *serving; /* the VM whose hypercall is running, if it has a disk */

ssize_t __real_pread(int fd, void *buf, size_t len, off_t off);
ssize_t __real_pwrite(int fd, const void *buf, size_t len, off_t off);

static void check_transfer(uint64_t buf, uint64_t len, uint64_t off) {
  const uint64_t base = (uintptr_t)ram, disk = serving->blk.sectors * BLK_SECTOR_SIZE;
  FUZZ_CHECK(buf >= base && len <= FUZZ_RAM_SIZE && buf - base <= FUZZ_RAM_SIZE - len);
  FUZZ_CHECK(off <= disk && len <= disk - off);
}

ssize_t __wrap_pread(int fd, void *buf, size_t len, off_t off) {
  if (serving && fd == disk_fd)
    check_transfer((uintptr_t)buf, len, (uint64_t)off);
  return __real_pread(fd, buf, len, off);
}

ssize_t __wrap_pwrite(int fd, const void *buf, size_t len, off_t off) {
  if (serving && fd == disk_fd)
    check_transfer((uintptr_t)buf, len, (uint64_t)off);
  return __real_pwrite(fd, buf, len, off);
}

static void init_once(void) {
  if (ram)
    return;
  /* Exactly FUZZ_RAM_SIZE bytes, so one byte past guest RAM is a heap overflow for ASan. */
  ram = malloc(FUZZ_RAM_SIZE);
  /* FUZZ_VERBOSE=1 shows what the guest and unikvm print, to triage one input. */
  null_fd = getenv("FUZZ_VERBOSE") ? dup(STDERR_FILENO) : open("/dev/null", O_WRONLY | O_CLOEXEC);
  disk_fd = memfd_create("fuzz-disk", MFD_CLOEXEC);
  /* The shortened waits of poll and net_io: sub-microsecond, not the default 50 us slack. */
  prctl(PR_SET_TIMERSLACK, 1UL);
  /* The disk's kernel AIO context and iocbs, as blk_open makes them. */
  aio_iocbs = calloc(UNIKVM_BLK_BATCH_MAX, sizeof(*aio_iocbs));
  if (syscall(SYS_io_setup, UNIKVM_BLK_BATCH_MAX, &aio_ctx) < 0)
    aio_ctx = 0;
  if (!ram || null_fd < 0 || disk_fd < 0 || !aio_iocbs || !aio_ctx) {
    perror("fuzz_vm: setup");
    abort();
  }
}

static void start_net(struct fuzz_vm *f, const struct fuzz_devices *dev) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
    perror("fuzz_vm: socketpair");
    abort();
  }
  f->net = (struct net_device){
      .fd = sv[0], .message_socket = !(dev->flags & FUZZ_DEV_NET_TAP_LIKE), .mtu = dev->mtu};
  f->peer = sv[1];
  /* Frames the backend already holds for the guest; their bytes do not matter here. */
  static uint8_t frame[FUZZ_RX_LEN_MAX];
  uint32_t frames = dev->rx_frames % (FUZZ_RX_FRAMES_MAX + 1);
  for (uint32_t i = 0; i < frames; i++)
    if (write(f->peer, frame, dev->rx_len % FUZZ_RX_LEN_MAX) >= 0)
      f->rx_injected++;
  f->vm.net = &f->net;
}

/* A disk whose contents come from the input, so that a read can bring any bytes into RAM. */
static void start_disk(struct fuzz_vm *f, const struct fuzz_devices *dev) {
  f->blk = (struct blk_device){.fd = disk_fd,
                               .readonly = dev->flags & FUZZ_DEV_DISK_RO,
                               .direct = dev->flags & FUZZ_DEV_DISK_DIRECT,
                               .sectors = 1 + dev->disk_sectors % FUZZ_DISK_SECTORS_MAX,
                               .aio = dev->flags & FUZZ_DEV_DISK_NO_AIO ? 0 : aio_ctx,
                               .iocbs = aio_iocbs};
  f->disk_bytes = f->blk.sectors * BLK_SECTOR_SIZE;
  if (dev->flags & FUZZ_DEV_DISK_SHORT)
    f->disk_bytes -= BLK_SECTOR_SIZE / 2;
  uint64_t image = dev->disk_image * 256u;
  uint64_t copy = FUZZ_RAM_SIZE - image < f->disk_bytes ? FUZZ_RAM_SIZE - image : f->disk_bytes;
  if (ftruncate(disk_fd, 0) < 0 || ftruncate(disk_fd, (off_t)f->disk_bytes) < 0 ||
      __real_pwrite(disk_fd, ram + image, copy, 0) != (ssize_t)copy) {
    perror("fuzz_vm: disk");
    abort();
  }
  if (f->blk.readonly) {
    f->disk_snapshot = malloc(f->disk_bytes);
    FUZZ_CHECK(__real_pread(disk_fd, f->disk_snapshot, f->disk_bytes, 0) == (ssize_t)f->disk_bytes);
  }
  memset(aio_iocbs, 0, UNIKVM_BLK_BATCH_MAX * sizeof(*aio_iocbs));
  f->vm.blk = &f->blk;
  serving = f;
}

void fuzz_vm_start(struct fuzz_vm *f, const struct fuzz_devices *dev, const uint8_t *ram_image,
                   size_t len) {
  init_once();
  memset(f, 0, sizeof(*f));
  f->peer = -1;
  if (len > FUZZ_RAM_SIZE)
    len = FUZZ_RAM_SIZE;
  memcpy(ram, ram_image, len);
  memset(ram + len, 0, FUZZ_RAM_SIZE - len);
  memcpy(ram_before, ram, FUZZ_RAM_SIZE);
  memset(host_dirty, 0, sizeof(host_dirty));
  f->vm.mem =
      (struct guest_mem){.base = ram, .size = FUZZ_RAM_SIZE, .fd = -1, .host_dirty = host_dirty};
  f->vm.console_out_fd = null_fd;
  f->vm.console_err_fd = null_fd;
  if (dev->flags & FUZZ_DEV_NET)
    start_net(f, dev);
  if (dev->flags & FUZZ_DEV_DISK)
    start_disk(f, dev);
}

__attribute__((noinline)) void fuzz_scribble_stack(void) {
  volatile uint64_t junk[8192];
  for (uint64_t i = 0; i < 8192; i++)
    junk[i] = 0x5c5c000000000000ull + i * 0x10001ull;
}

/* Every frame that reached the backend is one the host accepted: 14..MTU+14 bytes. */
static void finish_net(struct fuzz_vm *f) {
  static uint8_t frame[65536 + 64];
  uint64_t frames = 0;
  ssize_t n;
  while ((n = recv(f->peer, frame, sizeof(frame), MSG_TRUNC)) >= 0) {
    FUZZ_CHECK(n >= 14 && (uint64_t)n <= net_frame_max(&f->net));
    frames++;
  }
  FUZZ_CHECK(frames == f->net.tx_frames);
  FUZZ_CHECK(f->net.rx_frames <= f->rx_injected);
  close(f->net.fd);
  close(f->peer);
}

/* The guest can read and write its disk, but never grow it, nor change it when read-only. */
static void finish_disk(struct fuzz_vm *f) {
  for (unsigned i = 0; i < UNIKVM_BLK_BATCH_MAX; i++) {
    const struct iocb *io = &aio_iocbs[i];
    if (io->aio_buf || io->aio_nbytes) {
      FUZZ_CHECK(io->aio_fildes == (uint32_t)disk_fd);
      check_transfer(io->aio_buf, io->aio_nbytes, (uint64_t)io->aio_offset);
    }
  }
  serving = NULL;
  struct stat st;
  /* A write to a shrunk file's last sector may extend it again, up to the disk's size only. */
  FUZZ_CHECK(fstat(disk_fd, &st) == 0 && (uint64_t)st.st_size >= f->disk_bytes);
  FUZZ_CHECK((uint64_t)st.st_size <= f->blk.sectors * BLK_SECTOR_SIZE);
  if (f->disk_snapshot) {
    uint8_t *now = malloc(f->disk_bytes);
    FUZZ_CHECK(__real_pread(disk_fd, now, f->disk_bytes, 0) == (ssize_t)f->disk_bytes);
    FUZZ_CHECK(memcmp(now, f->disk_snapshot, f->disk_bytes) == 0);
    FUZZ_CHECK(f->blk.writes == 0);
    free(now);
    free(f->disk_snapshot);
  }
}

void fuzz_vm_poke(struct fuzz_vm *f, uint64_t gpa, const void *data, size_t len) {
  FUZZ_CHECK(gpa <= f->vm.mem.size && len <= f->vm.mem.size - gpa);
  memcpy(ram + gpa, data, len);
  memcpy(ram_before + gpa, data, len);
}

static void check_ram_writes(const struct fuzz_vm *f) {
  for (uint64_t page = 0; page < PAGES; page++) {
    uint64_t gpa = page * UNIKVM_PAGE_SIZE;
    if (memcmp(ram + gpa, ram_before + gpa, UNIKVM_PAGE_SIZE) == 0)
      continue;
    FUZZ_CHECK(host_dirty[page / 64] & (1ull << (page % 64)));
    FUZZ_CHECK(gpa >= f->vm.mem.host_tables_end ||
               (gpa >= UNIKVM_BOOT_INFO_ADDR && gpa < UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE));
  }
}

void fuzz_vm_finish(struct fuzz_vm *f) {
  check_ram_writes(f);
  /* A stopped VM carries a status unikvm can exit with. */
  FUZZ_CHECK(!f->vm.stopped || (f->vm.exit_status >= 0 && f->vm.exit_status <= 255));
  if (f->vm.net)
    finish_net(f);
  if (f->vm.blk)
    finish_disk(f);
}
