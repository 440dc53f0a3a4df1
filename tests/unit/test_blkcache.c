/* test_blkcache.c: the file system's block cache over a fake disk: write-back, batching, flushes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blkcache.h"
#include <guest/blkdev.h>

/* ---- a disk in memory that counts what reaches it ---- */

#define SECTOR       512
#define DISK_SECTORS 4096 /* 2 MiB: 512 blocks of 4 KiB */

static uint8_t disk[DISK_SECTORS * SECTOR];
static struct blkdev_info disk_info = {DISK_SECTORS, SECTOR, false};
static int batches, writes, reads, flushes;
static int fail_writes;        /* the next writes fail with EIO */
static int flush_after_writes; /* FLUSH came after every write of its batch */

const struct blkdev_info *blkdev_info(void) {
  return &disk_info;
}

int blkdev_submit(struct blkdev_req *reqs, size_t count) {
  int first = 0;
  bool wrote = false;
  batches++;
  for (size_t i = 0; i < count; i++) {
    struct blkdev_req *r = &reqs[i];
    assert_true(r->op == BLKDEV_FLUSH || r->len % SECTOR == 0);
    assert_true(r->op == BLKDEV_FLUSH || r->sector * SECTOR + r->len <= sizeof(disk));
    r->ret = 0;
    if (r->op == BLKDEV_READ) {
      memcpy(r->buf, disk + r->sector * SECTOR, r->len);
      reads++;
    } else if (r->op == BLKDEV_WRITE && fail_writes > 0) {
      fail_writes--;
      r->ret = -EIO;
    } else if (r->op == BLKDEV_WRITE) {
      memcpy(disk + r->sector * SECTOR, r->buf, r->len);
      writes++;
      wrote = true;
      assert_false(flush_after_writes); /* nothing may follow the flush in its batch */
    } else {
      flushes++;
      flush_after_writes = wrote;
    }
    if (r->ret != 0 && first == 0)
      first = r->ret;
  }
  flush_after_writes = 0;
  return first;
}

static void reset(void) {
  memset(disk, 0, sizeof(disk));
  batches = writes = reads = flushes = fail_writes = 0;
}

static void fill_block(uint8_t *b, int value) {
  memset(b, value, 4096);
}

/* ---- tests ---- */

static void test_writes_wait_for_sync(void **state) {
  (void)state;
  struct blkcache c;
  uint8_t b[4096], out[4096];
  reset();
  assert_int_equal(blkcache_init(&c, 4096, 64 * 4096), 0);
  fill_block(b, 7);
  assert_int_equal(blkcache_write(&c, 10, 1, b), 0);
  assert_int_equal(writes, 0); /* write-back: nothing reached the disk */
  assert_int_equal(blkcache_read(&c, 10, 1, out), 0);
  assert_memory_equal(out, b, 4096);
  assert_int_equal(disk[10 * 4096], 0);
  assert_int_equal(blkcache_sync(&c, true), 0);
  assert_int_equal(disk[10 * 4096], 7);
  assert_int_equal(flushes, 1);
  assert_int_equal(c.dirty, 0);
  blkcache_fini(&c);
}

static void test_sync_is_one_batch_of_merged_runs(void **state) {
  (void)state;
  struct blkcache c;
  uint8_t b[4096];
  reset();
  assert_int_equal(blkcache_init(&c, 4096, 256 * 4096), 0);
  /* Two runs of neighbours, written in a scrambled order, and a lone block. */
  int order[] = {22, 20, 21, 5, 23, 6, 100};
  for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
    fill_block(b, order[i]);
    assert_int_equal(blkcache_write(&c, (uint64_t)order[i], 1, b), 0);
  }
  int before = batches;
  assert_int_equal(blkcache_sync(&c, true), 0);
  assert_int_equal(batches - before, 1); /* one VM exit */
  assert_int_equal(writes, 3);           /* 5-6, 20-23, 100 */
  assert_int_equal(flushes, 1);
  for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
    assert_int_equal(disk[(size_t)order[i] * 4096 + 4095], order[i]);
  blkcache_fini(&c);
}

static void test_eviction_writes_back_dirty_blocks(void **state) {
  (void)state;
  struct blkcache c;
  uint8_t b[4096], out[4096];
  reset();
  assert_int_equal(blkcache_init(&c, 4096, 0), 0); /* the smallest cache */
  size_t n = c.capacity + 10;
  for (size_t i = 0; i < n; i++) {
    fill_block(b, (int)(i & 0xff));
    assert_int_equal(blkcache_write(&c, i, 1, b), 0);
  }
  assert_true(writes > 0); /* it had to make room */
  assert_true(c.count <= c.capacity);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(blkcache_read(&c, i, 1, out), 0);
    assert_int_equal(out[100], (int)(i & 0xff));
  }
  blkcache_fini(&c);
}

static void test_large_read_sees_dirty_blocks(void **state) {
  (void)state;
  struct blkcache c;
  static uint8_t big[64 * 4096] __attribute__((aligned(4096)));
  uint8_t b[4096];
  reset();
  memset(disk, 1, sizeof(disk));
  assert_int_equal(blkcache_init(&c, 4096, 64 * 4096), 0);
  fill_block(b, 9);
  assert_int_equal(blkcache_write(&c, 33, 1, b), 0);
  int before = batches;
  assert_int_equal(blkcache_read(&c, 0, 64, big), 0); /* the direct path */
  assert_int_equal(batches - before, 1);
  assert_int_equal(big[32 * 4096], 1);
  assert_int_equal(big[33 * 4096], 9); /* from the cache, newer than the disk */
  assert_int_equal(big[34 * 4096], 1);
  blkcache_fini(&c);
}

static void test_runs_read_in_one_batch(void **state) {
  (void)state;
  struct blkcache c;
  static uint8_t a[20 * 4096] __attribute__((aligned(4096)));
  static uint8_t z[20 * 4096] __attribute__((aligned(4096)));
  reset();
  for (int i = 0; i < 512; i++)
    disk[(size_t)i * 4096] = (uint8_t)i;
  assert_int_equal(blkcache_init(&c, 4096, 64 * 4096), 0);
  struct blkcache_run runs[] = {{100, 20, a}, {300, 20, z}};
  int before = batches;
  assert_int_equal(blkcache_read_runs(&c, runs, 2), 0);
  assert_int_equal(batches - before, 1);
  assert_int_equal(a[19 * 4096], 119);
  assert_int_equal(z[0], 300 & 0xff);
  blkcache_fini(&c);
}

static void test_byte_writes_keep_the_rest_of_the_block(void **state) {
  (void)state;
  struct blkcache c;
  reset();
  memset(disk, 'o', sizeof(disk));
  assert_int_equal(blkcache_init(&c, 1024, 64 * 1024), 0);
  assert_int_equal(blkcache_write_bytes(&c, 1020, 8, "abcdefgh"), 0); /* across two blocks */
  assert_int_equal(blkcache_sync(&c, false), 0);
  assert_memory_equal(disk + 1016, "ooooabcdefghoooo", 16);
  assert_int_equal(flushes, 0);
  blkcache_fini(&c);
}

static void test_failed_write_stays_dirty(void **state) {
  (void)state;
  struct blkcache c;
  uint8_t b[4096];
  reset();
  assert_int_equal(blkcache_init(&c, 4096, 64 * 4096), 0);
  fill_block(b, 3);
  assert_int_equal(blkcache_write(&c, 1, 1, b), 0);
  fail_writes = 1;
  assert_int_equal(blkcache_sync(&c, true), -EIO);
  assert_int_equal(c.dirty, 1); /* kept for the next try */
  assert_int_equal(blkcache_sync(&c, true), 0);
  assert_int_equal(disk[4096], 3);
  blkcache_fini(&c);
}

static void test_block_size_change_writes_back(void **state) {
  (void)state;
  struct blkcache c;
  uint8_t small[1024], big[4096];
  reset();
  assert_int_equal(blkcache_init(&c, 1024, 64 * 1024), 0);
  memset(small, 'x', sizeof(small));
  assert_int_equal(blkcache_write(&c, 4, 1, small), 0);
  assert_int_equal(blkcache_set_blksize(&c, 4096), 0);
  assert_int_equal(blkcache_read(&c, 1, 1, big), 0);
  assert_int_equal(big[0], 'x');
  assert_int_equal(c.blocks, DISK_SECTORS * SECTOR / 4096);
  blkcache_fini(&c);
}

static void test_out_of_range(void **state) {
  (void)state;
  struct blkcache c;
  uint8_t b[4096];
  reset();
  assert_int_equal(blkcache_init(&c, 4096, 64 * 4096), 0);
  assert_int_equal(blkcache_read(&c, 512, 1, b), -EINVAL);
  assert_int_equal(blkcache_write(&c, 511, 2, b), -EINVAL);
  assert_int_equal(blkcache_read(&c, 511, 1, b), 0); /* the last block; read-ahead stops there */
  blkcache_fini(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_writes_wait_for_sync),
      cmocka_unit_test(test_sync_is_one_batch_of_merged_runs),
      cmocka_unit_test(test_eviction_writes_back_dirty_blocks),
      cmocka_unit_test(test_large_read_sees_dirty_blocks),
      cmocka_unit_test(test_runs_read_in_one_batch),
      cmocka_unit_test(test_byte_writes_keep_the_rest_of_the_block),
      cmocka_unit_test(test_failed_write_stays_dirty),
      cmocka_unit_test(test_block_size_change_writes_back),
      cmocka_unit_test(test_out_of_range),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
