/* clock.c: wall clock and the idle poll that sleeps until an event or a deadline. */
#include <errno.h>
#include <time.h>

#include "exit_status.h"
#include "hypercall.h"

int hc_walltime(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_walltime, arg);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  arg->ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  return 0;
}

int hc_poll(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_poll, arg);
  uint64_t timeout_ns = arg->timeout_ns;
  /* No device can wake the guest yet, so an endless wait is a deadlock. */
  if (timeout_ns == UINT64_MAX)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest",
                   "hypercall poll: waits forever with no device to wake it");
  /* An absolute deadline, so a signal that interrupts the sleep does not
   * restart the whole timeout. */
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += (time_t)(timeout_ns / 1000000000u);
  deadline.tv_nsec += (long)(timeout_ns % 1000000000u);
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000;
  }
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
    ;
  arg->ready = 0;
  return 0;
}
