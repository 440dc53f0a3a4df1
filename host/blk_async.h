/* blk_async.h: the block device's read thread: READ_ASYNC requests run while the guest runs on. */
#ifndef UNIKVM_BLK_ASYNC_H
#define UNIKVM_BLK_ASYNC_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blk_async;

/* One checked read: LEN bytes at disk offset OFF into BUF (guest RAM), then 0 or -errno into
 * *RET (the ret of the guest's request struct at RET_GPA, which names it for a WAIT). */
struct blk_async_job {
  uint8_t *buf;
  uint64_t off;
  uint32_t len;
  int64_t *ret;
  uint64_t ret_gpa;
};

/* Starts the thread that reads FD; NULL (async reads then run at once) if it cannot. */
struct blk_async *blk_async_start(int fd);

/* Stops the thread once what is queued has run, and frees it. */
void blk_async_stop(struct blk_async *a);

/* Queues JOB (*job->ret is already UNIKVM_BLK_PENDING); when the queue is full it runs at once. */
void blk_async_post(struct blk_async *a, const struct blk_async_job *job);

/* Returns once the job whose request struct is at RET_GPA has completed (at once if there is
 * none): it runs queued jobs itself meanwhile rather than only wait for the thread. */
void blk_async_wait(struct blk_async *a, uint64_t ret_gpa);

/* Returns once every job posted so far has completed (before a snapshot, a reset, the end). */
void blk_async_drain(struct blk_async *a);

/* Reads LEN bytes at disk offset OFF into BUF with the read thread's help: both copy pieces of
 * it at once. Returns 0 or -errno once all of it is in BUF. */
int blk_async_read_shared(struct blk_async *a, uint8_t *buf, size_t len, uint64_t off);

/* Runs JOB on the calling thread and completes it: data first, then *ret. */
void blk_async_run(int fd, const struct blk_async_job *job);

/* The read thread (to place it beside the vCPU's CPU). */
pthread_t blk_async_thread(const struct blk_async *a);

#endif
