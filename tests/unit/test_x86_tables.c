/* test_x86_tables.c: page tables, TSS I/O bitmap and exception stubs the host builds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unikvm/abi.h"
#include "x86_layout.h"

#define PTE_P     0x1ull
#define PTE_W     0x2ull
#define PTE_U     0x4ull
#define PTE_PS    0x80ull
#define PTE_NX    (1ull << 63)
#define ADDR_MASK 0x000ffffffffff000ull

static struct guest_mem mem;

static int setup_with(uint64_t size) {
  mem.base = calloc(1, size);
  mem.size = size;
  mem.fd = -1;
  if (!mem.base)
    return -1;
  x86_tables_write(&mem);
  return 0;
}

static int setup(void **state) {
  (void)state;
  return setup_with(64ull << 20);
}

static int teardown(void **state) {
  (void)state;
  free(mem.base);
  return 0;
}

static uint64_t entry(uint64_t table, unsigned index) {
  uint64_t v;
  memcpy(&v, mem.base + table + index * 8, 8);
  return v;
}

/* Walks the page tables like the MMU; returns the leaf entry's effective flags or 0. */
static uint64_t translate(uint64_t va, uint64_t *pa) {
  uint64_t e = entry(X86_PML4_ADDR, (va >> 39) & 511), flags = PTE_U | PTE_W;
  if (!(e & PTE_P))
    return 0;
  flags &= e;
  e = entry(e & ADDR_MASK, (va >> 30) & 511);
  if (!(e & PTE_P))
    return 0;
  flags &= e;
  e = entry(e & ADDR_MASK, (va >> 21) & 511);
  if (!(e & PTE_P))
    return 0;
  flags &= e;
  if (e & PTE_PS) {
    *pa = (e & ADDR_MASK & ~0x1fffffull) | (va & 0x1fffff);
    return flags | PTE_P | (e & PTE_NX);
  }
  e = entry(e & ADDR_MASK, (va >> 12) & 511);
  if (!(e & PTE_P))
    return 0;
  *pa = (e & ADDR_MASK) | (va & 0xfff);
  return (flags & e) | PTE_P | (e & PTE_NX);
}

static void test_identity_map(void **state) {
  (void)state;
  uint64_t addrs[] = {0x1000, 0x8000, 0x100000, 0x1fffff, 0x200000, 0x3ffffff};
  for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
    uint64_t pa = 0;
    assert_true(translate(addrs[i], &pa) & PTE_P);
    assert_int_equal(pa, addrs[i]);
  }
}

static void test_null_page_and_beyond_ram_unmapped(void **state) {
  (void)state;
  uint64_t pa;
  assert_int_equal(translate(0, &pa), 0);
  assert_int_equal(translate(0xfff, &pa), 0);
  assert_int_equal(translate(64ull << 20, &pa), 0);
  assert_int_equal(translate(0x7f0000000000ull, &pa), 0);
}

static void test_host_structures_supervisor_only(void **state) {
  (void)state;
  uint64_t pa;
  uint64_t host_pages[] = {X86_GDT_ADDR,  X86_IDT_ADDR,  X86_TSS_ADDR, X86_STUBS_ADDR,
                           X86_EXC_STACK, X86_PML4_ADDR, X86_PD_ADDR};
  for (unsigned i = 0; i < sizeof(host_pages) / sizeof(host_pages[0]); i++) {
    uint64_t flags = translate(host_pages[i], &pa);
    assert_true(flags & PTE_P);
    assert_false(flags & PTE_U);
  }
  /* The stubs are code: executable and read-only; the rest is never executable. */
  assert_false(translate(X86_STUBS_ADDR, &pa) & (PTE_NX | PTE_W));
  assert_true(translate(X86_PML4_ADDR, &pa) & PTE_NX);
}

static void test_guest_pages_user_accessible(void **state) {
  (void)state;
  uint64_t pa;
  uint64_t flags = translate(UNIKVM_BOOT_INFO_ADDR, &pa);
  assert_true((flags & (PTE_U | PTE_W)) == (PTE_U | PTE_W));
  assert_true(translate(UNIKVM_ARGS_ADDR + UNIKVM_ARGS_SIZE - 1, &pa) & PTE_U);
  assert_true(translate(UNIKVM_IMAGE_MIN, &pa) & PTE_U);
  assert_false(translate(UNIKVM_IMAGE_MIN, &pa) & PTE_NX);
  assert_true(translate((64ull << 20) - 1, &pa) & PTE_U);
}

static int port_allowed(unsigned port) {
  const uint8_t *tss = mem.base + X86_TSS_ADDR;
  uint16_t base;
  memcpy(&base, tss + 102, 2);
  uint32_t limit = x86_tss_limit();
  if (base + port / 8 > limit)
    return 0; /* beyond the bitmap: denied */
  return !(tss[base + port / 8] & (1u << (port % 8)));
}

static void test_io_bitmap_grants_exactly_hypercall_ports(void **state) {
  (void)state;
  for (unsigned port = 0; port < 0x10000; port++) {
    int want = port >= UNIKVM_HC_BASE && port < UNIKVM_HC_BASE + UNIKVM_HC_PORTS;
    if (port_allowed(port) != want)
      fail_msg("port 0x%x: allowed=%d, want %d", port, port_allowed(port), want);
  }
  assert_false(port_allowed(UNIKVM_EXCEPTION_PORT));
  /* The byte after the bitmap must be 0xff (the CPU may read one past). */
  assert_int_equal(mem.base[X86_TSS_ADDR + x86_tss_limit()], 0xff);
}

static void test_tss_rsp0(void **state) {
  (void)state;
  uint64_t rsp0;
  memcpy(&rsp0, mem.base + X86_TSS_ADDR + 4, 8);
  assert_int_equal(rsp0, X86_EXC_STACK_TOP);
}

static void test_idt_gates_point_at_stubs(void **state) {
  (void)state;
  for (unsigned vec = 0; vec < X86_EXC_VECTORS; vec++) {
    uint64_t lo = entry(X86_IDT_ADDR, vec * 2), hi = entry(X86_IDT_ADDR, vec * 2 + 1);
    uint64_t off = (lo & 0xffff) | ((lo >> 32) & 0xffff0000) | (hi << 32);
    assert_int_equal(off, X86_STUBS_ADDR + vec * X86_STUB_SIZE);
    assert_int_equal((lo >> 16) & 0xffff, X86_SEL_KCODE);
    assert_int_equal((lo >> 40) & 0xff, 0x8e); /* present, DPL 0, interrupt gate */
  }
}

static void test_stub_reports_on_exception_port(void **state) {
  (void)state;
  const uint8_t *pf = mem.base + X86_STUBS_ADDR + 14 * X86_STUB_SIZE; /* has error code */
  const uint8_t *ud = mem.base + X86_STUBS_ADDR + 6 * X86_STUB_SIZE;  /* pushes a zero */
  const uint8_t pf_code[] = {
      0x6a, 14, 0x52, 0x66, 0xba, UNIKVM_EXCEPTION_PORT & 0xff, UNIKVM_EXCEPTION_PORT >> 8, 0xee};
  assert_memory_equal(pf, pf_code, sizeof(pf_code));
  assert_int_equal(ud[0], 0x6a);
  assert_int_equal(ud[1], 0);
  assert_int_equal(ud[3], 6);
}

static void test_four_gib(void **state) {
  (void)state;
  free(mem.base);
  assert_int_equal(setup_with(UNIKVM_MEM_MAX), 0);
  uint64_t pa;
  assert_true(translate(UNIKVM_MEM_MAX - 1, &pa) & PTE_U);
  assert_int_equal(pa, UNIKVM_MEM_MAX - 1);
  assert_int_equal(translate(UNIKVM_MEM_MAX, &pa), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_identity_map),
      T(test_null_page_and_beyond_ram_unmapped),
      T(test_host_structures_supervisor_only),
      T(test_guest_pages_user_accessible),
      T(test_io_bitmap_grants_exactly_hypercall_ports),
      T(test_tss_rsp0),
      T(test_idt_gates_point_at_stubs),
      T(test_stub_reports_on_exception_port),
      T(test_four_gib),
  };
  return cmocka_run_group_tests_name("x86_tables", tests, NULL, NULL);
}
