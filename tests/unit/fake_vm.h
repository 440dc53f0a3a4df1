/* fake_vm.h: a VM without KVM for hypercall tests: RAM on the heap, console into temp files. */
#ifndef UNIKVM_TEST_FAKE_VM_H
#define UNIKVM_TEST_FAKE_VM_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
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

/* Gives F the NIC NET, whose backend is one end of a socketpair; *PEER gets the other end
 * (what a tap or the user-mode helper would see). MESSAGE_SOCKET: batched like the helper's
 * socket, else one frame per call like a tap. */
static inline int fake_vm_add_nic(struct fake_vm *f, struct net_device *net, bool message_socket,
                                  uint16_t mtu, int *peer) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) < 0)
    return -1;
  *net = (struct net_device){.fd = sv[0], .message_socket = message_socket, .mtu = mtu};
  *peer = sv[1];
  f->vm.net = net;
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
