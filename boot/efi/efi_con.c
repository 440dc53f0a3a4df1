/* efi_con.c: the loader's messages: the firmware's console before ExitBootServices, COM1 after. */
#include "efi_con.h"

#include <efi.h>
#include <efilib.h>
#include <guest/fmt.h>

#include "efi_io.h"
#include "efi_layout.h"

static int con_direct;

void efi_con_direct(void) {
  con_direct = 1;
}

static void com1_putc(char c) {
  /* Wait (bounded) for the transmit holding register: QEMU's UART is always ready. */
  for (int i = 0; i < 100000 && !(efi_inb(EFI_COM1_PORT + 5) & 0x20); i++)
    __asm__ __volatile__("pause");
  efi_outb(EFI_COM1_PORT, (uint8_t)c);
}

void efi_com1_write(const char *s, unsigned long len) {
  for (unsigned long i = 0; i < len; i++) {
    if (s[i] == '\n')
      com1_putc('\r');
    com1_putc(s[i]);
  }
}

/* The firmware's console takes UCS-2 and wants \r\n. */
static void con_write(const char *s, size_t len) {
  CHAR16 wide[256];
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (n + 3 >= sizeof(wide) / sizeof(wide[0])) {
      wide[n] = 0;
      uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, wide);
      n = 0;
    }
    if (s[i] == '\n')
      wide[n++] = L'\r';
    wide[n++] = (CHAR16)(unsigned char)s[i];
  }
  wide[n] = 0;
  uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, wide);
}

static void vlog(const char *fmt, va_list ap) {
  char line[256];
  size_t len = guest_snprintf(line, sizeof(line), "unikvm-efi: ");
  size_t room = sizeof(line) - len - 1; /* one byte stays free for the newline */
  size_t more = guest_vsnprintf(line + len, room, fmt, ap);
  len += more < room ? more : room - 1;
  line[len++] = '\n';
  if (con_direct)
    efi_com1_write(line, len);
  else
    con_write(line, len);
}

void efi_log(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(fmt, ap);
  va_end(ap);
}

noreturn void efi_fail(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(fmt, ap);
  va_end(ap);
  efi_outb(EFI_DEBUG_EXIT_PORT, (uint8_t)status);
  if (!con_direct) {
    efi_log("no isa-debug-exit device: powering off");
    uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_LOAD_ERROR, 0, NULL);
  }
  efi_log("no isa-debug-exit device: stopped");
  for (;;)
    __asm__ __volatile__("cli; hlt");
}
