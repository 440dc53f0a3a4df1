/* net_ring.c: the NIC's shared rings: a host thread moves frames while the guest runs, no exits. */
#include "net_ring.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "clock_ns.h"
#include "exit_status.h"
#include "hypercall.h"
#include "net.h"

/*
 * Why a thread: on these hosts a VM exit costs about as much as a whole
 * request served natively, and a request/response exchange over NET_IO
 * costs one. With the rings, the frames of a busy guest cross with no exit
 * at all: this thread reads the backend straight into the guest's rx
 * buffers and sends tx frames as the guest queues them, while the guest
 * polls its rx ring. Both poll only for a short while after the last frame
 * (poll_ns), then sleep: the guest in POLL, this thread in ppoll.
 */
#define RING_BATCH 64u /* frames per backend call */

struct net_ring {
  struct vm *vm;
  struct net_device *net;
  struct unikvm_net_ring *_Atomic shared; /* the guest's rings, NULL until offered */
  uint32_t slots, mask;
  uint32_t tx_tail; /* under tx_lock */
  uint32_t rx_used; /* under rx_lock */
  uint64_t poll_ns;
  pthread_t thread;
  pthread_mutex_t tx_lock; /* the thread and POLL on the vCPU both send */
  pthread_mutex_t rx_lock; /* and both receive */
  int wake_fd;             /* thread -> vCPU: rx filled while the guest waits in POLL */
  int kick_fd;             /* vCPU -> thread: rings offered, rx made room, stop */
  atomic_bool stop;
  atomic_bool broken;
  _Atomic uint64_t answer_until; /* POLL handed the guest frames: stay awake for its answer */
  char why[200];                 /* what was wrong with the guest's rings, once broken */
  /* --stats */
  atomic_uint_fast64_t tx_thread, tx_vcpu, wakeups, kicks, sleeps;
};

static inline uint32_t load_acquire(const uint32_t *p) {
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline void store_release(uint32_t *p, uint32_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
/* Each side stores its flag, then reads the other's: neither may miss both. */
static inline void full_fence(void) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void signal_fd(int fd) {
  uint64_t one = 1;
  ssize_t n = write(fd, &one, sizeof(one));
  (void)n; /* an eventfd counter cannot overflow at these rates */
}

static void drain_fd(int fd) {
  uint64_t count;
  ssize_t n = read(fd, &count, sizeof(count)); /* non-blocking eventfd */
  (void)n;
}

/* The guest broke its rings: the thread stops touching them, POLL stops the VM. */
static uint32_t ring_broken(struct net_ring *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static uint32_t ring_broken(struct net_ring *r, const char *fmt, ...) {
  if (!atomic_load(&r->broken)) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof(r->why), fmt, ap);
    va_end(ap);
    atomic_store(&r->broken, true);
    signal_fd(r->wake_fd); /* a guest waiting in POLL learns it now */
  }
  return 0;
}

/*
 * One ring entry, read once: the guest may rewrite it meanwhile, and what
 * was checked must be what is used. NULL (and the rings are broken) unless
 * the buffer lies in guest RAM and its length is right for DIRECTION.
 */
static void *entry_buffer(struct net_ring *r, struct unikvm_net_frame *e, bool tx, uint32_t *len) {
  uint64_t gpa = __atomic_load_n(&e->data, __ATOMIC_RELAXED);
  uint32_t n = __atomic_load_n(&e->len, __ATOMIC_RELAXED), max = net_frame_max(r->net);
  void *p = guest_mem_ptr(&r->vm->mem, gpa, n);
  if (!p) {
    ring_broken(r, "%s ring: buffer 0x%" PRIx64 "+%u outside guest RAM", tx ? "tx" : "rx", gpa, n);
    return NULL;
  }
  if (tx ? n < 14 || n > max : n < max) {
    ring_broken(r, "%s ring: %u-byte %s (frames are 14..%u bytes)", tx ? "tx" : "rx", n,
                tx ? "frame" : "buffer", max);
    return NULL;
  }
  *len = n;
  return p;
}

/* Sends every frame the guest queued on tx. The caller holds tx_lock. */
static uint32_t send_queued(struct net_ring *r, struct unikvm_net_ring *s) {
  uint32_t head = load_acquire(&s->tx_head), pending = head - r->tx_tail;
  if (pending > r->slots)
    return ring_broken(r, "tx ring: head %u is %u entries past tail %u (%u slots)", head, pending,
                       r->tx_tail, r->slots);
  for (uint32_t done = 0; done < pending;) {
    struct iovec iov[RING_BATCH];
    uint32_t n = pending - done < RING_BATCH ? pending - done : RING_BATCH, len;
    for (uint32_t i = 0; i < n; i++) {
      void *p = entry_buffer(r, &s->tx[(r->tx_tail + done + i) & r->mask], true, &len);
      if (!p)
        return 0;
      iov[i] = (struct iovec){.iov_base = p, .iov_len = len};
    }
    net_send_iov(r->net, iov, n);
    done += n;
  }
  r->tx_tail = head;
  store_release(&s->tx_tail, head);
  return pending;
}

/* Reads up to N frames from the backend into the next N buffers the guest posted on rx and
 * hands them over. The caller holds rx_lock. */
static uint32_t receive_into_posted(struct net_ring *r, struct unikvm_net_ring *s, uint32_t n) {
  uint32_t len, lens[RING_BATCH];
  struct iovec iov[RING_BATCH];
  for (uint32_t i = 0; i < n; i++) {
    void *p = entry_buffer(r, &s->rx[(r->rx_used + i) & r->mask], false, &len);
    if (!p)
      return 0;
    iov[i] = (struct iovec){.iov_base = p, .iov_len = len};
  }
  uint32_t got = net_backend_read(r->net, iov, lens, n);
  for (uint32_t i = 0; i < got; i++)
    __atomic_store_n(&s->rx[(r->rx_used + i) & r->mask].len, lens[i], __ATOMIC_RELAXED);
  r->rx_used += got;
  store_release(&s->rx_used, r->rx_used);
  return got;
}

/*
 * Reads what the backend has (up to RING_BATCH frames) into the buffers the
 * guest posted on rx. The caller holds rx_lock. The first read takes one
 * buffer: most looks find nothing (this thread looks while the guest works
 * on a request), and checking a whole batch of buffers for nothing cost
 * more than the read itself; the first frame also reaches the guest sooner.
 */
static uint32_t receive_waiting(struct net_ring *r, struct unikvm_net_ring *s) {
  uint32_t avail = load_acquire(&s->rx_avail), room = avail - r->rx_used;
  if (room > r->slots)
    return ring_broken(r, "rx ring: %u buffers posted past %u (%u slots)", room, r->rx_used,
                       r->slots);
  if (room == 0 || receive_into_posted(r, s, 1) == 0)
    return 0;
  room--;
  return 1 +
         (room == 0 ? 0 : receive_into_posted(r, s, room < RING_BATCH - 1 ? room : RING_BATCH - 1));
}

/* After the thread filled rx: a guest waiting in POLL is woken (the vCPU, filling rx itself
 * in POLL, needs no wake-up). */
static void wake_waiting_guest(struct net_ring *r, struct unikvm_net_ring *s) {
  full_fence(); /* rx_used before the guest's flag: the guest sets its flag, then looks */
  if (__atomic_load_n(&s->guest_waiting, __ATOMIC_RELAXED)) {
    signal_fd(r->wake_fd);
    atomic_fetch_add(&r->wakeups, 1);
  }
}

/*
 * Runs MOVE (send_queued or receive_waiting) under LOCK: both the thread and
 * the vCPU's POLL move frames. The thread only tries (WAIT false): when the
 * vCPU holds the lock it is moving those frames already.
 */
static uint32_t move_locked(struct net_ring *r, struct unikvm_net_ring *s, pthread_mutex_t *lock,
                            uint32_t (*move)(struct net_ring *, struct unikvm_net_ring *),
                            bool wait) {
  if (wait)
    pthread_mutex_lock(lock);
  else if (pthread_mutex_trylock(lock) != 0)
    return 0;
  uint32_t n = atomic_load(&r->broken) ? 0 : move(r, s);
  pthread_mutex_unlock(lock);
  return n;
}

static uint32_t send_locked(struct net_ring *r, struct unikvm_net_ring *s, bool wait) {
  return move_locked(r, s, &r->tx_lock, send_queued, wait);
}

static uint32_t receive_locked(struct net_ring *r, struct unikvm_net_ring *s, bool wait) {
  return move_locked(r, s, &r->rx_lock, receive_waiting, wait);
}

/*
 * Nothing moved for poll_ns: sleep until the backend has a frame (when rx
 * has room for it) or the vCPU kicks. `polling` tells the guest first what
 * it must now exit for; if it queued a frame or made room just before,
 * this thread sees it and does not sleep.
 */
static void sleep_until_needed(struct net_ring *r, struct unikvm_net_ring *s) {
  /* The backend is watched only for a guest that polls rx: one that waits in POLL reads
   * it on the vCPU (one wake-up instead of two), and a full rx has nowhere to put frames. */
  bool watch = __atomic_load_n(&s->guest_polls, __ATOMIC_RELAXED) &&
               load_acquire(&s->rx_avail) != load_acquire(&s->rx_used);
  __atomic_store_n(&s->polling, watch ? UNIKVM_NET_RING_POLL_RX : 0u, __ATOMIC_RELAXED);
  full_fence();
  bool queued = load_acquire(&s->tx_head) != load_acquire(&s->tx_tail);
  bool watch_now = __atomic_load_n(&s->guest_polls, __ATOMIC_RELAXED) &&
                   load_acquire(&s->rx_avail) != load_acquire(&s->rx_used);
  if (!queued && watch_now == watch) {
    struct pollfd fds[2] = {{.fd = r->kick_fd, .events = POLLIN},
                            {.fd = net_watch_fd(r->net), .events = POLLIN}};
    atomic_fetch_add(&r->sleeps, 1);
    if (ppoll(fds, watch ? 2 : 1, NULL, NULL) > 0 && (fds[0].revents & POLLIN))
      drain_fd(r->kick_fd);
    if (watch)
      net_note_poll(r->net, fds[1].revents, r->vm->console_err_fd);
  }
  __atomic_store_n(&s->polling, UNIKVM_NET_RING_POLL_TX | UNIKVM_NET_RING_POLL_RX,
                   __ATOMIC_RELAXED);
  full_fence();
}

/* Sleeps until the vCPU signals kick_fd (rings offered, room made, stop). */
static void wait_for_kick(struct net_ring *r) {
  struct pollfd fd = {.fd = r->kick_fd, .events = POLLIN};
  if (ppoll(&fd, 1, NULL, NULL) > 0)
    drain_fd(r->kick_fd);
}

static void *ring_thread(void *arg) {
  struct net_ring *r = arg;
  struct unikvm_net_ring *s;
  while (!(s = atomic_load(&r->shared)) && !atomic_load(&r->stop))
    wait_for_kick(r);
  /*
   * How long to stay awake: after a frame went to the guest, long enough for
   * its answer (poll_ns); after frames left, briefly (poll_ns / 8) while the
   * guest still works, for the next ones (a FIN after a response, the rest
   * of a burst), and not at all once the guest is idle (guest_idle: it sends
   * nothing more before a frame comes). Between a response and the client's
   * next request this thread sleeps in ppoll: the guest polls then, and on
   * two cores the client needs the other one, which a thread spinning there
   * would hold (a client that shares a CPU with this thread waits for it; one
   * free to move may be put on the guest's CPU).
   */
  uint64_t awake_until = clock_ns(CLOCK_MONOTONIC) + r->poll_ns, linger_ns = r->poll_ns / 8;
  while (!atomic_load(&r->stop)) {
    if (atomic_load(&r->broken)) {
      wait_for_kick(r); /* only the stop can come now */
      continue;
    }
    /* A guest that does not poll rx waits in POLL, where the vCPU reads the backend: this
     * thread then only sends what is queued and goes back to sleep. */
    bool guest_polls = __atomic_load_n(&s->guest_polls, __ATOMIC_RELAXED) != 0;
    /* Frames that POLL handed to the guest get an answer, as the thread's own do. */
    uint64_t answer_until = atomic_load(&r->answer_until);
    uint32_t got = guest_polls ? receive_locked(r, s, false) : 0;
    if (got)
      wake_waiting_guest(r, s);
    uint32_t sent = send_locked(r, s, false);
    atomic_fetch_add(&r->tx_thread, sent);
    uint64_t now = clock_ns(CLOCK_MONOTONIC);
    if (!guest_polls)
      awake_until = now;
    if (sent) {
      awake_until = now + (__atomic_load_n(&s->guest_idle, __ATOMIC_ACQUIRE) ? 0 : linger_ns);
      /* The answer went (unless POLL handed over more frames meanwhile). */
      atomic_compare_exchange_strong(&r->answer_until, &answer_until, 0);
    }
    if (got)
      awake_until = now + r->poll_ns;
    if (got || sent)
      continue;
    if (guest_polls && answer_until > awake_until)
      awake_until = answer_until;
    if (now >= awake_until) {
      sleep_until_needed(r, s);
      awake_until = clock_ns(CLOCK_MONOTONIC) + linger_ns;
      continue;
    }
    /* Watch tx in memory for a while before the next look at the backend (a system call);
     * a client that wants this core gets it first. */
    for (int i = 0; i < 64 && load_acquire(&s->tx_head) == load_acquire(&s->tx_tail); i++)
      __builtin_ia32_pause();
    sched_yield();
  }
  return NULL;
}

int net_ring_start(struct vm *vm, struct net_device *net, uint64_t poll_ns, char *err,
                   size_t errlen) {
  struct net_ring *r = calloc(1, sizeof(*r));
  if (!r) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  r->vm = vm;
  r->net = net;
  r->poll_ns = poll_ns;
  r->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  r->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (r->wake_fd < 0 || r->kick_fd < 0 || pthread_mutex_init(&r->tx_lock, NULL) != 0 ||
      pthread_mutex_init(&r->rx_lock, NULL) != 0 ||
      pthread_create(&r->thread, NULL, ring_thread, r) != 0) {
    snprintf(err, errlen, "cannot start the ring thread: %s", strerror(errno));
    return -1;
  }
  /* The thread may still be in glibc's start-up when the filter comes: sandbox.c allows what
   * that runs (rseq, set_robust_list), as it must for every thread. */
  net->ring = r;
  return 0;
}

int net_ring_offer(struct vm *vm, struct net_ring *r, uint64_t gpa, uint32_t slots,
                   uint32_t *poll_ns) {
  if (slots == 0 || slots > UNIKVM_NET_RING_SLOTS_MAX || (slots & (slots - 1)) != 0)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest",
                   "hypercall net_ring: %u slots (a power of two up to %u)", slots,
                   UNIKVM_NET_RING_SLOTS_MAX);
  if (gpa % 64 != 0)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest",
                   "hypercall net_ring: rings at 0x%" PRIx64 " not 64-byte aligned", gpa);
  struct unikvm_net_ring *s = guest_mem_ptr(&vm->mem, gpa, sizeof(*s));
  if (!s)
    return hc_bad_address(vm, "hc_net_ring", gpa, sizeof(*s));
  if (atomic_load(&r->shared))
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "hypercall net_ring: rings offered twice");
  r->slots = slots;
  r->mask = slots - 1;
  r->tx_tail = r->rx_used = 0;
  store_release(&s->tx_tail, 0);
  store_release(&s->rx_used, 0);
  __atomic_store_n(&s->polling, UNIKVM_NET_RING_POLL_TX | UNIKVM_NET_RING_POLL_RX,
                   __ATOMIC_RELEASE);
  atomic_store(&r->shared, s);
  signal_fd(r->kick_fd);
  *poll_ns = (uint32_t)(r->poll_ns < UINT32_MAX ? r->poll_ns : UINT32_MAX);
  return 0;
}

bool net_ring_active(const struct net_ring *r) {
  return r && atomic_load(&r->shared) != NULL;
}

static uint64_t rx_ready(struct unikvm_net_ring *s) {
  return load_acquire(&s->rx_used) != load_acquire(&s->rx_seen) ? UNIKVM_READY_NET_RX : 0;
}

static uint64_t stop_broken(struct vm *vm, struct net_ring *r) {
  vm_fail(vm, EXIT_GUEST_ABI, "guest", "%s", r->why);
  return 0;
}

/*
 * POLL returns frames to a guest that polls rx: the thread stays awake (and
 * is woken if it sleeps) for poll_ns, as after frames it delivered itself,
 * to send the answer. Without it the guest, finding its answer queued and
 * nobody watching tx, exits again to send it, and waits in that POLL for
 * the next request: one exit per request from then on.
 */
static void wake_for_answer(struct net_ring *r, struct unikvm_net_ring *s) {
  if (!__atomic_load_n(&s->guest_polls, __ATOMIC_RELAXED))
    return;
  atomic_store(&r->answer_until, clock_ns(CLOCK_MONOTONIC) + r->poll_ns);
  if (!(__atomic_load_n(&s->polling, __ATOMIC_ACQUIRE) & UNIKVM_NET_RING_POLL_TX)) {
    signal_fd(r->kick_fd);
    atomic_fetch_add(&r->kicks, 1);
  }
}

uint64_t net_ring_wait(struct vm *vm, struct net_ring *r, uint64_t timeout_ns) {
  struct unikvm_net_ring *s = atomic_load(&r->shared);
  if (atomic_load(&r->broken))
    return stop_broken(vm, r);
  atomic_fetch_add(&r->tx_vcpu, send_locked(r, s, true));
  /* A guest that polls rx wants the thread awake to fill it: it sleeps without watching. */
  if (__atomic_load_n(&s->guest_polls, __ATOMIC_RELAXED) &&
      !(__atomic_load_n(&s->polling, __ATOMIC_ACQUIRE) & UNIKVM_NET_RING_POLL_RX)) {
    signal_fd(r->kick_fd);
    atomic_fetch_add(&r->kicks, 1);
  }
  drain_fd(r->wake_fd); /* a wake-up meant for an earlier wait */
  bool forever = timeout_ns == UINT64_MAX;
  uint64_t deadline = deadline_after_ns(timeout_ns); /* UINT64_MAX when forever */
  for (;;) {
    receive_locked(r, s, true);
    if (atomic_load(&r->broken))
      return stop_broken(vm, r);
    uint64_t ready = rx_ready(s), now = clock_ns(CLOCK_MONOTONIC);
    if (ready)
      wake_for_answer(r, s);
    if (ready || now >= deadline || vm_stop_signal)
      return ready;
    /* The backend itself, and the thread's wake-up for frames it took meanwhile. */
    struct pollfd fds[2] = {{.fd = r->wake_fd, .events = POLLIN},
                            {.fd = net_watch_fd(r->net), .events = POLLIN}};
    struct timespec ts = timespec_of_ns(deadline - now);
    if (ppoll(fds, 2, forever ? NULL : &ts, NULL) > 0 && (fds[0].revents & POLLIN))
      drain_fd(r->wake_fd);
    net_note_poll(r->net, fds[1].revents, vm->console_err_fd);
  }
}

void net_ring_stop(struct net_ring *r) {
  if (!r || atomic_load(&r->stop))
    return;
  atomic_store(&r->stop, true);
  signal_fd(r->kick_fd);
  pthread_join(r->thread, NULL);
}

void net_ring_free(struct net_ring *r) {
  if (!r)
    return;
  close(r->wake_fd);
  close(r->kick_fd);
  pthread_mutex_destroy(&r->tx_lock);
  pthread_mutex_destroy(&r->rx_lock);
  free(r);
}

void net_ring_fds(const struct net_ring *r, int fds[2]) {
  fds[0] = r ? r->wake_fd : -1;
  fds[1] = r ? r->kick_fd : -1;
}

pthread_t net_ring_thread(const struct net_ring *r) {
  return r->thread;
}

void net_ring_print_stats(const struct net_ring *r, FILE *out) {
  fprintf(out,
          "unikvm: stats: net_ring active=%d tx_by_thread=%" PRIuFAST64 " tx_by_vcpu=%" PRIuFAST64
          " guest_wakeups=%" PRIuFAST64 " thread_kicks=%" PRIuFAST64 " thread_sleeps=%" PRIuFAST64
          "\n",
          net_ring_active(r), atomic_load(&r->tx_thread), atomic_load(&r->tx_vcpu),
          atomic_load(&r->wakeups), atomic_load(&r->kicks), atomic_load(&r->sleeps));
}
