/* test_chksum.c: net/chksum.c against RFC 1071's 16-bit sum, for every length, offset and size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Guest code that also runs natively: compiled in here, so the generic unit-test rule builds it. */
#include "../../net/chksum.c"

/* RFC 1071, 16 bits at a time: the words as they lie in memory, a lone last byte as the low half.
 */
static uint16_t reference(const uint8_t *p, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) {
    uint16_t w;
    memcpy(&w, p + i, 2);
    sum += w;
  }
  if (len & 1) {
    uint16_t w = 0;
    memcpy(&w, p + len - 1, 1);
    sum += w;
  }
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)sum;
}

static uint8_t buf[65536 + 16], out[65536 + 16];

static void fill(unsigned seed, uint8_t byte_or_random) {
  srand(seed);
  for (size_t i = 0; i < sizeof(buf); i++)
    buf[i] = byte_or_random ? byte_or_random : (uint8_t)rand();
}

static void test_every_short_length_and_offset(void **state) {
  (void)state;
  fill(1, 0);
  for (size_t off = 0; off < 8; off++)
    for (size_t len = 0; len <= 300; len++)
      assert_int_equal(net_chksum(buf + off, (int)len), reference(buf + off, len));
}

static void test_carries_with_all_ones(void **state) {
  (void)state;
  fill(0, 0xff); /* every add carries */
  for (size_t len = 0; len <= 65535; len += 4097)
    assert_int_equal(net_chksum(buf + 1, (int)len), reference(buf + 1, len));
  assert_int_equal(net_chksum(buf, 65535), reference(buf, 65535));
}

static void test_jumbo_frames(void **state) {
  (void)state;
  for (unsigned seed = 2; seed < 6; seed++) {
    fill(seed, 0);
    for (size_t len = 65535; len > 60000; len -= 1111)
      assert_int_equal(net_chksum(buf + seed, (int)len), reference(buf + seed, len));
  }
}

static void test_copy_copies_and_sums(void **state) {
  (void)state;
  fill(7, 0);
  for (size_t off = 0; off < 4; off++)
    for (size_t len = 0; len <= 65535; len = len < 100 ? len + 1 : len * 3 + 7) {
      memset(out, 0xa5, sizeof(out));
      assert_int_equal(net_chksum_copy(out + off, buf + 3, (uint16_t)len), reference(buf + 3, len));
      assert_memory_equal(out + off, buf + 3, len);
      assert_int_equal(out[off + len], 0xa5); /* not one byte more */
    }
}

static void test_negative_length_is_empty(void **state) {
  (void)state;
  assert_int_equal(net_chksum(buf, -1), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_short_length_and_offset),
      cmocka_unit_test(test_carries_with_all_ones),
      cmocka_unit_test(test_jumbo_frames),
      cmocka_unit_test(test_copy_copies_and_sums),
      cmocka_unit_test(test_negative_length_is_empty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
