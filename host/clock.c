/* clock.c: wall clock and the idle poll that sleeps until an event or a deadline. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <time.h>

#include "clock_ns.h"
#include "exit_status.h"
#include "frame_queue.h"
#include "hypercall.h"
#include "net.h"
#include "net_gate.h"
#include "net_ring.h"

int hc_walltime(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_walltime, arg);
  arg->ns = clock_ns(CLOCK_REALTIME);
  return 0;
}

int hc_cputime(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_cputime, arg);
  arg->ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
  return 0;
}

uint64_t vm_wait_ready(struct vm *vm, uint64_t timeout_ns) {
  bool forever = timeout_ns == UINT64_MAX;
  uint64_t deadline = deadline_after_ns(forever ? 0 : timeout_ns);
  if (!vm->net) {
    /* Absolute, so a signal that interrupts the sleep does not restart it. */
    struct timespec until = timespec_of_ns(deadline);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR &&
           !vm_stop_signal)
      ;
    return 0;
  }
  if (net_ring_active(vm->net->ring))
    return net_ring_wait(vm, vm->net->ring, timeout_ns);
  if (vm->net->gate && net_gate_pending(vm->net->gate))
    return UNIKVM_READY_NET_RX; /* frames the gate released are ready now */
  /* A clone waits for its own queue, not for the backend the dispatcher reads. */
  for (;;) {
    struct pollfd pfd = {.fd = vm->net->rxq ? vm->net->rxq->event_fd : net_watch_fd(vm->net),
                         .events = POLLIN};
    struct timespec left = time_left_until(deadline);
    int n = ppoll(&pfd, 1, forever ? NULL : &left, NULL);
    if (n > 0 && !vm->net->rxq)
      net_note_poll(vm->net, pfd.revents, vm->console_err_fd);
    if (n > 0 && (pfd.revents & POLLIN))
      return UNIKVM_READY_NET_RX;
    if (n > 0)
      continue; /* the backend just went away: wait out the timeout */
    if (n == 0 || errno != EINTR || vm_stop_signal)
      return 0;
  }
}

int hc_poll(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_poll, arg);
  uint64_t timeout_ns = arg->timeout_ns;
  /* Without a device that can wake the guest, an endless wait is a deadlock. */
  if (timeout_ns == UINT64_MAX && !vm->net)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest",
                   "hypercall poll: waits forever with no device to wake it");
  arg->ready = vm_wait_ready(vm, timeout_ns);
  return 0;
}
