/* start.c: guest_start: checks the boot info, sets up clock, heap, scheduler, enters libc. */
#include <guest/boot.h>
#include <guest/clock.h>
#include <guest/console.h>
#include <guest/heap.h>
#include <guest/panic.h>
#include <guest/platform.h>
#include <guest/sched.h>
#include <guest/tsc.h>
#include <stdint.h>

/* First byte after the image, page-aligned (boot/hvt.ld). */
extern char __image_end[];

/* Used when the host passes no argv, so that argv[argc] is still NULL. */
static char *no_argv[1];

noreturn void guest_start(const struct unikvm_boot_info *bi) {
  /* Read first, so that monotonic time 0 is as close to entry as possible. */
  uint64_t tsc_base = guest_rdtsc();

  const char *why = guest_boot_info_check(bi);
  if (why != NULL && bi == NULL)
    guest_panic("boot info: %s", why);
  if (why != NULL)
    guest_panic("boot info: %s (magic %#x, ABI version %u, platform %u; this image needs ABI "
                "version %u)",
                why, bi->magic, bi->abi_version, bi->platform, UNIKVM_ABI_VERSION);

  guest_clock_init(tsc_base, bi->tsc_hz, bi->wallclock_ns);
  guest_console_init(bi->console_tty);
  platform_init(bi);

  /* Trust our own link map over the host's, whichever ends later. */
  uintptr_t heap_start = (uintptr_t)__image_end;
  if (bi->image_end > heap_start)
    heap_start = (uintptr_t)bi->image_end;
  uintptr_t heap_end = (uintptr_t)(bi->stack_top - UNIKVM_STACK_SIZE);
  if (heap_end < heap_start)
    guest_panic("boot info: no room for a heap: image ends at %#lx, stack starts at %#lx",
                (unsigned long)heap_start, (unsigned long)heap_end);
  guest_heap_init(heap_start, heap_end);
  /* The boot stack becomes the first thread's, with a canary at its low end. */
  guest_sched_init(heap_end, (uintptr_t)bi->stack_top);

  int argc = (int)bi->argc;
  char **argv = bi->argv != 0 ? (char **)(uintptr_t)bi->argv : no_argv;
  if (bi->argv == 0)
    argc = 0;
  libc_start_main(argc, argv);
}
