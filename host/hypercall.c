/* hypercall.c: hypercall table and dispatch; the handlers live in one file per device. */
#include "hypercall.h"

#include <inttypes.h>
#include <string.h>

#include "exit_status.h"
#include "snapshot.h"

static const hypercall_fn handlers[UNIKVM_HC_COUNT] = {
    [UNIKVM_HC_CONSOLE_WRITE] = hc_console_write,
    [UNIKVM_HC_EXIT] = hc_exit,
    [UNIKVM_HC_ABORT] = hc_abort,
    [UNIKVM_HC_WALLTIME] = hc_walltime,
    [UNIKVM_HC_POLL] = hc_poll,
    [UNIKVM_HC_NET_IO] = hc_net_io,
    [UNIKVM_HC_BLK_IO] = hc_blk_io,
    [UNIKVM_HC_CPUTIME] = hc_cputime,
    [UNIKVM_HC_SNAPSHOT] = hc_snapshot,
    [UNIKVM_HC_REQUEST_DONE] = hc_request_done,
    [UNIKVM_HC_NET_RING] = hc_net_ring,
};

/* Handlers are named hc_<hypercall>; messages use the hypercall's name. */
static const char *hypercall_of(const char *handler) {
  return strncmp(handler, "hc_", 3) == 0 ? handler + 3 : handler;
}

int hc_bad_address(struct vm *vm, const char *handler, uint64_t gpa, uint64_t len) {
  return vm_fail(vm, EXIT_GUEST_ABI, "guest",
                 "hypercall %s: address 0x%" PRIx64 "+%" PRIu64 " outside guest RAM (%" PRIu64
                 " bytes)",
                 hypercall_of(handler), gpa, len, vm->mem.size);
}

void *hc_guest_structs(struct vm *vm, const char *handler, uint64_t gpa, uint64_t count,
                       uint64_t size, uint64_t align) {
  void *p = guest_mem_ptr(&vm->mem, gpa, count * size); /* count is at most a batch */
  if (!p) {
    hc_bad_address(vm, handler, gpa, count * size);
    return NULL;
  }
  if (count && gpa % align) {
    vm_fail(vm, EXIT_GUEST_ABI, "guest",
            "hypercall %s: address 0x%" PRIx64 " not %" PRIu64 "-byte aligned",
            hypercall_of(handler), gpa, align);
    return NULL;
  }
  return p;
}

#ifdef UNIKVM_TEST_HOOKS
#include <fcntl.h>
#include <unistd.h>

#include "fd_printf.h"

/* Makes a system call the seccomp filter forbids, so a test can see it stopped. */
static int test_hook_forbidden_syscall(struct vm *vm) {
  int fd = open("/etc/hostname", O_RDONLY);
  fd_printf(vm->console_err_fd, "unikvm: test hook: open(/etc/hostname) returned %d\n", fd);
  if (fd >= 0)
    close(fd);
  return 0;
}
#endif

int hypercall_dispatch(struct vm *vm, uint16_t port, uint32_t size, uint32_t value) {
#ifdef UNIKVM_TEST_HOOKS
  if (port == UNIKVM_HC_TEST_HOOK)
    return test_hook_forbidden_syscall(vm);
#endif
  if (port < UNIKVM_HC_BASE || port >= UNIKVM_HC_BASE + UNIKVM_HC_COUNT)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "write to unknown I/O port 0x%x", port);
  unsigned nr = port - UNIKVM_HC_BASE;
  if (size != 4)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "hypercall %s: %u-byte out, expected 4",
                   hypercall_name(nr), size);
  vm->stats.hypercalls[nr]++;
  return handlers[nr](vm, value);
}
