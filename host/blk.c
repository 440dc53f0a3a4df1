/* blk.c: the BLK_IO hypercall: a batch of sector reads, writes and flushes on a host file. */
#include "blk.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exit_status.h"
#include "hypercall.h"

int blk_open(struct blk_device *blk, const char *spec, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof(path), "%s", spec);
  memset(blk, 0, sizeof(*blk));
  /* FILE[,ro][,direct]: a path that contains a comma is not supported. */
  char *opts = strchr(path, ',');
  if (opts)
    *opts++ = 0;
  for (char *save = NULL, *opt = opts ? strtok_r(opts, ",", &save) : NULL; opt;
       opt = strtok_r(NULL, ",", &save)) {
    if (strcmp(opt, "ro") == 0)
      blk->readonly = true;
    else if (strcmp(opt, "direct") == 0)
      blk->direct = true;
    else {
      snprintf(err, errlen, "%s: unknown option '%s' (ro, direct)", spec, opt);
      return -2;
    }
  }
  int flags = (blk->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | (blk->direct ? O_DIRECT : 0);
  blk->fd = open(path, flags);
  struct stat st;
  if (blk->fd < 0 || fstat(blk->fd, &st) < 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
    snprintf(err, errlen, "%s: not a regular file or block device", path);
    return -1;
  }
  off_t size = S_ISBLK(st.st_mode) ? lseek(blk->fd, 0, SEEK_END) : st.st_size;
  blk->sectors = (uint64_t)size / BLK_SECTOR_SIZE;
  if (blk->sectors == 0) {
    snprintf(err, errlen, "%s: smaller than one %u-byte sector", path, BLK_SECTOR_SIZE);
    return -1;
  }
  return 0;
}

/* Full pread/pwrite: short transfers are retried, EOF is an I/O error. */
static int transfer(int fd, bool write, uint8_t *buf, size_t len, uint64_t off) {
  while (len) {
    ssize_t n = write ? pwrite(fd, buf, len, (off_t)off) : pread(fd, buf, len, (off_t)off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n < 0 ? -errno : -EIO;
    buf += n;
    len -= (size_t)n;
    off += (uint64_t)n;
  }
  return 0;
}

/* Checks and runs one request; returns its ret, or 1 when the VM must stop. */
static int64_t run_request(struct vm *vm, struct blk_device *blk, const struct unikvm_blk_req *r) {
  uint32_t op = r->op, len = r->len;
  uint64_t sector = r->sector, gpa = r->data, end;
  if (op == UNIKVM_BLK_FLUSH) {
    blk->flushes++;
    return fdatasync(blk->fd) < 0 ? -errno : 0;
  }
  if (op != UNIKVM_BLK_READ && op != UNIKVM_BLK_WRITE)
    return -UNIKVM_EINVAL;
  uint8_t *buf = guest_mem_ptr(&vm->mem, gpa, len);
  if (!buf) {
    hc_bad_address(vm, "blk_io", gpa, len);
    return 1;
  }
  /* Whole sectors inside the disk; O_DIRECT also needs an aligned buffer. */
  if (len == 0 || len % BLK_SECTOR_SIZE ||
      __builtin_add_overflow(sector, len / BLK_SECTOR_SIZE, &end) || end > blk->sectors ||
      (blk->direct && gpa % BLK_SECTOR_SIZE))
    return -UNIKVM_EINVAL;
  if (op == UNIKVM_BLK_WRITE && blk->readonly)
    return -UNIKVM_EROFS;
  op == UNIKVM_BLK_WRITE ? blk->writes++ : blk->reads++;
  return transfer(blk->fd, op == UNIKVM_BLK_WRITE, buf, len, sector * BLK_SECTOR_SIZE);
}

int hc_blk_io(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_blk_io, arg);
  struct blk_device *blk = vm->blk;
  if (!blk)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "hypercall blk_io: no block device (--disk)");
  uint32_t count = arg->count;
  if (count > UNIKVM_BLK_BATCH_MAX)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest",
                   "hypercall blk_io: batch of %u requests, at most %u", count,
                   UNIKVM_BLK_BATCH_MAX);
  uint64_t reqs_gpa = arg->reqs;
  struct unikvm_blk_req *reqs = guest_mem_ptr(&vm->mem, reqs_gpa, count * sizeof(*reqs));
  if (!reqs)
    return hc_bad_address(vm, "blk_io", reqs_gpa, count * sizeof(*reqs));
  for (uint32_t i = 0; i < count; i++) {
    int64_t ret = run_request(vm, blk, &reqs[i]);
    if (ret == 1)
      return -1;
    if (ret < 0)
      blk->errors++;
    reqs[i].ret = ret;
  }
  arg->done = count;
  return 0;
}

void blk_print_stats(const struct blk_device *blk, FILE *out) {
  fprintf(out,
          "unikvm: stats: blk reads=%" PRIu64 " writes=%" PRIu64 " flushes=%" PRIu64
          " errors=%" PRIu64 "\n",
          blk->reads, blk->writes, blk->flushes, blk->errors);
}
