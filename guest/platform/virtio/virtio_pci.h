/* virtio_pci.h: finds the virtio devices on the PCI bus through config ports 0xcf8/0xcfc. */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <stdint.h>

#define PCI_VENDOR_VIRTIO 0x1af4u
/* Legacy (transitional) virtio device IDs: the I/O BAR interface. */
#define PCI_DEVICE_VIRTIO_NET 0x1000u
#define PCI_DEVICE_VIRTIO_BLK 0x1001u

/*
 * Finds the first function with this vendor and device ID, on bus 0 and
 * behind any bridges; enables its I/O decoding and bus mastering and
 * returns the base of its I/O BAR 0, or 0 if there is no such device.
 */
uint16_t pci_find_io_device(uint16_t vendor, uint16_t device);

#endif
