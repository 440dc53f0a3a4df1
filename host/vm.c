/* vm.c: ending a VM with a one-line reason. */
#include "vm.h"

#include <stdarg.h>
#include <stdio.h>

int vm_fail(struct vm *vm, int status, const char *what, const char *fmt, ...) {
  char why[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  dprintf(vm->console_err_fd, "unikvm: %s: %s\n", what, why);
  vm->stopped = true;
  vm->exit_status = status;
  return -1;
}
