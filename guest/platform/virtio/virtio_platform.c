/* virtio_platform.c: platform_init on the virtio platform: the devices QEMU put on the PCI bus. */
#include <guest/platform.h>
#include <unikvm/abi.h>

#include "virtio_pci.h"
#include "virtio_platform.h"

/* The boot info's platform this layer serves (guest_boot_info_check compares). */
const uint32_t platform_kind = UNIKVM_PLATFORM_VIRTIO;

/* The boot info carries no devices here: the loader leaves finding them to the kernel. */
void platform_init(const struct unikvm_boot_info *bi) {
  (void)bi;
  virtio_net_probe(pci_find_io_device(PCI_VENDOR_VIRTIO, PCI_DEVICE_VIRTIO_NET));
  virtio_blk_probe(pci_find_io_device(PCI_VENDOR_VIRTIO, PCI_DEVICE_VIRTIO_BLK));
}
