/* vm.h: the state of one running guest that hypercall handlers work on. */
#ifndef UNIKVM_VM_H
#define UNIKVM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"
#include "stats.h"

struct vm {
  struct guest_mem mem;
  struct vm_stats stats;
  int console_out_fd; /* guest stdout */
  int console_err_fd; /* guest stderr and host diagnostics */
  /* Set when the guest must stop: its exit status and, on errors, why. */
  bool stopped;
  int exit_status;
};

/*
 * Ends the VM with STATUS and prints "unikvm: <what>: <why>" on stderr.
 * Handlers return its result (-1) so callers can write `return vm_fail(...)`.
 */
int vm_fail(struct vm *vm, int status, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
