/* cpu_pin.c: the vCPU thread on a CPU of its own, the host's device threads beside it. */
#include "cpu_pin.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

/*
 * A guest that polls its NIC's rings keeps its vCPU busy between requests,
 * and whatever shares that CPU (the client of a benchmark, the ring thread)
 * runs only when the guest gives it up, at the cost of a VM exit each time
 * (tens of microseconds on nested hosts). Left to itself the scheduler
 * sometimes puts a client there and keeps it there. Pinned, the vCPU keeps
 * its CPU, the device threads and everything else the scheduler places go
 * to the others, and exchanges need no exit and no cross-CPU wake-up. The
 * disk's read thread, which copies half of each large read, likewise helps
 * only from another CPU (sha256 of an ext4 file: 0.99x native pinned, 1.02-
 * 1.05x when it may land on the vCPU's). Not an O_DIRECT disk's: its writes
 * complete by the host device's interrupts, whose wake-ups of a pinned vCPU
 * thread then cross CPUs (diskbench -q 1: 4.3-4.6 k IOPS pinned, 5.6-6.4 k
 * not).
 */
int cpu_pin_threads(int pin, const pthread_t *helpers, size_t n_helpers, struct cpu_pin *out,
                    char *err, size_t errlen) {
  *out = (struct cpu_pin){.vcpu_cpu = -1};
  cpu_set_t allowed;
  if (pin == OPTIONS_PIN_OFF || (pin == OPTIONS_PIN_AUTO && n_helpers == 0))
    return 0;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0) {
    snprintf(err, errlen, "sched_getaffinity: %s", strerror(errno));
    return -1;
  }
  int count = CPU_COUNT(&allowed), vcpu = pin;
  if (pin == OPTIONS_PIN_AUTO) {
    if (count < 2)
      return 0;
    vcpu = sched_getcpu();
    if (vcpu < 0 || !CPU_ISSET(vcpu, &allowed))
      return 0; /* no CPU to keep: leave placement to the scheduler */
  } else if (!CPU_ISSET(vcpu, &allowed)) {
    snprintf(err, errlen, "CPU %d is not one this process may run on (%d allowed)", vcpu, count);
    return -1;
  }
  cpu_set_t one, others = allowed;
  CPU_ZERO(&one);
  CPU_SET(vcpu, &one);
  if (count > 1)
    CPU_CLR(vcpu, &others); /* with one CPU allowed the threads can only share it */
  if (sched_setaffinity(0, sizeof(one), &one) < 0) {
    snprintf(err, errlen, "sched_setaffinity: %s", strerror(errno));
    return -1;
  }
  for (size_t i = 0; i < n_helpers; i++) {
    int rc = pthread_setaffinity_np(helpers[i], sizeof(others), &others);
    if (rc != 0) {
      snprintf(err, errlen, "pthread_setaffinity_np: %s", strerror(rc));
      return -1;
    }
  }
  *out = (struct cpu_pin){.vcpu_cpu = vcpu, .helper_cpus = CPU_COUNT(&others)};
  return 0;
}
