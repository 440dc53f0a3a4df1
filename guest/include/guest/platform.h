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

/* What the host answers each time a snapshot call returns (see unikvm/abi.h). */
struct platform_snapshot {
  uint64_t generation; /* 0 in the VM that took it; > 0 after each restore or reset */
  uint32_t mode;       /* enum unikvm_snapshot_mode bits */
  uint8_t entropy[32];
};

/* Offers the host a snapshot point. Fills S and returns 0 each time the call returns (once,
 * then after every restore or reset), or -1 where the platform has no snapshots. */
int platform_snapshot(struct platform_snapshot *s);

/* One request is over: under reset-per-request the host resumes the snapshot instead. */
void platform_request_done(void);

/* Ends the VM; the low 8 bits of status become the host's exit status. */
noreturn void platform_exit(int status);

/* Ends the VM with a failure status after the host prints msg. */
noreturn void platform_abort(const char *msg, size_t len);

#endif
