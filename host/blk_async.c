/* blk_async.c: the block device's read thread: READ_ASYNC requests run while the guest runs on. */
#include "blk_async.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "blk.h"

/*
 * A guest that streams a file (sha256sum) posts the read of its next
 * buffer before it works on the current one; this thread, on the other
 * core, copies the data in meanwhile, so the copy costs the guest nothing.
 * The queue is bounded: a guest that posts more than it holds gets the rest
 * run at once, so it can make the host hold no more than QUEUE_MAX jobs.
 * The thread takes jobs in order; a WAIT on the vCPU thread (the only other
 * caller: one vCPU per device) takes queued ones too, so a guest waiting
 * for a job behind others waits for two copies at a time, not one.
 */
#define QUEUE_MAX 512u

/*
 * A large synchronous read (blk_async_read_shared) is copied by both
 * threads at once, a piece at a time: the vCPU thread starts at once and
 * the read thread joins when it wakes (a cross-core wake-up here costs tens
 * of microseconds, a 4 MiB copy about 500). Neither waits for the other
 * beyond the piece the other is copying.
 */
#define PIECE    (256u << 10)
#define SPIN_MAX 100000u /* pauses (≈ 1 ms) before the vCPU thread sleeps for a late piece */

struct shared_read {
  int fd;
  uint8_t *buf;
  uint64_t off;
  size_t len;
  uint32_t pieces;
  _Atomic uint32_t next; /* the next piece to take */
  _Atomic int err;       /* the first error, or 0 */
};

struct blk_async {
  int fd;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t work; /* signalled when a job is queued while the thread waits */
  pthread_cond_t done; /* broadcast when a job completes while someone waits for one */
  struct blk_async_job queue[QUEUE_MAX];
  uint32_t head, tail; /* queue[head % QUEUE_MAX .. tail % QUEUE_MAX) waits to run */
  uint64_t running[2]; /* ret_gpa of the jobs in progress: the thread's, the vCPU thread's */
  bool busy[2];        /* running[i] is valid */
  bool idle, stopping;
  uint32_t waiters;
  /* The read being shared, while the vCPU thread still hands out pieces; its number, so the
   * thread joins each once; whether the thread is copying pieces of it. */
  struct shared_read *shared;
  uint64_t shared_seq, joined_seq;
  _Atomic bool helping;
};

void blk_async_run(int fd, const struct blk_async_job *job) {
  int64_t ret = blk_transfer(fd, false, job->buf, job->len, job->off);
  /* The guest reads ret and then the data: every store of the copy goes first. */
  atomic_thread_fence(memory_order_seq_cst);
  __atomic_store_n(job->ret, ret, __ATOMIC_RELEASE);
}

static bool queued_job(const struct blk_async *a, uint64_t ret_gpa) {
  for (uint32_t i = a->head; i != a->tail; i++)
    if (a->queue[i % QUEUE_MAX].ret_gpa == ret_gpa)
      return true;
  return false;
}

/* Takes the oldest queued job and runs it with the lock released; RUNNING[SLOT] names it. */
static void run_next(struct blk_async *a, unsigned slot) {
  struct blk_async_job job = a->queue[a->head++ % QUEUE_MAX];
  a->running[slot] = job.ret_gpa;
  a->busy[slot] = true;
  pthread_mutex_unlock(&a->lock);
  blk_async_run(a->fd, &job);
  pthread_mutex_lock(&a->lock);
  a->busy[slot] = false;
  if (a->waiters)
    pthread_cond_broadcast(&a->done);
}

/* Copies pieces of r until none is left to take. */
static void take_pieces(struct shared_read *r) {
  for (uint32_t i; (i = atomic_fetch_add(&r->next, 1)) < r->pieces;) {
    size_t at = (size_t)i * PIECE, n = r->len - at < PIECE ? r->len - at : PIECE;
    int err = blk_transfer(r->fd, false, r->buf + at, n, r->off + at);
    int none = 0;
    if (err != 0)
      atomic_compare_exchange_strong(&r->err, &none, err);
  }
}

static bool shared_to_join(const struct blk_async *a) {
  return a->shared != NULL && a->shared_seq != a->joined_seq;
}

/* Joins the shared read (lock held): the vCPU thread waits for `helping` to clear before the
 * read's struct goes away, and it hands out no read once it has cleared `shared`. */
static void join_shared(struct blk_async *a) {
  struct shared_read *r = a->shared;
  a->joined_seq = a->shared_seq;
  atomic_store(&a->helping, true);
  pthread_mutex_unlock(&a->lock);
  take_pieces(r);
  atomic_store_explicit(&a->helping, false, memory_order_release);
  pthread_mutex_lock(&a->lock);
  if (a->waiters)
    pthread_cond_broadcast(&a->done);
}

static void *read_thread(void *arg) {
  struct blk_async *a = arg;
  pthread_mutex_lock(&a->lock);
  for (;;) {
    while (a->head == a->tail && !shared_to_join(a) && !a->stopping) {
      a->idle = true;
      pthread_cond_wait(&a->work, &a->lock);
    }
    a->idle = false;
    if (shared_to_join(a))
      join_shared(a);
    else if (a->head == a->tail)
      break;
    else
      run_next(a, 0);
  }
  pthread_mutex_unlock(&a->lock);
  return NULL;
}

struct blk_async *blk_async_start(int fd) {
  struct blk_async *a = calloc(1, sizeof(*a));
  if (!a)
    return NULL;
  a->fd = fd;
  if (pthread_mutex_init(&a->lock, NULL) != 0 || pthread_cond_init(&a->work, NULL) != 0 ||
      pthread_cond_init(&a->done, NULL) != 0 ||
      pthread_create(&a->thread, NULL, read_thread, a) != 0) {
    free(a);
    return NULL;
  }
  return a;
}

pthread_t blk_async_thread(const struct blk_async *a) {
  return a->thread;
}

void blk_async_stop(struct blk_async *a) {
  if (!a)
    return;
  pthread_mutex_lock(&a->lock);
  a->stopping = true;
  pthread_cond_signal(&a->work);
  pthread_mutex_unlock(&a->lock);
  pthread_join(a->thread, NULL);
  pthread_cond_destroy(&a->done);
  pthread_cond_destroy(&a->work);
  pthread_mutex_destroy(&a->lock);
  free(a);
}

/* Wakes the read thread if it sleeps (lock held): one system call, only when needed. */
static void wake_thread(struct blk_async *a) {
  if (a->idle) {
    a->idle = false;
    pthread_cond_signal(&a->work);
  }
}

int blk_async_read_shared(struct blk_async *a, uint8_t *buf, size_t len, uint64_t off) {
  struct shared_read r = {.fd = a->fd, .buf = buf, .off = off, .len = len};
  r.pieces = (uint32_t)((len + PIECE - 1) / PIECE);
  pthread_mutex_lock(&a->lock);
  a->shared = &r;
  a->shared_seq++;
  wake_thread(a);
  pthread_mutex_unlock(&a->lock);
  take_pieces(&r);
  pthread_mutex_lock(&a->lock);
  a->shared = NULL; /* from here the thread cannot join: only a piece it holds is left */
  pthread_mutex_unlock(&a->lock);
  for (uint32_t spins = 0; atomic_load_explicit(&a->helping, memory_order_acquire); spins++) {
    if (spins < SPIN_MAX) {
      __builtin_ia32_pause();
      continue;
    }
    pthread_mutex_lock(&a->lock); /* the thread lost its core mid-piece: sleep instead */
    while (atomic_load(&a->helping)) {
      a->waiters++;
      pthread_cond_wait(&a->done, &a->lock);
      a->waiters--;
    }
    pthread_mutex_unlock(&a->lock);
  }
  return atomic_load(&r.err);
}

void blk_async_post(struct blk_async *a, const struct blk_async_job *job) {
  pthread_mutex_lock(&a->lock);
  if (a->tail - a->head == QUEUE_MAX) {
    pthread_mutex_unlock(&a->lock);
    blk_async_run(a->fd, job);
    return;
  }
  a->queue[a->tail++ % QUEUE_MAX] = *job;
  wake_thread(a); /* one wake-up for the jobs of a batch */
  pthread_mutex_unlock(&a->lock);
}

/* Whether the job at RET_GPA is still to complete (any job with ALL). */
static bool outstanding(const struct blk_async *a, uint64_t ret_gpa, bool all) {
  if (all)
    return a->head != a->tail || a->busy[0] || a->busy[1];
  return queued_job(a, ret_gpa) || (a->busy[0] && a->running[0] == ret_gpa) ||
         (a->busy[1] && a->running[1] == ret_gpa);
}

static void wait_for(struct blk_async *a, uint64_t ret_gpa, bool all) {
  pthread_mutex_lock(&a->lock);
  while (outstanding(a, ret_gpa, all)) {
    if (a->head != a->tail && (all || queued_job(a, ret_gpa))) {
      run_next(a, 1); /* help: the job is behind others the thread has yet to take */
      continue;
    }
    a->waiters++;
    pthread_cond_wait(&a->done, &a->lock);
    a->waiters--;
  }
  pthread_mutex_unlock(&a->lock);
}

void blk_async_wait(struct blk_async *a, uint64_t ret_gpa) {
  wait_for(a, ret_gpa, false);
}

void blk_async_drain(struct blk_async *a) {
  if (a)
    wait_for(a, 0, true);
}
