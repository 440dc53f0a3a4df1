/* lifecycle.c: the guest ending itself: exit and abort. */
#include <stdio.h>

#include "exit_status.h"
#include "hypercall.h"

#define ABORT_MSG_MAX 4096

int hc_exit(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_exit, arg);
  vm->stopped = true;
  vm->exit_status = arg->status & 0xff;
  return -1;
}

int hc_abort(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_abort, arg);
  uint64_t msg_gpa = arg->msg;
  uint64_t len = arg->len > ABORT_MSG_MAX ? ABORT_MSG_MAX : arg->len;
  const char *msg = guest_mem_ptr(&vm->mem, msg_gpa, len);
  if (!msg)
    return hc_bad_address(vm, __func__, msg_gpa, len);
  /* Trailing newlines would break the one-line error format. */
  while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\0'))
    len--;
  /* So would inner ones, and they would let the guest forge "unikvm: ..." lines or send
   * terminal escapes: control bytes are shown as \xNN. A NUL ends the message. */
  static char shown[ABORT_MSG_MAX * 4 + 1];
  size_t n = 0;
  for (uint64_t i = 0; i < len && msg[i]; i++) {
    unsigned char c = (unsigned char)msg[i];
    if (c < 0x20 || c == 0x7f)
      n += (size_t)snprintf(shown + n, sizeof(shown) - n, "\\x%02x", c);
    else
      shown[n++] = (char)c;
  }
  shown[n] = 0;
  return vm_fail(vm, EXIT_GUEST_ABORT, "guest aborted", "%s", shown);
}
