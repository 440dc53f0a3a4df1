/* console_tty.c: which console streams the host connects to a terminal, from the boot info. */
#include <guest/console.h>

static uint32_t console_tty_mask;

void guest_console_init(uint32_t tty_mask) {
  console_tty_mask = tty_mask;
}

bool guest_console_isatty(unsigned fd) {
  return fd < 3 && (console_tty_mask >> fd & 1u);
}
