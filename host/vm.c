/* vm.c: ending a VM with a one-line reason. */
#include "vm.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

volatile int vm_stop_signal;

static void on_stop_signal(int sig) {
  vm_stop_signal = sig;
}

void vm_catch_signals(void) {
  /* No SA_RESTART: KVM_RUN and the host's waits must return EINTR to notice. */
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_stop_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}
