/* console.c: console device: the guest's stdout and stderr. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "exit_status.h"
#include "fd_printf.h"
#include "hypercall.h"

/* Writes all of BUF, retrying short writes; returns 0 or -errno. */
static int write_all(int fd, const uint8_t *buf, uint64_t len) {
  while (len) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -errno;
    buf += n;
    len -= (uint64_t)n;
  }
  return 0;
}

int hc_console_write(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_console_write, arg);
  uint64_t data_gpa = arg->data, len = arg->len;
  const uint8_t *data = guest_mem_ptr(&vm->mem, data_gpa, len);
  if (!data)
    return hc_bad_address(vm, __func__, data_gpa, len);
  int fd;
  switch (arg->stream) {
  case UNIKVM_CONSOLE_STDOUT:
    fd = vm->console_out_fd;
    break;
  case UNIKVM_CONSOLE_STDERR:
    fd = vm->console_err_fd;
    break;
  default:
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "hypercall console_write: unknown stream %u",
                   arg->stream);
  }
  /* Past --console-limit output is dropped, once with a notice, so that a
   * guest flooding its console cannot fill the disk a log file lives on. The
   * guest is told it was written: it has nothing better to do about it. */
  uint64_t keep = len;
  if (vm->console_limit) {
    uint64_t room =
        vm->console_bytes < vm->console_limit ? vm->console_limit - vm->console_bytes : 0;
    if (keep > room) {
      keep = room;
      if (!vm->console_dropped)
        fd_printf(vm->console_err_fd,
                  "unikvm: console: guest output reached --console-limit (%" PRIu64
                  " bytes); the rest is dropped\n",
                  vm->console_limit);
      vm->console_dropped += len - keep;
    }
    vm->console_bytes += keep;
  }
  /* A closed host stdout (EPIPE) is the guest's problem to handle, not ours. */
  int err = write_all(fd, data, keep);
  arg->ret = err ? err : (int64_t)len;
  return 0;
}
