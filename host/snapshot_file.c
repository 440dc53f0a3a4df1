/* snapshot_file.c: the --snapshot-out / --restore file: a header, then guest RAM (sparse). */
#include "snapshot_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unikvm/abi.h"

#define SNAPSHOT_MAGIC   "UNIKVMSS"
#define SNAPSHOT_VERSION 1u
#define RAM_OFFSET       (64u << 10) /* page-aligned, room for the header */

struct snapshot_header {
  char magic[8];
  uint32_t version;
  uint32_t abi_version;
  uint64_t ram_size;
  uint64_t ram_offset;
  uint64_t arg_gpa;
  uint64_t wallclock_ns;
  uint64_t tsc_hz;
  uint64_t blk_sectors;
  uint32_t devices;
  uint32_t ipv4_addr, ipv4_gateway, ipv4_prefix;
  uint8_t mac[6];
  uint16_t mtu;
  struct vcpu_state cpu;
};

_Static_assert(sizeof(struct snapshot_header) <= RAM_OFFSET, "header must fit before the RAM");

static int fail(char *err, size_t errlen, const char *what) {
  snprintf(err, errlen, "%s: %s", what, strerror(errno));
  return -1;
}

static int refuse(char *err, size_t errlen, const char *why) {
  snprintf(err, errlen, "%s", why);
  return -1;
}

static int write_all(int fd, const void *buf, size_t len, off_t off) {
  for (const char *p = buf; len;) {
    ssize_t n = pwrite(fd, p, len, off);
    if (n <= 0)
      return -1;
    p += n, off += n, len -= (size_t)n;
  }
  return 0;
}

int snapshot_file_write(const struct snapshot *snap, const struct guest_mem *mem, int fd, char *err,
                        size_t errlen) {
  struct snapshot_header h = {
      .version = SNAPSHOT_VERSION,
      .abi_version = UNIKVM_ABI_VERSION,
      .ram_size = mem->size,
      .ram_offset = RAM_OFFSET,
      .arg_gpa = snap->arg_gpa,
      .wallclock_ns = snap->wallclock_ns,
      .tsc_hz = snap->tsc_hz,
      .blk_sectors = snap->blk_sectors,
      .devices = snap->devices,
      .ipv4_addr = snap->ipv4_addr,
      .ipv4_gateway = snap->ipv4_gateway,
      .ipv4_prefix = snap->ipv4_prefix,
      .mtu = snap->mtu,
      .cpu = snap->cpu,
  };
  memcpy(h.magic, SNAPSHOT_MAGIC, sizeof(h.magic));
  memcpy(h.mac, snap->mac, sizeof(h.mac));
  if (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)(RAM_OFFSET + mem->size)) < 0)
    return fail(err, errlen, "cannot size the file");
  /* Only what the guest populated: the rest reads back as zeros, as it was. */
  for (off_t data = 0, hole; (data = lseek(mem->fd, data, SEEK_DATA)) >= 0; data = hole) {
    hole = lseek(mem->fd, data, SEEK_HOLE);
    if (hole < 0 ||
        write_all(fd, mem->base + data, (size_t)(hole - data), (off_t)RAM_OFFSET + data) < 0)
      return fail(err, errlen, "cannot write the RAM");
  }
  /* The header last: a file cut short by a crash has no magic and is refused. */
  if (write_all(fd, &h, sizeof(h), 0) < 0 || fdatasync(fd) < 0)
    return fail(err, errlen, "cannot write the header");
  return 0;
}

static int check_header(const struct snapshot_header *h, off_t file_size, char *err,
                        size_t errlen) {
  if (memcmp(h->magic, SNAPSHOT_MAGIC, sizeof(h->magic)) != 0)
    return refuse(err, errlen, "not a unikvm snapshot");
  if (h->version != SNAPSHOT_VERSION || h->abi_version != UNIKVM_ABI_VERSION)
    return refuse(err, errlen, "snapshot of another unikvm version");
  if (h->ram_offset != RAM_OFFSET || h->ram_size < (8u << 20) || h->ram_size > UNIKVM_MEM_MAX ||
      h->ram_size % (2u << 20))
    return refuse(err, errlen, "bad RAM size in the header");
  if ((uint64_t)file_size < h->ram_offset + h->ram_size)
    return refuse(err, errlen, "file shorter than its RAM (truncated?)");
  if (h->arg_gpa < UNIKVM_IMAGE_MIN || h->arg_gpa > h->ram_size - sizeof(struct unikvm_hc_snapshot))
    return refuse(err, errlen, "bad snapshot argument address in the header");
  if (h->tsc_hz == 0 || h->mtu > 65521)
    return refuse(err, errlen, "bad device state in the header");
  return 0;
}

int snapshot_file_open(const char *path, struct snapshot *snap, char *err, size_t errlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  struct snapshot_header h;
  if (fd < 0 || fstat(fd, &st) < 0) {
    fail(err, errlen, path);
    goto out;
  }
  if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
    refuse(err, errlen, "not a unikvm snapshot (too short)");
    goto out;
  }
  if (check_header(&h, st.st_size, err, errlen) < 0)
    goto out;
  snap->taken = true;
  snap->ram_size = h.ram_size;
  snap->ram_offset = h.ram_offset;
  snap->arg_gpa = h.arg_gpa;
  snap->wallclock_ns = h.wallclock_ns;
  snap->tsc_hz = h.tsc_hz;
  snap->blk_sectors = h.blk_sectors;
  snap->devices = h.devices;
  snap->ipv4_addr = h.ipv4_addr;
  snap->ipv4_gateway = h.ipv4_gateway;
  snap->ipv4_prefix = h.ipv4_prefix;
  snap->mtu = h.mtu;
  memcpy(snap->mac, h.mac, sizeof(snap->mac));
  snap->cpu = h.cpu;
  return fd;
out:
  if (fd >= 0)
    close(fd);
  return -1;
}

int snapshot_file_map(int fd, struct snapshot *snap, struct guest_mem *mem, bool pristine,
                      char *err, size_t errlen) {
  void *ram =
      mmap(NULL, snap->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, (off_t)snap->ram_offset);
  if (ram == MAP_FAILED)
    return fail(err, errlen, "cannot map the RAM");
  void *copy =
      !pristine ? NULL
                : mmap(NULL, snap->ram_size, PROT_READ, MAP_PRIVATE, fd, (off_t)snap->ram_offset);
  if (copy == MAP_FAILED) {
    munmap(ram, snap->ram_size);
    return fail(err, errlen, "cannot map the RAM");
  }
  *mem = (struct guest_mem){.base = ram, .size = snap->ram_size, .fd = -1};
  snap->ram = copy;
  return 0;
}

int snapshot_file_read(const char *path, struct snapshot *snap, struct guest_mem *mem, char *err,
                       size_t errlen) {
  int fd = snapshot_file_open(path, snap, err, errlen);
  if (fd < 0)
    return -1;
  int rc = snapshot_file_map(fd, snap, mem, true, err, errlen);
  close(fd);
  return rc;
}
