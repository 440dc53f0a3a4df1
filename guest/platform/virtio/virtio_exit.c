/* virtio_exit.c: ending the VM on the virtio platform: QEMU's isa-debug-exit device. */
#include <guest/clock.h>
#include <guest/console.h>
#include <guest/fmt.h>
#include <guest/platform.h>

#include "virtio_io.h"
#include "virtio_platform.h"

/* The statuses unikvm uses (README), so scripts read both platforms alike. */
#define EXIT_GUEST_ABORT 134

/* ACPI PM1a control, sleep type S5: q35's PMBASE 0x600, then the i440fx one at 0xb000. */
#define ACPI_PM1A_CNT_Q35  0x604u
#define ACPI_PM1A_CNT_PIIX 0xb004u
#define ACPI_SLP_EN        0x2000u

#define NET_DRAIN_NS 100000000ull /* 100 ms for the NIC to send its last frames */

static void say(const char *s, size_t len) {
  guest_console_write(GUEST_CONSOLE_STDERR, s, len);
}

noreturn void platform_exit(int status) {
  uint8_t code = (uint8_t)status;
  virtio_net_drain(guest_deadline_after(NET_DRAIN_NS));
  /*
   * QEMU exits with (code << 1) | 1, which keeps only 7 bits: the whole byte
   * also goes to debugcon, where `make qemu` reads it back (boot/efi/qemu-run.sh).
   */
  io_out8(VIRTIO_DEBUGCON_PORT, code);
  io_out8(VIRTIO_DEBUG_EXIT_PORT, code);
  /* Still here: QEMU has no isa-debug-exit. Say so, and power off rather than hang. */
  char msg[96];
  size_t n = guest_snprintf(
      msg, sizeof(msg), "unikvm: exit status %u (no isa-debug-exit device: powering off)\n", code);
  say(msg, n < sizeof(msg) ? n : sizeof(msg) - 1);
  io_out16(ACPI_PM1A_CNT_Q35, ACPI_SLP_EN);
  io_out16(ACPI_PM1A_CNT_PIIX, ACPI_SLP_EN);
  for (;;)
    io_pause();
}

noreturn void platform_abort(const char *msg, size_t len) {
  static const char prefix[] = "unikvm: guest aborted: ";
  say(prefix, sizeof(prefix) - 1);
  say(msg, len);
  say("\n", 1);
  platform_exit(EXIT_GUEST_ABORT);
}
