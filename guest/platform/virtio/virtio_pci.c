/* virtio_pci.c: PCI configuration space through ports 0xcf8/0xcfc, and a walk of the buses. */
#include "virtio_pci.h"

#include "virtio_io.h"

#define PCI_CONFIG_ADDR 0xcf8u
#define PCI_CONFIG_DATA 0xcfcu
#define PCI_BUSES_MAX   32u /* buses visited: q35 with a few bridges uses fewer */

#define PCI_ID          0x00u
#define PCI_COMMAND     0x04u
#define PCI_CLASS       0x08u /* revision, prog-if, subclass, class */
#define PCI_HEADER_TYPE 0x0eu
#define PCI_BAR0        0x10u
#define PCI_SECONDARY   0x19u /* bridges: the bus behind them */

#define PCI_COMMAND_IO     0x1u
#define PCI_COMMAND_MASTER 0x4u

static uint32_t addr_of(unsigned bus, unsigned dev, unsigned fn, unsigned off) {
  return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfcu);
}

static uint32_t cfg_read32(unsigned bus, unsigned dev, unsigned fn, unsigned off) {
  io_out32(PCI_CONFIG_ADDR, addr_of(bus, dev, fn, off));
  return io_in32(PCI_CONFIG_DATA);
}

static void cfg_write16(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint16_t v) {
  io_out32(PCI_CONFIG_ADDR, addr_of(bus, dev, fn, off));
  io_out16((uint16_t)(PCI_CONFIG_DATA + (off & 2u)), v);
}

static uint8_t cfg_read8(unsigned bus, unsigned dev, unsigned fn, unsigned off) {
  return (uint8_t)(cfg_read32(bus, dev, fn, off) >> ((off & 3u) * 8));
}

/* Turns on what the driver needs; the firmware may have left it off after ExitBootServices. */
static uint16_t enable(unsigned bus, unsigned dev, unsigned fn) {
  uint32_t bar = cfg_read32(bus, dev, fn, PCI_BAR0);
  if (!(bar & 1u))
    return 0; /* not an I/O BAR: a modern-only device */
  uint16_t cmd = (uint16_t)cfg_read32(bus, dev, fn, PCI_COMMAND);
  cfg_write16(bus, dev, fn, PCI_COMMAND, cmd | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
  return (uint16_t)(bar & ~3u);
}

uint16_t pci_find_io_device(uint16_t vendor, uint16_t device) {
  uint8_t buses[PCI_BUSES_MAX] = {0};
  unsigned nbuses = 1;
  for (unsigned b = 0; b < nbuses; b++) {
    for (unsigned dev = 0; dev < 32; dev++) {
      unsigned fns = cfg_read8(buses[b], dev, 0, PCI_HEADER_TYPE) & 0x80u ? 8 : 1;
      for (unsigned fn = 0; fn < fns; fn++) {
        uint32_t id = cfg_read32(buses[b], dev, fn, PCI_ID);
        if ((id & 0xffffu) == 0xffffu)
          continue;
        if ((id & 0xffffu) == vendor && id >> 16 == device)
          return enable(buses[b], dev, fn);
        /* A PCI-to-PCI bridge (class 6, subclass 4): its secondary bus is next. */
        if (cfg_read32(buses[b], dev, fn, PCI_CLASS) >> 16 == 0x0604u && nbuses < PCI_BUSES_MAX)
          buses[nbuses++] = cfg_read8(buses[b], dev, fn, PCI_SECONDARY);
      }
    }
  }
  return 0;
}
