/* stack.h: the libslirp instance: QEMU's network layout, callbacks, host forwards. */
#ifndef UNIKVM_SLIRP_STACK_H
#define UNIKVM_SLIRP_STACK_H

#include <libslirp.h>
#include <stddef.h>

#include "args.h"

/* Creates the stack for ARGS. Returns NULL with a one-line reason in ERR. */
Slirp *stack_create(const struct args *args, char *err, size_t err_len);

/* Sets up every --hostfwd; returns 0, or -1 with "--hostfwd SPEC: why" in ERR. */
int stack_add_hostfwds(Slirp *slirp, const struct args *args, char *err, size_t err_len);

/* Teaches slirp the guest's MAC for 10.0.2.15, as a gratuitous ARP from the guest would, so
 * the first forwarded connection does not wait for an ARP round trip. */
void stack_announce_guest(Slirp *slirp, const uint8_t mac[6]);

#endif
