/* cpu_pin.h: the vCPU thread on a CPU of its own, the host's device threads beside it. */
#ifndef UNIKVM_CPU_PIN_H
#define UNIKVM_CPU_PIN_H

#include <pthread.h>
#include <stddef.h>

/* Where the threads went (for --stats); vcpu_cpu is -1 when nothing was pinned. */
struct cpu_pin {
  int vcpu_cpu;
  int helper_cpus; /* how many CPUs the device threads may use */
};

/*
 * Pins the calling thread (the vCPU's) to CPU PIN, or with OPTIONS_PIN_AUTO
 * (when there are device threads, on two CPUs or more) to the CPU it runs
 * on, and the N_HELPERS device threads (the NIC's ring thread, the read
 * thread of a disk without O_DIRECT) to the other CPUs this process may use. Nothing happens with
 * OPTIONS_PIN_OFF. Returns 0, or -1 with a one-line reason in ERR (a CPU
 * this process may not use). Before the sandbox: it takes sched_setaffinity.
 */
int cpu_pin_threads(int pin, const pthread_t *helpers, size_t n_helpers, struct cpu_pin *out,
                    char *err, size_t errlen);

#endif
