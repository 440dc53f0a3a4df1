/* fake_vm.h: a VM without KVM for hypercall tests: RAM on the heap, console into temp files. */
#ifndef UNIKVM_TEST_FAKE_VM_H
#define UNIKVM_TEST_FAKE_VM_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm.h"

struct fake_vm {
  struct vm vm;
  FILE *out, *err; /* what the guest and unikvm wrote to stdout and stderr */
};

static inline int fake_vm_init(struct fake_vm *f, uint64_t ram) {
  memset(f, 0, sizeof(*f));
  f->vm.mem.base = calloc(1, ram);
  f->vm.mem.size = ram;
  f->vm.mem.fd = -1;
  f->out = tmpfile();
  f->err = tmpfile();
  if (!f->vm.mem.base || !f->out || !f->err)
    return -1;
  f->vm.console_out_fd = fileno(f->out);
  f->vm.console_err_fd = fileno(f->err);
  return 0;
}

static inline void fake_vm_free(struct fake_vm *f) {
  free(f->vm.mem.base);
  fclose(f->out);
  fclose(f->err);
}

static inline void *fake_vm_at(struct fake_vm *f, uint64_t gpa) {
  return f->vm.mem.base + gpa;
}

/* Everything written to FILE so far, as a string (static buffer). */
static inline const char *fake_vm_text(FILE *file) {
  static char buf[2048];
  ssize_t n = pread(fileno(file), buf, sizeof(buf) - 1, 0);
  buf[n > 0 ? n : 0] = 0;
  return buf;
}

#endif
