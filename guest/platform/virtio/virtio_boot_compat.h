/* virtio_boot_compat.h: interim: makes guest/boot_info.c's platform check accept virtio (efi.mk). */
#ifndef VIRTIO_BOOT_COMPAT_H
#define VIRTIO_BOOT_COMPAT_H

/*
 * guest/boot_info.c refuses any boot info whose platform is not
 * UNIKVM_PLATFORM_HVT. Until it compares with the platform layer's
 * platform_kind instead, the virtio images get their own build of that
 * file, in which the name stands for the virtio platform. Force-included
 * (-include) after abi.h has defined the real enum.
 */
#include <unikvm/abi.h>
#define UNIKVM_PLATFORM_HVT UNIKVM_PLATFORM_VIRTIO

#endif
