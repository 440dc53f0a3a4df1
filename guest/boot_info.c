/* boot_info.c: decides whether the boot info the host passed can be used by this image. */
#include <guest/boot.h>
#include <guest/platform.h>
#include <stddef.h>

const char *guest_boot_info_check(const struct unikvm_boot_info *bi) {
  /* Page 0 is never mapped: reading through NULL would fault, not report. */
  if (bi == NULL)
    return "no boot info (rdi = 0)";
  if (bi->magic != UNIKVM_BOOT_MAGIC)
    return "bad magic: this image was started by something other than unikvm";
  if (bi->abi_version != UNIKVM_ABI_VERSION)
    return "ABI version mismatch: host and image speak different versions";
  if (bi->platform != platform_kind)
    return "booted by another platform than the one this image is linked for (hvt or virtio)";
  if (bi->tsc_hz == 0)
    return "TSC frequency is 0";
  if (bi->ram_size > UNIKVM_MEM_MAX || bi->stack_top > bi->ram_size ||
      bi->stack_top < UNIKVM_STACK_SIZE)
    return "stack is not inside RAM";
  if (bi->argc > 0 && bi->argv == 0)
    return "argc > 0 but no argv";
  return NULL;
}
