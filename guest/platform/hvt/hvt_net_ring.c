/* hvt_net_ring.c: the NIC over the host's shared rings (NET_RING): frames move without exits. */
#include "hvt_net_ring.h"

#include <guest/clock.h>
#include <malloc.h>
#include <string.h>

#include "hvt_hypercall.h"

/*
 * The host's ring thread sends what tx holds and fills the rx buffers
 * posted here while it polls (ring->polling says which it does). This side
 * polls rx for poll_ns once it runs out of work, then waits in POLL, the
 * one exit left, which also sends whatever the host did not take. So a
 * request and its answer cross with no exit while traffic keeps coming.
 *
 * tx frames are copied into a circular arena, freed in the order the host
 * consumes them (tx_tail); lent frames are given back through their done
 * callback at the same point.
 */
#define SLOTS 64u
#define MASK  (SLOTS - 1u)

struct tx_lent {
  void (*done)(void *);
  void *arg;
};

static struct unikvm_net_ring *ring;
static uint64_t poll_ns;        /* the host's --net-poll: the longest the idle guest polls */
static uint64_t spin_ns;        /* how long it polls now: poll_ns, or 0 (see adapt_spin) */
static uint32_t spin_fails;     /* failure score of the last windows (see adapt_spin) */
static uint32_t waits_unpolled; /* waits in POLL since polling was turned off */
static uint32_t frame_max;
static uint32_t rx_posted; /* buffers circulating on rx */
static uint32_t rx_next;   /* the next rx entry to hand out */
static uint32_t tx_head;   /* entries queued */
static uint32_t tx_freed;  /* entries whose buffers were given back */
static uint8_t *arena;
static size_t arena_bytes, arena_head, arena_used;
static uint32_t tx_charge[SLOTS]; /* arena bytes each entry holds */
static struct tx_lent tx_lent[SLOTS];

static inline uint32_t load_acquire(const uint32_t *p) {
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline void store_release(uint32_t *p, uint32_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

bool hvt_ring_start(uint8_t *const *bufs, uint32_t nbufs, uint32_t max, uint8_t *tx_arena,
                    size_t tx_bytes) {
  struct unikvm_net_ring *r = memalign(64, sizeof(*r));
  if (r == NULL || nbufs == 0 || nbufs > SLOTS)
    return false;
  memset(r, 0, sizeof(*r));
  for (uint32_t i = 0; i < nbufs; i++)
    r->rx[i] = (struct unikvm_net_frame){.data = (uint64_t)(uintptr_t)bufs[i], .len = max};
  r->rx_avail = nbufs;
  struct unikvm_hc_net_ring arg = {.ring = (uint64_t)(uintptr_t)r, .slots = SLOTS};
  hvt_hypercall(UNIKVM_HC_NET_RING, &arg);
  if (arg.ret != 0) {
    free(r);
    return false;
  }
  ring = r;
  poll_ns = spin_ns = arg.poll_ns;
  frame_max = max;
  rx_posted = nbufs;
  arena = tx_arena;
  arena_bytes = tx_bytes;
  return true;
}

/* ---- tx ---------------------------------------------------------------------- */

/* Gives back the buffers of every entry the host has sent. */
static void tx_reclaim(void) {
  uint32_t tail = load_acquire(&ring->tx_tail);
  while (tx_freed != tail) {
    uint32_t slot = tx_freed++ & MASK;
    arena_used -= tx_charge[slot];
    struct tx_lent lent = tx_lent[slot];
    if (lent.done != NULL)
      lent.done(lent.arg);
  }
  if (tx_freed == tx_head)
    arena_head = arena_used = 0; /* empty: start over at the front, where the cache is warm */
}

/* The host sends everything queued before this returns (POLL runs tx on the vCPU). */
static void tx_push(void) {
  struct unikvm_hc_poll arg = {.timeout_ns = 0, .ready = 0};
  hvt_hypercall(UNIKVM_HC_POLL, &arg);
  tx_reclaim();
}

void hvt_ring_flush(void) {
  tx_reclaim();
  if (tx_freed != tx_head)
    tx_push();
}

/* LEN bytes (8-byte aligned) from the arena's free region, which may wrap once; NULL if full. */
static uint8_t *arena_take(size_t len, uint32_t *charge) {
  size_t need = (len + 7u) & ~(size_t)7u, free_bytes = arena_bytes - arena_used;
  if (arena_head + need <= arena_bytes) {
    if (need > free_bytes)
      return NULL;
    *charge = (uint32_t)need;
    uint8_t *p = arena + arena_head;
    arena_head += need;
    arena_used += need;
    return p;
  }
  size_t skipped = arena_bytes - arena_head; /* the end of the arena is left unused */
  if (skipped + need > free_bytes)
    return NULL;
  *charge = (uint32_t)(skipped + need);
  arena_used += skipped + need;
  arena_head = need;
  return arena;
}

static void tx_post(const void *frame, size_t len, uint32_t charge, struct tx_lent lent) {
  uint32_t slot = tx_head & MASK;
  ring->tx[slot] =
      (struct unikvm_net_frame){.data = (uint64_t)(uintptr_t)frame, .len = (uint32_t)len};
  tx_charge[slot] = charge;
  tx_lent[slot] = lent;
  store_release(&ring->tx_head, ++tx_head);
}

static bool tx_slot_free(void) {
  if (tx_head - tx_freed < SLOTS)
    return true;
  tx_reclaim();
  if (tx_head - tx_freed < SLOTS)
    return true;
  tx_push();
  return tx_head - tx_freed < SLOTS;
}

int hvt_ring_send(const void *frame, size_t len) {
  if (len > frame_max || !tx_slot_free())
    return -1;
  uint32_t charge;
  uint8_t *copy = arena_take(len, &charge);
  if (copy == NULL) {
    tx_reclaim();
    if ((copy = arena_take(len, &charge)) == NULL) {
      tx_push(); /* everything leaves: the arena is empty after this */
      if ((copy = arena_take(len, &charge)) == NULL)
        return -1;
    }
  }
  memcpy(copy, frame, len);
  tx_post(copy, len, charge, (struct tx_lent){NULL, NULL});
  return 0;
}

int hvt_ring_send_lent(const void *frame, size_t len, void (*done)(void *), void *arg) {
  if (len > frame_max || !tx_slot_free())
    return -1;
  tx_post(frame, len, 0, (struct tx_lent){done, arg});
  return 0;
}

/* ---- rx ---------------------------------------------------------------------- */

static bool rx_waiting(void) {
  return rx_next != load_acquire(&ring->rx_used);
}

const void *hvt_ring_receive(size_t *len) {
  if (!rx_waiting())
    return NULL;
  const struct unikvm_net_frame *f = &ring->rx[rx_next & MASK];
  *len = f->len;
  return (const void *)(uintptr_t)f->data;
}

/* The entry's buffer (or FRESH in its place) goes back to the host, rx_posted entries on. */
static void rx_repost(uint64_t buf) {
  ring->rx[(rx_next + rx_posted) & MASK] = (struct unikvm_net_frame){.data = buf, .len = frame_max};
  rx_next++;
  store_release(&ring->rx_avail, rx_next + rx_posted);
}

void hvt_ring_release(void) {
  if (rx_waiting())
    rx_repost(ring->rx[rx_next & MASK].data);
}

void *hvt_ring_receive_swap(void *fresh) {
  if (!rx_waiting())
    return NULL;
  void *frame = (void *)(uintptr_t)ring->rx[rx_next & MASK].data;
  rx_repost((uint64_t)(uintptr_t)fresh);
  return frame;
}

/* ---- waiting ------------------------------------------------------------------ */

/* Frames queued on tx that the host's thread is not watching for: only POLL sends them. */
static bool tx_needs_exit(void) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  return tx_head != load_acquire(&ring->tx_tail) &&
         !(__atomic_load_n(&ring->polling, __ATOMIC_RELAXED) & UNIKVM_NET_RING_POLL_TX);
}

/*
 * Polls rx until DEADLINE while the host polls too. Stops early when only
 * an exit can move things on: queued tx the host does not watch, or an rx
 * side the host stopped filling (it ran out of buffers and sleeps).
 */
static bool poll_rx(uint64_t deadline) {
  for (uint32_t spins = 0;; spins++) {
    if (rx_waiting())
      return true;
    if (tx_needs_exit() ||
        !(__atomic_load_n(&ring->polling, __ATOMIC_RELAXED) & UNIKVM_NET_RING_POLL_RX))
      return false;
    if (spins % 64 == 63 && guest_clock_monotonic_ns() >= deadline)
      return false;
    __builtin_ia32_pause();
  }
}

/*
 * Polling pays only while frames come back within the window, and here it
 * can also be what keeps them from coming: a client on the vCPU's CPU gets
 * that CPU only when the guest stops polling, so each window it waits out
 * in vain costs that request the whole window. Polling is judged by its
 * results: a window that saw a frame takes one off a failure score, one
 * that did not adds three, and a score of twelve (more than about one
 * window in four in vain) turns polling off: the guest then waits in POLL
 * at once, one exit per exchange and no CPU burnt. After 256 such waits it
 * is tried again.
 */
#define SPIN_FAIL_COST   3u
#define SPIN_FAILS_MAX   12u
#define SPIN_RETRY_AFTER 256u

static void adapt_spin(bool frame_came_while_polling) {
  if (frame_came_while_polling) {
    if (spin_fails > 0)
      spin_fails--;
  } else if (spin_ns > 0 && (spin_fails += SPIN_FAIL_COST) >= SPIN_FAILS_MAX) {
    spin_ns = 0;
    waits_unpolled = 0;
  }
}

/* A wait in POLL that a frame ended, while polling is off: count towards the next try. */
static void count_unpolled_wait(void) {
  if (spin_ns == 0 && ++waits_unpolled >= SPIN_RETRY_AFTER) {
    spin_ns = poll_ns;
    spin_fails = 0;
  }
}

static void drop_unattached(bool attached) {
  if (!attached)
    while (rx_waiting())
      hvt_ring_release(); /* nobody takes frames yet: drop them */
}

bool hvt_ring_exchange(uint64_t timeout_ns, bool attached) {
  tx_reclaim();
  drop_unattached(attached);
  uint64_t now = guest_clock_monotonic_ns();
  uint64_t deadline = timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
  bool spin = attached && spin_ns > 0 && timeout_ns > 0 && !rx_waiting();
  __atomic_store_n(&ring->guest_polls, spin ? 1u : 0u, __ATOMIC_RELAXED);
  /* Every frame of this pass is queued: the host need not linger for more (tx_head first). */
  __atomic_store_n(&ring->guest_idle, timeout_ns > 0 ? 1u : 0u, __ATOMIC_RELEASE);
  if (spin && !(__atomic_load_n(&ring->polling, __ATOMIC_ACQUIRE) & UNIKVM_NET_RING_POLL_RX)) {
    /* The host's thread sleeps without watching the backend: this POLL wakes it. */
    struct unikvm_hc_poll kick = {.timeout_ns = 0, .ready = 0};
    hvt_hypercall(UNIKVM_HC_POLL, &kick);
  }
  bool came = spin && poll_rx(spin_ns < deadline - now ? now + spin_ns : deadline);
  /* Only a window that ran its full length is a failure: the timeout or the host may end it. */
  if (spin && (came || guest_clock_monotonic_ns() >= now + spin_ns))
    adapt_spin(came);
  if (rx_waiting() && !tx_needs_exit()) {
    __atomic_store_n(&ring->guest_idle, 0u, __ATOMIC_RELAXED);
    return true;
  }
  now = guest_clock_monotonic_ns();
  uint64_t wait_ns = deadline == UINT64_MAX ? UINT64_MAX : deadline > now ? deadline - now : 0;
  ring->rx_seen = rx_next;
  __atomic_store_n(&ring->guest_waiting, 1u, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the flag before the host's rx_used */
  if (rx_waiting())
    wait_ns = 0; /* a frame came meanwhile: POLL only sends */
  struct unikvm_hc_poll arg = {.timeout_ns = wait_ns, .ready = 0};
  hvt_hypercall(UNIKVM_HC_POLL, &arg);
  __atomic_store_n(&ring->guest_waiting, 0u, __ATOMIC_RELAXED);
  __atomic_store_n(&ring->guest_idle, 0u, __ATOMIC_RELAXED);
  if (wait_ns > 0 && rx_waiting())
    count_unpolled_wait();
  tx_reclaim();
  drop_unattached(attached);
  return rx_waiting();
}
