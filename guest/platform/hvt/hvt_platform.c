/* hvt_platform.c: platform_init on hvt: the devices the host described in the boot info. */
#include <guest/platform.h>

#include "hvt_platform.h"

const uint32_t platform_kind = UNIKVM_PLATFORM_HVT;

void platform_init(const struct unikvm_boot_info *bi) {
  hvt_net_init(bi);
  hvt_blk_init(bi);
}
