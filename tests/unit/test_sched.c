/* test_sched.c: the guest scheduler, switch, fork and locks, native on a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <guest/alloc.h>
#include <guest/clock.h>
#include <guest/lock.h>
#include <guest/panic.h>
#include <guest/platform.h>
#include <guest/sched.h>

/*
 * The scheduler's platform: a clock that only moves when the idle guest
 * "polls", so every timeout is exact and instant; panics end the (forked)
 * test process with the message on a pipe.
 */
static uint64_t fake_now;
static unsigned polls;
static int panic_fd = -1;

uint64_t guest_clock_monotonic_ns(void) {
  return fake_now;
}

/* A fake NIC: when present, a poll with no deadline ends with a frame event. */
static bool fake_nic;
static uint64_t last_timeout;

uint64_t platform_poll(uint64_t timeout_ns) {
  polls++;
  last_timeout = timeout_ns;
  if (fake_nic && timeout_ns == UINT64_MAX)
    return 1;
  fake_now += timeout_ns;
  return 0;
}

bool platform_has_events(void) {
  return fake_nic;
}

void *guest_alloc(size_t size) {
  return malloc(size);
}

void guest_free(void *p) {
  free(p);
}

noreturn void guest_vpanic(const char *fmt, va_list ap) {
  char msg[256];
  int n = vsnprintf(msg, sizeof(msg), fmt, ap);
  if (panic_fd >= 0)
    (void)!write(panic_fd, msg, (size_t)n);
  _exit(134);
}

noreturn void guest_panic(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  guest_vpanic(fmt, ap);
}

static int setup(void **state) {
  (void)state;
  static int initialised;
  if (!initialised)
    guest_sched_init(0, 0); /* this host thread's stack: bounds unknown, not checked */
  initialised = 1;
  fake_now = 1000;
  polls = 0;
  fake_nic = false;
  guest_sched_set_event_handler(NULL);
  return 0;
}

static char log_buf[64];
static size_t log_len;

static void log_char(char c) {
  log_buf[log_len++] = c;
  log_buf[log_len] = '\0';
}

static void log_reset(void) {
  log_len = 0;
  log_buf[0] = '\0';
}

/* Threads end on their own; the test frees them once they are all done. */
static struct guest_thread *spawn(void (*fn)(void *), void *arg) {
  struct guest_thread *t = guest_thread_create("test", 64 * 1024, fn, arg);
  assert_non_null(t);
  guest_thread_start(t);
  return t;
}

static struct guest_waitq done_q;
static int running;

static void finished(void) {
  running--;
  guest_waitq_wake_all(&done_q);
}

static void wait_all(struct guest_thread **t, int n) {
  while (running > 0)
    guest_waitq_wait(&done_q, GUEST_FOREVER);
  for (int i = 0; i < n; i++)
    guest_thread_free(t[i]);
}

/* ---- yield ----------------------------------------------------------------- */

static void yielder(void *arg) {
  for (int i = 0; i < 3; i++) {
    log_char(*(const char *)arg);
    guest_yield();
  }
  finished();
}

static void test_yield_round_robin(void **state) {
  (void)state;
  log_reset();
  static const char names[] = "ABC";
  struct guest_thread *t[3];
  running = 3;
  for (int i = 0; i < 3; i++)
    t[i] = spawn(yielder, (void *)&names[i]);
  wait_all(t, 3);
  assert_string_equal(log_buf, "ABCABCABC");
  guest_yield(); /* nothing else runnable: returns at once */
  assert_int_equal(polls, 0);
}

/* ---- wait queues and sleeping ------------------------------------------------- */

static struct guest_waitq q;

static void queued(void *arg) {
  int r = guest_waitq_wait(&q, GUEST_FOREVER);
  if (r == GUEST_WOKEN)
    log_char(*(const char *)arg);
  finished();
}

static void test_waitq_fifo(void **state) {
  (void)state;
  log_reset();
  static const char names[] = "abcd";
  struct guest_thread *t[4];
  running = 4;
  for (int i = 0; i < 4; i++)
    t[i] = spawn(queued, (void *)&names[i]);
  guest_yield(); /* all four wait now */
  assert_false(guest_waitq_empty(&q));
  assert_ptr_equal(guest_waitq_wake_one(&q), t[0]);
  guest_yield();
  assert_string_equal(log_buf, "a");
  assert_int_equal(guest_waitq_wake_all(&q), 3);
  assert_null(guest_waitq_wake_one(&q));
  wait_all(t, 4);
  assert_string_equal(log_buf, "abcd");
}

static void sleeper(void *arg) {
  uintptr_t spec = (uintptr_t)arg;
  guest_sleep_until(1000 + (spec >> 8));
  log_char((char)(spec & 0xff));
  finished();
}

static void test_sleepers_wake_in_deadline_order(void **state) {
  (void)state;
  log_reset();
  struct guest_thread *t[3];
  running = 3;
  t[0] = spawn(sleeper, (void *)(uintptr_t)(300 << 8 | 'x'));
  t[1] = spawn(sleeper, (void *)(uintptr_t)(100 << 8 | 'y'));
  t[2] = spawn(sleeper, (void *)(uintptr_t)(200 << 8 | 'z'));
  wait_all(t, 3);
  assert_string_equal(log_buf, "yzx");
  /* Nothing else ran: the guest idled once per deadline, exactly until it. */
  assert_int_equal(polls, 3);
  assert_int_equal(fake_now, 1300);
}

static int timed_result;

static void timed_waiter(void *arg) {
  (void)arg;
  timed_result = guest_waitq_wait(&q, guest_clock_monotonic_ns() + 500);
  finished();
}

static void test_timed_wait(void **state) {
  (void)state;
  struct guest_thread *t[1];
  running = 1;
  t[0] = spawn(timed_waiter, NULL);
  wait_all(t, 1);
  assert_int_equal(timed_result, GUEST_TIMEDOUT);
  assert_true(guest_waitq_empty(&q)); /* a timed-out waiter leaves the queue */
  assert_int_equal(fake_now, 1500);

  running = 1;
  t[0] = spawn(timed_waiter, NULL);
  guest_yield();
  guest_waitq_wake_one(&q);
  wait_all(t, 1);
  assert_int_equal(timed_result, GUEST_WOKEN);
  assert_int_equal(polls, 1);
  /* A deadline already past returns at once, without blocking. */
  assert_int_equal(guest_waitq_wait(&q, 10), GUEST_TIMEDOUT);
}

/* ---- locks ---------------------------------------------------------------------- */

static struct guest_lock lock;

static void locker(void *arg) {
  guest_lock_acquire(&lock, GUEST_FOREVER);
  log_char(*(const char *)arg);
  guest_yield(); /* holds the lock across a switch */
  guest_lock_release(&lock);
  finished();
}

static void test_lock_handoff_in_order(void **state) {
  (void)state;
  log_reset();
  assert_true(guest_lock_try(&lock));
  assert_true(guest_lock_try(&lock)); /* the owner counts again */
  assert_int_equal(lock.count, 2);
  static const char names[] = "123";
  struct guest_thread *t[3];
  running = 3;
  for (int i = 0; i < 3; i++)
    t[i] = spawn(locker, (void *)&names[i]);
  guest_yield();
  assert_string_equal(log_buf, ""); /* all three wait for main */
  guest_lock_release(&lock);
  assert_true(guest_lock_held_by_me(&lock));
  guest_lock_release(&lock);
  assert_ptr_equal(lock.owner, t[0]); /* handed over, not up for grabs */
  assert_false(guest_lock_try(&lock));
  wait_all(t, 3);
  assert_string_equal(log_buf, "123");
  assert_null(lock.owner);
}

/* ---- fork: a copy of the thread on the same stack addresses ------------------------------- */

static int fork_seen[2];
static int *fork_addr[2];
static struct guest_waitq child_q;
static int child_done;

static void forker(void *arg) {
  (void)arg;
  volatile int local = 10;
  struct guest_thread *child = NULL;
  int r = guest_thread_fork("copy", &child);
  if (r == 0) {
    local += 5; /* the copy's own stack */
    guest_yield();
    fork_seen[1] = local;
    fork_addr[1] = (int *)&local;
    child_done = 1;
    guest_waitq_wake_all(&child_q);
    guest_thread_exit();
  }
  assert_int_equal(r, 1);
  guest_thread_start(child);
  guest_yield(); /* the copy runs on our stack addresses, then we get ours back */
  local += 1;
  guest_yield();
  fork_seen[0] = local;
  fork_addr[0] = (int *)&local;
  while (!child_done)
    guest_waitq_wait(&child_q, GUEST_FOREVER);
  guest_thread_free(child);
  finished();
}

static void test_fork_shares_addresses_not_contents(void **state) {
  (void)state;
  struct guest_thread *t[1];
  running = 1;
  t[0] = spawn(forker, NULL);
  wait_all(t, 1);
  assert_int_equal(fork_seen[0], 11);
  assert_int_equal(fork_seen[1], 15);
  assert_ptr_equal(fork_addr[0], fork_addr[1]);
}

static void test_run_now(void **state) {
  (void)state;
  log_reset();
  static const char names[] = "PQ";
  struct guest_thread *t[2];
  running = 2;
  t[0] = spawn(yielder, (void *)&names[0]);
  t[1] = guest_thread_create("now", 64 * 1024, yielder, (void *)&names[1]);
  guest_thread_run_now(t[1]); /* Q runs before P, which was queued first */
  log_char('m');
  wait_all(t, 2);
  assert_memory_equal(log_buf, "Qm", 2);
}

/* ---- failures: in a forked process, which the panic ends ------------------------------------ */

/* Runs fn in a child process; returns its panic message (static) after checking it exited 134. */
static const char *panic_of(void (*fn)(void)) {
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    panic_fd = fds[1];
    fn();
    _exit(0);
  }
  close(fds[1]);
  static char msg[256];
  ssize_t n = read(fds[0], msg, sizeof(msg) - 1);
  msg[n > 0 ? n : 0] = '\0';
  close(fds[0]);
  int st;
  waitpid(pid, &st, 0);
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 134);
  return msg;
}

static void deadlock(void) {
  guest_waitq_wait(&q, GUEST_FOREVER);
}

static void test_deadlock_is_reported(void **state) {
  (void)state;
  const char *msg = panic_of(deadlock);
  assert_non_null(strstr(msg, "deadlock: all threads blocked"));
}

static unsigned events_seen;

static void wake_q_on_event(uint64_t ready) {
  events_seen++;
  assert_int_equal(ready, 1);
  guest_waitq_wake_one(&q);
}

/* With a NIC, everyone blocked with no deadline is a wait for the network, not a deadlock. */
static void test_idle_waits_for_device_event(void **state) {
  (void)state;
  fake_nic = true;
  events_seen = 0;
  guest_sched_set_event_handler(wake_q_on_event);
  assert_int_equal(guest_waitq_wait(&q, GUEST_FOREVER), GUEST_WOKEN);
  assert_int_equal(polls, 1);
  assert_true(last_timeout == UINT64_MAX);
  assert_int_equal(events_seen, 1);
}

__attribute__((noinline)) static int deep(int n) {
  volatile char frame[256];
  memset((char *)frame, n, sizeof(frame));
  if (n == 0) {
    guest_yield();
    return frame[0];
  }
  return deep(n - 1) + frame[1];
}

static void overflowing_thread(void *arg) {
  deep((int)(intptr_t)arg);
}

static void overflow(void) {
  struct guest_thread *t = guest_thread_create("deep", 16 * 1024, overflowing_thread, (void *)72);
  guest_thread_start(t);
  guest_yield();
}

static void test_stack_overflow_is_reported(void **state) {
  (void)state;
  const char *msg = panic_of(overflow);
  assert_non_null(strstr(msg, "(deep): stack overflow"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_yield_round_robin, setup),
      cmocka_unit_test_setup(test_waitq_fifo, setup),
      cmocka_unit_test_setup(test_sleepers_wake_in_deadline_order, setup),
      cmocka_unit_test_setup(test_timed_wait, setup),
      cmocka_unit_test_setup(test_lock_handoff_in_order, setup),
      cmocka_unit_test_setup(test_fork_shares_addresses_not_contents, setup),
      cmocka_unit_test_setup(test_run_now, setup),
      cmocka_unit_test_setup(test_deadlock_is_reported, setup),
      cmocka_unit_test_setup(test_idle_waits_for_device_event, setup),
      cmocka_unit_test_setup(test_stack_overflow_is_reported, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
