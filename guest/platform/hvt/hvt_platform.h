/* hvt_platform.h: the hvt devices' set-up from the boot info, called by platform_init. */
#ifndef HVT_PLATFORM_H
#define HVT_PLATFORM_H

#include <unikvm/abi.h>

void hvt_net_init(const struct unikvm_boot_info *bi);
void hvt_blk_init(const struct unikvm_boot_info *bi);

#endif
