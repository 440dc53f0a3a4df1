/* efi_main.c: the UEFI loader: loads \unikvm\kernel.elf, fills the boot info, enters at CPL 3. */
#include <efi.h>
#include <efilib.h>
#include <unikvm/abi.h>

#include "efi_args.h"
#include "efi_clock.h"
#include "efi_con.h"
#include "efi_file.h"
#include "efi_io.h"
#include "efi_layout.h"
#include "efi_mem.h"
#include "efi_x86.h"
#include "elf_check.h"

#define KERNEL_PATH  L"\\unikvm\\kernel.elf"
#define CMDLINE_PATH L"\\unikvm\\cmdline"
#define PAGE_2M      (2ull << 20)

/* The kernel's stdout and stderr are the serial line: a terminal, so they are line-buffered. */
#define CONSOLE_TTY_MASK 0x6u

/* What efi_place_kernel needs once boot services are gone. */
static struct {
  uint8_t *file; /* the kernel file, in loader memory */
  UINTN file_size;
  struct elf_kernel k;
  uint64_t ram;
  uint64_t tsc_start, tsc_hz, wall_ns, wall_tsc;
} boot;

/*
 * Memory the kernel gets must read as zero. Writing zeros over RAM that
 * nobody touched yet costs QEMU a fresh host page each (about 17 us here:
 * 1 s for 220 MiB, against 0.1 s for reading it), so look first.
 */
static void zero_dirty(uint64_t start, uint64_t end) {
  for (volatile uint64_t *p = (uint64_t *)(uintptr_t)start; (uintptr_t)p < end; p += 8) {
    if ((p[0] | p[1] | p[2] | p[3] | p[4] | p[5] | p[6] | p[7]) == 0)
      continue;
    for (int i = 0; i < 8; i++)
      p[i] = 0;
  }
}

/* The boot tables sit below 1 MiB, where OVMF leaves conventional memory. */
static void claim_low_area(void) {
  EFI_PHYSICAL_ADDRESS addr = EFI_LOW_START;
  UINTN pages = (EFI_LOW_END - EFI_LOW_START) / UNIKVM_PAGE_SIZE;
  EFI_STATUS st =
      uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderData, pages, &addr);
  if (EFI_ERROR(st))
    efi_fail(EFI_EXIT_SETUP, "the boot tables need %#x-%#x, which the firmware uses (status %#lx)",
             EFI_LOW_START, EFI_LOW_END, (unsigned long)st);
  zero_dirty(EFI_LOW_START, EFI_LOW_END);
}

/* Reads and checks the kernel; it is copied to its addresses only after ExitBootServices. */
static void read_kernel(EFI_HANDLE self) {
  void *file;
  EFI_STATUS st = efi_file_read(self, KERNEL_PATH, &file, &boot.file_size);
  if (st == EFI_NOT_FOUND)
    efi_fail(EFI_EXIT_REJECTED, "\\unikvm\\kernel.elf: not found on the EFI system partition");
  if (EFI_ERROR(st))
    efi_fail(EFI_EXIT_REJECTED, "\\unikvm\\kernel.elf: cannot read it (status %#lx)",
             (unsigned long)st);
  boot.file = file;
  const char *why = elf_check(boot.file, boot.file_size, &boot.k);
  if (why != NULL)
    efi_fail(EFI_EXIT_REJECTED, "\\unikvm\\kernel.elf: rejected: %s", why);
}

/* argv from \unikvm\cmdline (written by `make qemu`), laid out where unikvm puts it. */
static uint32_t load_args(EFI_HANDLE self) {
  void *text = NULL;
  UINTN len = 0;
  if (EFI_ERROR(efi_file_read(self, CMDLINE_PATH, &text, &len)))
    len = 0;
  int argc = efi_args_layout(text, len, "kernel.elf", (uint8_t *)(uintptr_t)UNIKVM_ARGS_ADDR,
                             UNIKVM_ARGS_SIZE);
  if (argc < 0)
    efi_fail(EFI_EXIT_REJECTED, "\\unikvm\\cmdline: too long (limit %u bytes)", UNIKVM_ARGS_SIZE);
  if (text != NULL)
    FreePool(text);
  return (uint32_t)argc;
}

/*
 * RAM: from 0 to the end of the memory above 1 MiB that is free once boot
 * services are gone, in whole 2 MiB pages; the kernel and its stack must
 * fit, and the file it is copied from must not lie where it goes.
 */
static uint64_t pick_ram(void) {
  const char *why;
  uint64_t stop, need = boot.k.image_end + UNIKVM_STACK_SIZE;
  uint64_t ram = efi_mem_ram_end(&why, &stop) & ~(PAGE_2M - 1);
  if (ram < need)
    efi_fail(EFI_EXIT_SETUP,
             "the kernel needs RAM up to %#lx (image + 1 MiB stack) but the free memory above "
             "1 MiB ends at %#lx (%s); give QEMU more -m, and -global ICH9-LPC.disable_s3=1 so "
             "that the firmware keeps out of 8-9 MiB",
             (unsigned long)need, (unsigned long)stop, why);
  uint64_t file = (uint64_t)(uintptr_t)boot.file;
  if (file < boot.k.image_end && boot.k.load_start < file + boot.file_size)
    efi_fail(EFI_EXIT_SETUP, "the firmware put the kernel file at %#lx, where the kernel goes",
             (unsigned long)file);
  return ram;
}

static void fill_boot_info(uint32_t argc) {
  struct unikvm_boot_info *bi = (void *)(uintptr_t)UNIKVM_BOOT_INFO_ADDR;
  bi->magic = UNIKVM_BOOT_MAGIC;
  bi->abi_version = UNIKVM_ABI_VERSION;
  bi->platform = UNIKVM_PLATFORM_VIRTIO;
  bi->argc = argc;
  bi->argv = UNIKVM_ARGS_ADDR;
  bi->ram_size = boot.ram;
  bi->image_end = boot.k.image_end;
  bi->stack_top = boot.ram;
  bi->tsc_hz = boot.tsc_hz;
  bi->console_tty = CONSOLE_TTY_MASK;
  /* Devices stay 0: the kernel's virtio platform finds them on the PCI bus itself. */
}

static void print_ms(const char *what, uint64_t ticks) {
  uint64_t us = ticks / (boot.tsc_hz / 1000000u);
  efi_log("%s%lu.%03lu ms", what, (unsigned long)(us / 1000), (unsigned long)(us % 1000));
}

/*
 * On the loader's low stack after ExitBootServices: everything between
 * 1 MiB and the end of RAM is the kernel's now, the firmware's stack and
 * the kernel file included, so the file is copied out before the rest is
 * zeroed.
 */
void efi_place_kernel(void) {
  zero_dirty(boot.k.load_start, boot.k.image_end);
  elf_copy_segments(boot.file);
  zero_dirty(boot.k.image_end, boot.ram);
  uint64_t now = efi_rdtsc();
  /* Under QEMU and KVM the TSC starts at 0 with the machine: its value is the firmware's time. */
  print_ms("firmware (reset to loader): ", boot.tsc_start);
  print_ms("loader (start to kernel entry): ", now - boot.tsc_start);
  /* Wall clock at entry: the RTC reading plus the time since it was taken. */
  struct unikvm_boot_info *bi = (void *)(uintptr_t)UNIKVM_BOOT_INFO_ADDR;
  if (boot.wall_ns != 0)
    bi->wallclock_ns = boot.wall_ns + (now - boot.wall_tsc) / (boot.tsc_hz / 1000000u) * 1000u;
}

/* gnu-efi's crt0 calls this with the SysV convention after relocating the image. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab) {
  boot.tsc_start = efi_rdtsc();
  InitializeLib(image, systab);
  /* No watchdog: a debugger may hold the kernel for as long as it likes. */
  uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);
  efi_log("loading \\unikvm\\kernel.elf");

  claim_low_area();
  read_kernel(image);
  uint32_t argc = load_args(image);
  boot.tsc_hz = efi_clock_tsc_hz();
  boot.wall_ns = efi_clock_walltime_ns(&boot.wall_tsc);
  boot.ram = pick_ram();
  fill_boot_info(argc);
  efi_x86_write_tables(boot.ram);
  efi_log("kernel %#lx-%#lx entry %#lx, RAM %lu MiB, TSC %lu MHz, argc %u",
          (unsigned long)boot.k.load_start, (unsigned long)boot.k.image_end,
          (unsigned long)boot.k.entry, (unsigned long)(boot.ram >> 20),
          (unsigned long)(boot.tsc_hz / 1000000u), argc);

  uint64_t final_end;
  EFI_STATUS st = efi_mem_exit_boot_services(image, &final_end);
  if (EFI_ERROR(st))
    efi_fail(EFI_EXIT_SETUP, "ExitBootServices failed (status %#lx)", (unsigned long)st);
  __asm__ __volatile__("cli");
  efi_con_direct();
  /* Nothing may have taken RAM back since it was picked: the final map decides. */
  if (final_end < boot.ram)
    efi_fail(EFI_EXIT_SETUP, "the firmware took memory at %#lx after the RAM was picked",
             (unsigned long)final_end);
  efi_x86_load();
  efi_enter_kernel(boot.k.entry, boot.ram, UNIKVM_BOOT_INFO_ADDR);
}
