/* platform.h: what each platform (hvt hypercalls, later virtio) provides to the guest core. */
#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/*
 * Block until a device is ready or timeout_ns has passed; returns the
 * bitmask of ready devices (0 on timeout). Never called with UINT64_MAX.
 */
uint64_t platform_poll(uint64_t timeout_ns);

/* Asks the host for CLOCK_REALTIME (ns since the epoch); costs a VM exit. */
uint64_t platform_walltime_ns(void);

/* Ends the VM; the low 8 bits of status become the host's exit status. */
noreturn void platform_exit(int status);

/* Ends the VM with a failure status after the host prints msg. */
noreturn void platform_abort(const char *msg, size_t len);

#endif
