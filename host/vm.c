/* vm.c: ending a VM with a one-line reason. */
#include "vm.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "fd_printf.h"

int vm_fail(struct vm *vm, int status, const char *what, const char *fmt, ...) {
  char why[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  fd_printf(vm->console_err_fd, "unikvm: %s: %s\n", what, why);
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
  sigaction(SIGALRM, &sa, NULL);
}

int vm_arm_timeout(double seconds) {
  struct itimerval t = {0};
  t.it_value.tv_sec = (time_t)seconds;
  t.it_value.tv_usec = (suseconds_t)((seconds - (double)t.it_value.tv_sec) * 1e6);
  if (t.it_value.tv_sec == 0 && t.it_value.tv_usec == 0)
    t.it_value.tv_usec = 1;
  return setitimer(ITIMER_REAL, &t, NULL);
}
