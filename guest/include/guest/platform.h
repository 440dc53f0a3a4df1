/* platform.h: what each platform (hvt hypercalls, later virtio) provides to the guest core. */
#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

struct unikvm_boot_info;

/* The boot info's platform (enum unikvm_platform) that this platform layer serves. */
extern const uint32_t platform_kind;

/* Takes the platform's devices from the boot info (no VM exit). */
void platform_init(const struct unikvm_boot_info *bi);

/*
 * Block until a device is ready or timeout_ns has passed; returns the
 * bitmask of ready devices (enum unikvm_ready, 0 on timeout). UINT64_MAX
 * waits for a device and is only allowed when platform_has_events().
 * Frames queued on the NIC leave with this same exit.
 */
uint64_t platform_poll(uint64_t timeout_ns);

/* True when a device (the NIC) can end a poll, so that waiting with no deadline is no deadlock. */
bool platform_has_events(void);

/* CPU time the VM has used, in ns (what clock() reports natively); costs a VM exit. */
uint64_t platform_cputime_ns(void);

/* Asks the host for CLOCK_REALTIME (ns since the epoch); costs a VM exit. */
uint64_t platform_walltime_ns(void);

/* Ends the VM; the low 8 bits of status become the host's exit status. */
noreturn void platform_exit(int status);

/* Ends the VM with a failure status after the host prints msg. */
noreturn void platform_abort(const char *msg, size_t len);

#endif
