/* panic.c: guest_panic, which formats a message and ends the VM through the platform's abort. */
#include <guest/fmt.h>
#include <guest/panic.h>
#include <guest/platform.h>

/* Static: a panic must work with a broken heap or a nearly full stack. */
static char panic_buf[512];
static int panicking;

noreturn void guest_vpanic(const char *fmt, va_list ap) {
  /* A panic inside the formatter must not recurse forever. */
  if (panicking++) {
    static const char again[] = "panic while panicking";
    platform_abort(again, sizeof(again) - 1);
  }
  size_t len = guest_vsnprintf(panic_buf, sizeof(panic_buf), fmt, ap);
  if (len >= sizeof(panic_buf))
    len = sizeof(panic_buf) - 1;
  platform_abort(panic_buf, len);
}

noreturn void guest_panic(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  guest_vpanic(fmt, ap);
}
