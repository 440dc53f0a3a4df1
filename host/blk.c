/* blk.c: the BLK_IO hypercall: a batch of sector reads, writes and flushes on a host file. */
#include "blk.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/aio_abi.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "blk_async.h"
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
    if (blk->fd >= 0)
      close(blk->fd);
    return -1;
  }
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
    snprintf(err, errlen, "%s: not a regular file or block device", path);
    close(blk->fd);
    return -1;
  }
  off_t size = S_ISBLK(st.st_mode) ? lseek(blk->fd, 0, SEEK_END) : st.st_size;
  blk->sectors = (uint64_t)size / BLK_SECTOR_SIZE;
  if (blk->sectors == 0) {
    snprintf(err, errlen, "%s: smaller than one %u-byte sector", path, BLK_SECTOR_SIZE);
    close(blk->fd);
    return -1;
  }
  /* Without AIO (a kernel without it, or aio-max-nr reached) requests run one at a time. */
  aio_context_t ctx = 0;
  blk->iocbs = calloc(UNIKVM_BLK_BATCH_MAX, sizeof(*blk->iocbs));
  if (blk->iocbs && syscall(SYS_io_setup, UNIKVM_BLK_BATCH_MAX, &ctx) == 0)
    blk->aio = ctx;
  /* Started now, before the system-call filter, which it then shares: without it, READ_ASYNC
   * requests run at once. */
  blk->async = blk_async_start(blk->fd);
  return 0;
}

void blk_drain(struct blk_device *blk) {
  if (blk)
    blk_async_drain(blk->async);
}

void blk_close(struct blk_device *blk) {
  blk_async_stop(blk->async);
  blk->async = NULL;
  if (blk->aio)
    syscall(SYS_io_destroy, blk->aio);
  free(blk->iocbs);
  if (blk->fd >= 0)
    close(blk->fd);
  blk->aio = 0;
  blk->iocbs = NULL;
  blk->fd = -1;
}

int blk_transfer(int fd, bool write, uint8_t *buf, size_t len, uint64_t off) {
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

/* A checked read or write, ready to run. */
struct job {
  uint8_t *buf;
  uint64_t off, end; /* bytes on the disk: [off, end) */
  bool write;
};

/*
 * Checks request r: 0 and *job filled when it is a read or write to run,
 * a negative error for the guest, 1 when the VM must stop.
 */
static int64_t check_request(struct vm *vm, struct blk_device *blk, const struct unikvm_blk_req *r,
                             struct job *job) {
  uint32_t op = r->op, len = r->len;
  uint64_t sector = r->sector, gpa = r->data, end;
  if (op != UNIKVM_BLK_READ && op != UNIKVM_BLK_WRITE && op != UNIKVM_BLK_READ_ASYNC)
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
  *job = (struct job){buf, sector * BLK_SECTOR_SIZE, end * BLK_SECTOR_SIZE, op == UNIKVM_BLK_WRITE};
  return 0;
}

/* Whether job j must wait for one of group[0..n): they overlap and one of them writes. */
static bool conflicts(const struct job *jobs, const uint32_t *group, uint32_t n, uint32_t j) {
  for (uint32_t k = 0; k < n; k++) {
    const struct job *a = &jobs[group[k]], *b = &jobs[j];
    if ((a->write || b->write) && a->off < b->end && b->off < a->end)
      return true;
  }
  return false;
}

/*
 * A large read from the host's page cache is a memory copy: the read
 * thread copies part of it on the other core (the disk's own queue gains
 * nothing from that for O_DIRECT, which AIO keeps busy instead).
 */
#define SHARED_READ_MIN (1u << 20)

static bool shared_read(const struct blk_device *blk, const struct job *j) {
  return blk->async && !blk->direct && !j->write && j->end - j->off >= SHARED_READ_MIN;
}

static int run_job(struct blk_device *blk, const struct job *j) {
  if (shared_read(blk, j)) {
    blk->shared_reads++;
    return blk_async_read_shared(blk->async, j->buf, (size_t)(j->end - j->off), j->off);
  }
  return blk_transfer(blk->fd, j->write, j->buf, (size_t)(j->end - j->off), j->off);
}

/* Finishes one AIO completion: a short transfer is completed synchronously (EOF: -EIO). */
static int64_t aio_result(struct blk_device *blk, const struct job *j, int64_t res) {
  uint64_t len = j->end - j->off;
  if (res < 0 || (uint64_t)res >= len)
    return res < 0 ? res : 0;
  return blk_transfer(blk->fd, j->write, j->buf + res, (size_t)(len - (uint64_t)res),
                      j->off + (uint64_t)res);
}

/*
 * Runs group[0..n), requests that do not depend on each other, with every
 * one in flight at once through kernel AIO (which for O_DIRECT reaches the
 * host's device queue); rets[group[k]] gets each result. Without AIO, or
 * for a single request, they run one after the other.
 */
static void run_group(struct blk_device *blk, const struct job *jobs, const uint32_t *group,
                      uint32_t n, int64_t *rets) {
  uint32_t submitted = 0, order[UNIKVM_BLK_BATCH_MAX], in_aio = 0;
  /* The requests for AIO first; shared reads after them, run on this thread and the other. */
  for (uint32_t k = 0; k < n; k++)
    if (!shared_read(blk, &jobs[group[k]]))
      order[in_aio++] = k;
  for (uint32_t k = 0, next = in_aio; k < n; k++)
    if (shared_read(blk, &jobs[group[k]]))
      order[next++] = k;
  if (blk->aio && in_aio > 1) {
    struct iocb *ptrs[UNIKVM_BLK_BATCH_MAX];
    for (uint32_t k = 0; k < in_aio; k++) {
      const struct job *j = &jobs[group[order[k]]];
      blk->iocbs[k] = (struct iocb){
          .aio_data = order[k],
          .aio_lio_opcode = j->write ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD,
          .aio_fildes = (uint32_t)blk->fd,
          .aio_buf = (uint64_t)(uintptr_t)j->buf,
          .aio_nbytes = j->end - j->off,
          .aio_offset = (int64_t)j->off,
      };
      ptrs[k] = &blk->iocbs[k];
    }
    while (submitted < in_aio) {
      long got = syscall(SYS_io_submit, blk->aio, (long)(in_aio - submitted), ptrs + submitted);
      if (got > 0)
        submitted += (uint32_t)got;
      else if (got < 0 && errno == EINTR)
        continue;
      else
        break; /* EAGAIN and the like: the rest run synchronously below */
    }
  }
  /* Independent of the ones in flight, so they may run meanwhile. */
  for (uint32_t k = submitted; k < n; k++)
    rets[group[order[k]]] = run_job(blk, &jobs[group[order[k]]]);
  if (submitted > blk->max_in_flight)
    blk->max_in_flight = submitted;
  struct io_event events[UNIKVM_BLK_BATCH_MAX];
  for (uint32_t left = submitted; left > 0;) {
    long got = syscall(SYS_io_getevents, blk->aio, 1L, (long)left, events, NULL);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      /* Cannot happen with a valid context; fail what is left rather than hang. */
      for (uint32_t k = 0; k < submitted; k++)
        if (rets[group[order[k]]] == 1)
          rets[group[order[k]]] = -EIO;
      return;
    }
    for (long e = 0; e < got; e++) {
      uint32_t k = (uint32_t)events[e].data;
      rets[group[k]] = aio_result(blk, &jobs[group[k]], events[e].res);
    }
    left -= (uint32_t)got;
  }
}

/* What a request of a batch is, read from guest RAM once. */
enum kind { SYNC, FLUSH, ASYNC, WAIT };

/* Queues the checked READ_ASYNC request I (its struct at REQ_GPA), or runs it at once when the
 * device has no read thread. */
static void post_async(struct blk_device *blk, struct unikvm_blk_req *req, uint64_t req_gpa,
                       const struct job *j) {
  struct blk_async_job job = {.buf = j->buf,
                              .off = j->off,
                              .len = (uint32_t)(j->end - j->off),
                              .ret = &req->ret,
                              .ret_gpa = req_gpa + offsetof(struct unikvm_blk_req, ret)};
  /* Pending first: the thread may complete it before this returns. */
  __atomic_store_n(&req->ret, (int64_t)UNIKVM_BLK_PENDING, __ATOMIC_RELEASE);
  blk->async_reads++;
  if (blk->async)
    blk_async_post(blk->async, &job);
  else
    blk_async_run(blk->fd, &job);
}

/*
 * Runs reqs[0..count) (at REQS_GPA) with the effect of running them in
 * order: requests go out together until one overlaps a write among them
 * (or is a write overlapping them) or a FLUSH comes; those wait until
 * everything before them completed. Then the READ_ASYNC requests are
 * queued, then the WAITs wait. Returns -1 when the VM must stop (nothing
 * ran then).
 */
static int run_batch(struct vm *vm, struct blk_device *blk, struct unikvm_blk_req *reqs,
                     uint64_t reqs_gpa, uint32_t count) {
  struct job jobs[UNIKVM_BLK_BATCH_MAX];
  int64_t rets[UNIKVM_BLK_BATCH_MAX];
  uint32_t group[UNIKVM_BLK_BATCH_MAX], n = 0;
  /* Each request is read from guest RAM once: a read earlier in the batch may overwrite it. */
  uint8_t kinds[UNIKVM_BLK_BATCH_MAX];
  uint64_t waits[UNIKVM_BLK_BATCH_MAX];
  for (uint32_t i = 0; i < count; i++) {
    uint32_t op = reqs[i].op;
    kinds[i] = op == UNIKVM_BLK_FLUSH        ? FLUSH
               : op == UNIKVM_BLK_WAIT       ? WAIT
               : op == UNIKVM_BLK_READ_ASYNC ? ASYNC
                                             : SYNC;
    if (kinds[i] == WAIT) {
      waits[i] = reqs[i].data + offsetof(struct unikvm_blk_req, ret);
      rets[i] = 0;
      continue;
    }
    /* Pending (1) until run, unless the check fails; a FLUSH is checked when it runs. */
    rets[i] = kinds[i] == FLUSH ? 1 : check_request(vm, blk, &reqs[i], &jobs[i]);
    if (rets[i] == 1 && kinds[i] != FLUSH)
      return -1;
    if (rets[i] == 0)
      rets[i] = 1;
  }
  for (uint32_t i = 0; i <= count; i++) {
    bool flush = i < count && kinds[i] == FLUSH;
    bool pending = i < count && kinds[i] == SYNC && rets[i] == 1;
    if (n > 0 && (i == count || flush || (pending && conflicts(jobs, group, n, i)))) {
      run_group(blk, jobs, group, n, rets);
      n = 0;
    }
    if (flush) {
      blk->flushes++;
      rets[i] = fdatasync(blk->fd) < 0 ? -errno : 0;
    } else if (pending) {
      jobs[i].write ? blk->writes++ : blk->reads++;
      group[n++] = i;
    }
  }
  for (uint32_t i = 0; i < count; i++) {
    if (rets[i] < 0)
      blk->errors++;
    if (kinds[i] == ASYNC && rets[i] == 1)
      post_async(blk, &reqs[i], reqs_gpa + i * sizeof(*reqs), &jobs[i]);
    else
      reqs[i].ret = rets[i];
  }
  for (uint32_t i = 0; i < count; i++)
    if (kinds[i] == WAIT && blk->async) {
      blk->async_waits++;
      blk_async_wait(blk->async, waits[i]);
    }
  return 0;
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
  struct unikvm_blk_req *reqs = hc_guest_structs(vm, "blk_io", reqs_gpa, count, sizeof(*reqs),
                                                 _Alignof(struct unikvm_blk_req));
  if (!reqs)
    return -1;
  if (run_batch(vm, blk, reqs, reqs_gpa, count) < 0)
    return -1;
  arg->done = count;
  return 0;
}

void blk_print_stats(const struct blk_device *blk, FILE *out) {
  fprintf(out,
          "unikvm: stats: blk reads=%" PRIu64 " writes=%" PRIu64 " flushes=%" PRIu64
          " errors=%" PRIu64 " max_in_flight=%" PRIu64 " async_reads=%" PRIu64
          " async_waits=%" PRIu64 " shared_reads=%" PRIu64 "\n",
          blk->reads, blk->writes, blk->flushes, blk->errors, blk->max_in_flight, blk->async_reads,
          blk->async_waits, blk->shared_reads);
}
