/* test_blk.c: the BLK_IO hypercall runs batches of sector requests and refuses bad ones. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "blk.h"
#include "exit_status.h"
#include "fake_vm.h"
#include "hypercall.h"
#include "unikvm/abi.h"

#define RAM     (8u << 20)
#define ARG_GPA 0x200000u
#define REQ_GPA 0x201000u
#define BUF_GPA 0x300000u
#define SECTORS 64u

static struct fake_vm fake;
static struct blk_device blk;
static char path[64];

static int open_disk(const char *opts) {
  char spec[128], err[256];
  snprintf(spec, sizeof(spec), "%s%s", path, opts);
  return blk_open(&blk, spec, err, sizeof(err));
}

static int setup(void **state) {
  (void)state;
  if (fake_vm_init(&fake, RAM) < 0)
    return -1;
  snprintf(path, sizeof(path), "/tmp/unikvm-test-blk-XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0 || ftruncate(fd, SECTORS * 512 + 100) < 0) /* a partial last sector is ignored */
    return -1;
  close(fd);
  if (open_disk("") < 0)
    return -1;
  fake.vm.blk = &blk;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  blk_close(&blk);
  unlink(path);
  fake_vm_free(&fake);
  return 0;
}

static void *at(uint64_t gpa) {
  return fake_vm_at(&fake, gpa);
}

static struct unikvm_blk_req *req(unsigned i) {
  return (struct unikvm_blk_req *)at(REQ_GPA) + i;
}

static int run(uint32_t count) {
  struct unikvm_hc_blk_io *arg = at(ARG_GPA);
  *arg = (struct unikvm_hc_blk_io){.reqs = REQ_GPA, .count = count};
  return hypercall_dispatch(&fake.vm, UNIKVM_HC_BASE + UNIKVM_HC_BLK_IO, 4, ARG_GPA);
}

static const char *errors(void) {
  return fake_vm_text(fake.err);
}

static void test_geometry(void **state) {
  (void)state;
  assert_int_equal(blk.sectors, SECTORS);
  assert_false(blk.readonly);
}

static void test_write_flush_read_back(void **state) {
  (void)state;
  memset(at(BUF_GPA), 0xab, 1024);
  *req(0) =
      (struct unikvm_blk_req){.sector = 3, .data = BUF_GPA, .len = 1024, .op = UNIKVM_BLK_WRITE};
  *req(1) = (struct unikvm_blk_req){.op = UNIKVM_BLK_FLUSH};
  *req(2) = (struct unikvm_blk_req){
      .sector = 3, .data = BUF_GPA + 4096, .len = 512, .op = UNIKVM_BLK_READ};
  assert_int_equal(run(3), 0);
  assert_int_equal(((struct unikvm_hc_blk_io *)at(ARG_GPA))->done, 3);
  for (unsigned i = 0; i < 3; i++)
    assert_int_equal(req(i)->ret, 0);
  assert_int_equal(((uint8_t *)at(BUF_GPA + 4096))[511], 0xab);
  /* And it really is in the file, at 3 * 512. */
  uint8_t byte = 0;
  FILE *f = fopen(path, "rb");
  fseek(f, 3 * 512 + 1023, SEEK_SET);
  assert_int_equal(fread(&byte, 1, 1, f), 1);
  fclose(f);
  assert_int_equal(byte, 0xab);
  assert_int_equal(blk.writes, 1);
  assert_int_equal(blk.flushes, 1);
}

/* The byte at sector SECTOR of the image file, as the host sees it. */
static int file_byte(uint64_t sector) {
  uint8_t byte = 0;
  return pread(blk.fd, &byte, 1, (off_t)(sector * 512)) == 1 ? byte : -1;
}

static void test_independent_writes_are_in_flight_together(void **state) {
  (void)state;
  for (unsigned i = 0; i < SECTORS; i++) {
    memset(at(BUF_GPA + i * 512), (int)(i + 1), 512);
    *req(i) = (struct unikvm_blk_req){
        .sector = (i * 37) % SECTORS, .data = BUF_GPA + i * 512, .len = 512, .op = 1};
  }
  assert_int_equal(run(SECTORS), 0);
  for (unsigned i = 0; i < SECTORS; i++) {
    assert_int_equal(req(i)->ret, 0);
    assert_int_equal(file_byte((i * 37) % SECTORS), i + 1);
  }
  assert_int_equal(blk.writes, SECTORS);
  /* Where the kernel has AIO (Linux does unless it was built without), all 64 at once. */
  if (blk.aio)
    assert_int_equal(blk.max_in_flight, SECTORS);
}

/* Requests that overlap a write see the batch as if it ran in order. */
static void test_overlapping_requests_run_in_order(void **state) {
  (void)state;
  memset(at(BUF_GPA), 'A', 1024);
  memset(at(BUF_GPA + 1024), 'B', 512);
  memset(at(BUF_GPA + 8192), 0, 4 * 512);
  *req(0) = (struct unikvm_blk_req){.sector = 4, .data = BUF_GPA, .len = 1024, .op = 1};
  *req(1) = (struct unikvm_blk_req){.sector = 5, .data = BUF_GPA + 8192, .len = 512, .op = 0};
  *req(2) = (struct unikvm_blk_req){.sector = 5, .data = BUF_GPA + 1024, .len = 512, .op = 1};
  *req(3) = (struct unikvm_blk_req){.sector = 4, .data = BUF_GPA + 8704, .len = 1024, .op = 0};
  *req(4) = (struct unikvm_blk_req){.sector = 20, .data = BUF_GPA, .len = 512, .op = 1};
  *req(5) = (struct unikvm_blk_req){.sector = 20, .data = BUF_GPA + 9728, .len = 512, .op = 0};
  assert_int_equal(run(6), 0);
  for (unsigned i = 0; i < 6; i++)
    assert_int_equal(req(i)->ret, 0);
  uint8_t *back = at(BUF_GPA + 8192);
  assert_int_equal(back[0], 'A');    /* read 1 after write 0 */
  assert_int_equal(back[512], 'A');  /* read 3: sector 4 from write 0 ... */
  assert_int_equal(back[1024], 'B'); /* ... sector 5 from write 2 */
  assert_int_equal(back[1536], 'A'); /* read 5 after write 4 */
  assert_int_equal(file_byte(4), 'A');
  assert_int_equal(file_byte(5), 'B');
}

static void test_bad_requests_get_errors(void **state) {
  (void)state;
  *req(0) = (struct unikvm_blk_req){.sector = SECTORS, .data = BUF_GPA, .len = 512, .op = 0};
  *req(1) = (struct unikvm_blk_req){.sector = SECTORS - 1, .data = BUF_GPA, .len = 1024, .op = 0};
  *req(2) = (struct unikvm_blk_req){.sector = 0, .data = BUF_GPA, .len = 100, .op = 0};
  *req(3) = (struct unikvm_blk_req){.sector = UINT64_MAX, .data = BUF_GPA, .len = 512, .op = 1};
  *req(4) = (struct unikvm_blk_req){.sector = 0, .data = BUF_GPA, .len = 512, .op = 9};
  *req(5) = (struct unikvm_blk_req){.sector = 0, .data = BUF_GPA, .len = 0, .op = 0};
  *req(6) = (struct unikvm_blk_req){.sector = 1, .data = BUF_GPA, .len = 512, .op = 0};
  assert_int_equal(run(7), 0);
  for (unsigned i = 0; i < 6; i++)
    assert_int_equal(req(i)->ret, -UNIKVM_EINVAL);
  assert_int_equal(req(6)->ret, 0); /* a good request after bad ones still runs */
  assert_false(fake.vm.stopped);
}

static void test_readonly_refuses_writes(void **state) {
  (void)state;
  blk_close(&blk);
  assert_int_equal(open_disk(",ro"), 0);
  assert_true(blk.readonly);
  *req(0) = (struct unikvm_blk_req){.sector = 0, .data = BUF_GPA, .len = 512, .op = 1};
  *req(1) = (struct unikvm_blk_req){.sector = 0, .data = BUF_GPA, .len = 512, .op = 0};
  assert_int_equal(run(2), 0);
  assert_int_equal(req(0)->ret, -UNIKVM_EROFS);
  assert_int_equal(req(1)->ret, 0);
}

static void test_buffer_outside_ram_stops_vm(void **state) {
  (void)state;
  *req(0) = (struct unikvm_blk_req){.sector = 0, .data = RAM - 256, .len = 512, .op = 0};
  assert_int_equal(run(1), -1);
  assert_int_equal(fake.vm.exit_status, EXIT_GUEST_ABI);
  assert_non_null(strstr(errors(), "blk_io: address 0x7fff00+512 outside guest RAM"));
}

static void test_huge_batch_stops_vm(void **state) {
  (void)state;
  assert_int_equal(run(UNIKVM_BLK_BATCH_MAX + 1), -1);
  assert_non_null(strstr(errors(), "batch of 257 requests"));
}

static void test_request_array_outside_ram_stops_vm(void **state) {
  (void)state;
  struct unikvm_hc_blk_io *arg = at(ARG_GPA);
  *arg = (struct unikvm_hc_blk_io){.reqs = RAM - 8, .count = 1};
  assert_int_equal(hypercall_dispatch(&fake.vm, UNIKVM_HC_BASE + UNIKVM_HC_BLK_IO, 4, ARG_GPA), -1);
  assert_int_equal(fake.vm.exit_status, EXIT_GUEST_ABI);
}

static void test_no_disk(void **state) {
  (void)state;
  fake.vm.blk = NULL;
  assert_int_equal(run(0), -1);
  assert_non_null(strstr(errors(), "no block device"));
}

static void test_open_errors(void **state) {
  (void)state;
  struct blk_device other;
  char err[256];
  assert_int_equal(blk_open(&other, "/nonexistent/disk.img", err, sizeof(err)), -1);
  assert_non_null(strstr(err, "/nonexistent/disk.img: No such file"));
  char spec[128];
  snprintf(spec, sizeof(spec), "%s,rw", path);
  assert_int_equal(blk_open(&other, spec, err, sizeof(err)), -2);
  assert_non_null(strstr(err, "unknown option 'rw'"));
  assert_int_equal(blk_open(&other, "/tmp", err, sizeof(err)), -1);
}

/* Sector i of the image holds the byte i + 1 throughout. */
static void fill_disk(void) {
  uint8_t sector[512];
  for (unsigned i = 0; i < SECTORS; i++) {
    memset(sector, (int)(i + 1), sizeof(sector));
    assert_int_equal(pwrite(blk.fd, sector, sizeof(sector), (off_t)i * 512), 512);
  }
}

static int64_t async_ret(unsigned i) {
  return __atomic_load_n(&req(i)->ret, __ATOMIC_ACQUIRE);
}

/* READ_ASYNC completes in the request itself; WAIT returns once the one it names completed. */
static void test_async_reads_complete_in_place(void **state) {
  (void)state;
  fill_disk();
  memset(at(BUF_GPA), 0, SECTORS * 512);
  for (unsigned i = 0; i < 8; i++)
    *req(i) = (struct unikvm_blk_req){
        .sector = i * 8, .data = BUF_GPA + i * 4096, .len = 4096, .op = UNIKVM_BLK_READ_ASYNC};
  assert_int_equal(run(8), 0);
  for (unsigned i = 0; i < 8; i++) {
    int64_t ret = async_ret(i);
    assert_true(ret == 0 || ret == UNIKVM_BLK_PENDING);
  }
  /* WAIT for the last: it then has its data (and a WAIT for nothing returns at once). */
  *req(8) = (struct unikvm_blk_req){.data = REQ_GPA + 7 * sizeof(struct unikvm_blk_req),
                                    .op = UNIKVM_BLK_WAIT};
  *req(9) = (struct unikvm_blk_req){.data = 0x12345678, .op = UNIKVM_BLK_WAIT};
  struct unikvm_hc_blk_io *arg = at(ARG_GPA);
  *arg = (struct unikvm_hc_blk_io){.reqs = REQ_GPA + 8 * sizeof(struct unikvm_blk_req), .count = 2};
  assert_int_equal(hypercall_dispatch(&fake.vm, UNIKVM_HC_BASE + UNIKVM_HC_BLK_IO, 4, ARG_GPA), 0);
  assert_int_equal(async_ret(7), 0);
  assert_int_equal(((uint8_t *)at(BUF_GPA + 7 * 4096))[4095], 7 * 8 + 7 + 1);
  blk_drain(&blk);
  for (unsigned i = 0; i < 8; i++) {
    assert_int_equal(async_ret(i), 0);
    assert_int_equal(((uint8_t *)at(BUF_GPA + i * 4096))[0], i * 8 + 1);
  }
  assert_int_equal(blk.async_reads, 8);
  assert_int_equal(blk.async_waits, 2);
}

/* Checked when posted like any read: errors come back at once, never as PENDING. */
static void test_bad_async_reads_fail_at_once(void **state) {
  (void)state;
  *req(0) = (struct unikvm_blk_req){.sector = SECTORS, .data = BUF_GPA, .len = 512, .op = 3};
  *req(1) = (struct unikvm_blk_req){.sector = 0, .data = BUF_GPA, .len = 100, .op = 3};
  *req(2) = (struct unikvm_blk_req){.sector = UINT64_MAX, .data = BUF_GPA, .len = 512, .op = 3};
  *req(3) = (struct unikvm_blk_req){.sector = 0, .data = BUF_GPA, .len = 0, .op = 3};
  assert_int_equal(run(4), 0);
  for (unsigned i = 0; i < 4; i++)
    assert_int_equal(req(i)->ret, -UNIKVM_EINVAL);
  assert_int_equal(blk.async_reads, 0);
  /* O_DIRECT's alignment holds for them too. */
  blk_close(&blk);
  assert_int_equal(open_disk(",direct"), 0);
  *req(0) = (struct unikvm_blk_req){.sector = 0, .data = BUF_GPA + 8, .len = 512, .op = 3};
  assert_int_equal(run(1), 0);
  assert_int_equal(req(0)->ret, -UNIKVM_EINVAL);
  assert_false(fake.vm.stopped);
}

static void test_async_buffer_outside_ram_stops_vm(void **state) {
  (void)state;
  *req(0) = (struct unikvm_blk_req){.sector = 0, .data = RAM - 256, .len = 512, .op = 3};
  assert_int_equal(run(1), -1);
  assert_int_equal(fake.vm.exit_status, EXIT_GUEST_ABI);
  assert_int_equal(blk.async_reads, 0);
}

/* More than the host queues: the rest run at once; every one completes with its own data. */
static void test_many_async_reads_all_complete(void **state) {
  (void)state;
  fill_disk();
  memset(at(BUF_GPA), 0, 4 * UNIKVM_BLK_BATCH_MAX * 512);
  for (unsigned b = 0; b < 4; b++) {
    for (unsigned i = 0; i < UNIKVM_BLK_BATCH_MAX; i++) {
      unsigned k = b * UNIKVM_BLK_BATCH_MAX + i;
      struct unikvm_blk_req *r = (struct unikvm_blk_req *)at(REQ_GPA) + k;
      *r = (struct unikvm_blk_req){
          .sector = k % SECTORS, .data = BUF_GPA + k * 512, .len = 512, .op = 3};
    }
    struct unikvm_hc_blk_io *arg = at(ARG_GPA);
    *arg = (struct unikvm_hc_blk_io){.reqs = REQ_GPA + b * UNIKVM_BLK_BATCH_MAX * 32,
                                     .count = UNIKVM_BLK_BATCH_MAX};
    assert_int_equal(hypercall_dispatch(&fake.vm, UNIKVM_HC_BASE + UNIKVM_HC_BLK_IO, 4, ARG_GPA),
                     0);
  }
  blk_drain(&blk);
  for (unsigned k = 0; k < 4 * UNIKVM_BLK_BATCH_MAX; k++) {
    assert_int_equal(async_ret(k), 0);
    assert_int_equal(((uint8_t *)at(BUF_GPA + k * 512))[511], k % SECTORS + 1);
  }
  assert_int_equal(blk.async_reads, 4 * UNIKVM_BLK_BATCH_MAX);
}

/* Without the read thread (it could not start), READ_ASYNC runs at once. */
static void test_async_reads_without_thread(void **state) {
  (void)state;
  fill_disk();
  struct blk_async *thread = blk.async;
  blk.async = NULL;
  *req(0) = (struct unikvm_blk_req){.sector = 5, .data = BUF_GPA, .len = 512, .op = 3};
  *req(1) = (struct unikvm_blk_req){.data = REQ_GPA, .op = UNIKVM_BLK_WAIT};
  assert_int_equal(run(2), 0);
  blk.async = thread;
  assert_int_equal(req(0)->ret, 0);
  assert_int_equal(req(1)->ret, 0);
  assert_int_equal(((uint8_t *)at(BUF_GPA))[0], 6);
}

/* A disk of BIG bytes (not a whole number of the read thread's pieces) whose every 32-bit word
 * holds its own byte offset, for reads large enough for both threads to copy. */
#define BIG ((5u << 19) + 3 * 512)

static void fill_big_disk(void) {
  uint32_t *words = malloc(BIG);
  for (uint32_t i = 0; i < BIG / 4; i++)
    words[i] = i * 4;
  assert_int_equal(ftruncate(blk.fd, BIG), 0);
  assert_int_equal(pwrite(blk.fd, words, BIG, 0), BIG);
  free(words);
  blk.sectors = BIG / 512;
}

/* Whether LEN bytes at BUF_GPA hold the disk from byte OFF on. */
static void assert_holds_disk(uint64_t off, size_t len) {
  const uint32_t *words = at(BUF_GPA);
  for (size_t i = 0; i < len / 4; i++)
    if (words[i] != off + i * 4)
      fail_msg("word %zu: %u, the disk has %u", i, words[i], (unsigned)(off + i * 4));
}

/* A read of a megabyte or more is copied by both threads, and every byte lands in place. */
static void test_large_reads_are_shared_and_whole(void **state) {
  (void)state;
  fill_big_disk();
  for (unsigned round = 0; round < 40; round++) {
    uint64_t sector = round % 3;
    size_t len = BIG - 3 * 512 - (round % 5) * 4096;
    memset(at(BUF_GPA), 0, BIG);
    *req(0) = (struct unikvm_blk_req){
        .sector = sector, .data = BUF_GPA, .len = (uint32_t)len, .op = UNIKVM_BLK_READ};
    assert_int_equal(run(1), 0);
    assert_int_equal(req(0)->ret, 0);
    assert_holds_disk(sector * 512, len);
    assert_int_equal(((uint8_t *)at(BUF_GPA))[len], 0); /* and nothing past it */
  }
  assert_int_equal(blk.shared_reads, 40);
}

/* In a batch with small requests (in flight by AIO) the large read still runs in its place. */
static void test_shared_read_in_a_batch(void **state) {
  (void)state;
  fill_big_disk();
  memset(at(BUF_GPA + BIG), 0x5a, 512);
  *req(0) = (struct unikvm_blk_req){.sector = 0, .data = BUF_GPA, .len = 2u << 20, .op = 0};
  *req(1) = (struct unikvm_blk_req){
      .sector = BIG / 512 - 1, .data = BUF_GPA + BIG, .len = 512, .op = UNIKVM_BLK_WRITE};
  *req(2) = (struct unikvm_blk_req){
      .sector = 4096, .data = BUF_GPA + BIG + 512, .len = 512, .op = UNIKVM_BLK_WRITE};
  assert_int_equal(run(3), 0);
  for (unsigned i = 0; i < 3; i++)
    assert_int_equal(req(i)->ret, 0);
  assert_holds_disk(0, 2u << 20);
  assert_int_equal(file_byte(BIG / 512 - 1), 0x5a);
  assert_int_equal(blk.shared_reads, 1);
}

/* A file that shrank under the VM: the large read fails with an error, it does not hang. */
static void test_shared_read_past_the_end_fails(void **state) {
  (void)state;
  fill_big_disk();
  assert_int_equal(ftruncate(blk.fd, 1u << 20), 0);
  *req(0) = (struct unikvm_blk_req){.sector = 0, .data = BUF_GPA, .len = 2u << 20, .op = 0};
  assert_int_equal(run(1), 0);
  assert_int_equal(req(0)->ret, -EIO);
  assert_false(fake.vm.stopped);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_geometry),
      T(test_write_flush_read_back),
      T(test_independent_writes_are_in_flight_together),
      T(test_overlapping_requests_run_in_order),
      T(test_bad_requests_get_errors),
      T(test_readonly_refuses_writes),
      T(test_buffer_outside_ram_stops_vm),
      T(test_huge_batch_stops_vm),
      T(test_request_array_outside_ram_stops_vm),
      T(test_no_disk),
      T(test_open_errors),
      T(test_async_reads_complete_in_place),
      T(test_bad_async_reads_fail_at_once),
      T(test_async_buffer_outside_ram_stops_vm),
      T(test_many_async_reads_all_complete),
      T(test_async_reads_without_thread),
      T(test_large_reads_are_shared_and_whole),
      T(test_shared_read_in_a_batch),
      T(test_shared_read_past_the_end_fails),
  };
  return cmocka_run_group_tests_name("blk", tests, NULL, NULL);
}
