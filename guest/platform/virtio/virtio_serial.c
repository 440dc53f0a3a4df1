/* virtio_serial.c: the console on the virtio platform: COM1, a 16550 UART, written by polling. */
#include <guest/console.h>

#include "virtio_io.h"

#define COM1     0x3f8u
#define LSR      5u    /* line status register */
#define LSR_THRE 0x20u /* transmit holding register empty */

/* Bounded: a UART that never drains (none there) must not hang the kernel. */
static void com1_putc(char c) {
  for (unsigned i = 0; i < 100000u && !(io_in8(COM1 + LSR) & LSR_THRE); i++)
    io_pause();
  io_out8(COM1, (uint8_t)c);
}

/* stdout and stderr share the line; \n becomes \r\n as a terminal expects. */
int64_t guest_console_write(enum guest_console_stream stream, const void *buf, size_t len) {
  (void)stream;
  const char *s = buf;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\n')
      com1_putc('\r');
    com1_putc(s[i]);
  }
  return (int64_t)len;
}
