/* test_ring.c: the byte ring buffer behind pipes: wrap-around, partial reads and writes, growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ring.h"

static void test_fills_and_drains(void **state) {
  (void)state;
  uint8_t mem[8], out[16];
  struct port_ring r = {mem, sizeof(mem), 0, 0};
  assert_int_equal(port_ring_write(&r, "abcdefghij", 10), 8); /* only what fits */
  assert_int_equal(port_ring_space(&r), 0);
  assert_int_equal(port_ring_write(&r, "x", 1), 0);
  assert_int_equal(port_ring_read(&r, out, 3), 3);
  assert_memory_equal(out, "abc", 3);
  assert_int_equal(port_ring_read(&r, out, 16), 5);
  assert_memory_equal(out, "defgh", 5);
  assert_int_equal(port_ring_read(&r, out, 16), 0);
  assert_int_equal(r.head, 0); /* empty: starts over at 0 */
}

static void test_wraps_around(void **state) {
  (void)state;
  uint8_t mem[8], out[8];
  struct port_ring r = {mem, sizeof(mem), 0, 0};
  port_ring_write(&r, "123456", 6);
  port_ring_read(&r, out, 5);                             /* head at 5, one byte left */
  assert_int_equal(port_ring_write(&r, "ABCDEFG", 7), 7); /* wraps past the end */
  assert_int_equal(r.count, 8);
  assert_int_equal(port_ring_read(&r, out, 8), 8);
  assert_memory_equal(out, "6ABCDEFG", 8);
}

static void test_move_keeps_order(void **state) {
  (void)state;
  uint8_t *small = malloc(4), out[8];
  struct port_ring r = {small, 4, 0, 0};
  port_ring_write(&r, "wxyz", 4);
  port_ring_read(&r, out, 2);
  port_ring_write(&r, "12", 2); /* "yz12", wrapped */
  uint8_t *big = malloc(8);
  free(port_ring_move(&r, big, 8));
  assert_int_equal(r.size, 8);
  assert_int_equal(r.count, 4);
  assert_int_equal(port_ring_write(&r, "3456", 4), 4);
  assert_int_equal(port_ring_read(&r, out, 8), 8);
  assert_memory_equal(out, "yz123456", 8);
  free(r.buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fills_and_drains),
      cmocka_unit_test(test_wraps_around),
      cmocka_unit_test(test_move_keeps_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
