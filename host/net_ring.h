/* net_ring.h: the NIC's shared rings: a host thread moves frames while the guest runs, no exits. */
#ifndef UNIKVM_NET_RING_H
#define UNIKVM_NET_RING_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct vm;
struct net_device;
struct net_ring;

/*
 * Makes NET's ring thread (before the sandbox closes: it is one more thread
 * under the same filter). It sleeps until the guest offers its rings, then
 * polls the backend and the tx ring for POLL_NS after each frame before it
 * sleeps in ppoll. 0, or -1 with ERR.
 */
int net_ring_start(struct vm *vm, struct net_device *net, uint64_t poll_ns, char *err,
                   size_t errlen);

/* The NET_RING hypercall: the guest offers its rings (see include/unikvm/abi.h). */
int net_ring_offer(struct vm *vm, struct net_ring *ring, uint64_t gpa, uint32_t slots,
                   uint32_t *poll_ns);

/* True once the guest's rings are in use: NET_IO is refused and POLL means net_ring_wait. */
bool net_ring_active(const struct net_ring *ring);

/*
 * POLL with rings: sends what tx holds, then sleeps until a frame is in rx
 * or TIMEOUT_NS passes. Returns enum unikvm_ready bits; stops the VM (and
 * returns 0) if the ring thread found the guest's rings broken.
 */
uint64_t net_ring_wait(struct vm *vm, struct net_ring *ring, uint64_t timeout_ns);

/* Stops and joins the thread (tx frames the guest did not flush stay unsent). */
void net_ring_stop(struct net_ring *ring);

/* Frees a stopped ring (unikvm itself leaves that to its exit). */
void net_ring_free(struct net_ring *ring);

/* The eventfds the thread and the vCPU signal each other with (for the sandbox). */
void net_ring_fds(const struct net_ring *ring, int fds[2]);

/* One "unikvm: stats: net_ring ..." line for --stats. */
void net_ring_print_stats(const struct net_ring *ring, FILE *out);

/* The ring thread (to place it beside the vCPU's CPU). */
pthread_t net_ring_thread(const struct net_ring *r);

#endif
