/* test_guest_mem.c: which guest-supplied ranges the host will touch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../host/guest_mem.h"
#include "../../host/x86_layout.h"
#include "unikvm/abi.h"

#define RAM (8u << 20)

static struct guest_mem mem;

static int setup(void **state) {
  (void)state;
  mem = (struct guest_mem){.base = calloc(1, RAM), .size = RAM, .fd = -1};
  return mem.base ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  free(mem.base);
  return 0;
}

static void everything_in_ram_during_setup(void **state) {
  (void)state;
  assert_non_null(guest_mem_ptr(&mem, 0, RAM));
  assert_non_null(guest_mem_ptr(&mem, X86_PML4_ADDR, 4096));
  assert_null(guest_mem_ptr(&mem, RAM - 4, 8));
  assert_null(guest_mem_ptr(&mem, UINT64_MAX - 4, 8)); /* wraps */
}

static void guest_ranges_stay_off_the_host_tables(void **state) {
  (void)state;
  mem.host_tables_end = X86_LOW_END;
  /* The tables, stubs and exception stacks: refused, even one byte, even straddling. */
  assert_null(guest_mem_ptr(&mem, X86_PML4_ADDR, 8));
  assert_null(guest_mem_ptr(&mem, X86_PD_ADDR, 512));
  assert_null(guest_mem_ptr(&mem, X86_TSS_ADDR + 4, 8));
  assert_null(guest_mem_ptr(&mem, X86_IDT_ADDR, 16));
  assert_null(guest_mem_ptr(&mem, 0, 1));
  assert_null(guest_mem_ptr(&mem, X86_LOW_END - 8, 16));
  assert_null(guest_mem_ptr(&mem, UNIKVM_BOOT_INFO_ADDR - 8, 16));
  assert_null(guest_mem_ptr(&mem, UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE - 8, 16));
  /* The boot-info and argv pages stay the guest's, and so does everything from 1 MiB. */
  assert_non_null(guest_mem_ptr(&mem, UNIKVM_BOOT_INFO_ADDR, 64));
  assert_non_null(guest_mem_ptr(&mem, UNIKVM_ARGS_ADDR, UNIKVM_ARGS_SIZE));
  assert_non_null(guest_mem_ptr(&mem, X86_LOW_END, RAM - X86_LOW_END));
  /* An empty range touches nothing (e.g. a zero-length batch array at 0). */
  assert_non_null(guest_mem_ptr(&mem, 0, 0));
  /* The host's own reads (fault reports) still reach its exception stacks. */
  assert_non_null(guest_mem_host_ptr(&mem, X86_TSS_ADDR, 104));
  mem.host_tables_end = 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(everything_in_ram_during_setup),
      cmocka_unit_test(guest_ranges_stay_off_the_host_tables),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
