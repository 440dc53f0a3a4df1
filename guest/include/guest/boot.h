/* boot.h: the hand-over from the entry code to the guest core, and from the core to libc. */
#ifndef GUEST_BOOT_H
#define GUEST_BOOT_H

#include <stdnoreturn.h>
#include <unikvm/abi.h>

/* Called by boot/hvt_entry.S with rdi = the boot info. */
noreturn void guest_start(const struct unikvm_boot_info *bi);

/*
 * Checks a boot info against this image; returns NULL when it is usable,
 * else a message saying why not.
 */
const char *guest_boot_info_check(const struct unikvm_boot_info *bi);

/*
 * The next layer up (libc-port): runs constructors, sets up environ and
 * calls exit(main(argc, argv, envp)). The core declares it so that it
 * depends on no libc header.
 */
noreturn void libc_start_main(int argc, char **argv);

#endif
