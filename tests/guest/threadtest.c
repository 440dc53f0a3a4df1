/* threadtest.c: guest tests of threads, pthreads, fork, wait and pipes; argv[1] picks the group. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* usleep, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Every check prints "NAME: ok" or "NAME: FAILED (...)"; the integration test greps for them. */
static int failures;

static void check(const char *name, int ok) {
  printf("%s: %s\n", name, ok ? "ok" : "FAILED");
  if (!ok)
    failures++;
}

static long long monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* An absolute CLOCK_REALTIME (or other clock) time ms milliseconds from now. */
static struct timespec abstime_in(clockid_t clock, long ms) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  ts.tv_nsec += (ms % 1000) * 1000000;
  ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
  ts.tv_nsec %= 1000000000;
  return ts;
}

static pthread_t spawn(void *(*fn)(void *), void *arg) {
  pthread_t t;
  if (pthread_create(&t, NULL, fn, arg) != 0) {
    printf("pthread_create failed\n");
    exit(3);
  }
  return t;
}

/* Reads until EOF into buf (NUL-terminated); returns the byte count. */
static size_t read_all(int fd, char *buf, size_t size) {
  size_t got = 0;
  for (;;) {
    ssize_t n = read(fd, buf + got, size - 1 - got);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  buf[got] = '\0';
  return got;
}

/* ---- scheduling order ------------------------------------------------------- */

static char order_log[32];
static int order_len;

static void *order_thread(void *arg) {
  for (int i = 0; i < 3; i++) {
    order_log[order_len++] = *(const char *)arg;
    sched_yield();
  }
  return NULL;
}

static int cmd_yield(void) {
  pthread_t t[3];
  static const char names[] = "ABC";
  for (int i = 0; i < 3; i++)
    t[i] = spawn(order_thread, (void *)&names[i]);
  for (int i = 0; i < 3; i++)
    pthread_join(t[i], NULL);
  printf("order=%s\n", order_log);
  check("yield runs threads round robin", strcmp(order_log, "ABCABCABC") == 0);
  return failures != 0;
}

/* ---- mutexes -------------------------------------------------------------------- */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static int contended;

/* Yields inside the critical section: without exclusion, updates would be lost. */
static void *mutex_worker(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++) {
    if (pthread_mutex_trylock(&counter_lock) != 0) {
      contended++;
      pthread_mutex_lock(&counter_lock);
    }
    long v = counter;
    sched_yield();
    counter = v + 1;
    pthread_mutex_unlock(&counter_lock);
    sched_yield();
  }
  return NULL;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static volatile int held_state; /* 1: helper holds `held`, 2: main says let go */

static void *holder(void *arg) {
  (void)arg;
  pthread_mutex_lock(&held);
  held_state = 1;
  while (held_state != 2)
    sched_yield();
  pthread_mutex_unlock(&held);
  return NULL;
}

static int cmd_mutex(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    t[i] = spawn(mutex_worker, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  printf("counter=%ld contended=%d\n", counter, contended);
  check("mutex excludes across yields", counter == 4000);
  check("mutex was contended", contended > 0);

  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_t ec;
  pthread_mutex_init(&ec, &a);
  check("errorcheck lock", pthread_mutex_lock(&ec) == 0);
  check("errorcheck relock is EDEADLK", pthread_mutex_lock(&ec) == EDEADLK);
  check("errorcheck destroy while locked is EBUSY", pthread_mutex_destroy(&ec) == EBUSY);
  check("errorcheck unlock", pthread_mutex_unlock(&ec) == 0);
  check("errorcheck unlock unlocked is EPERM", pthread_mutex_unlock(&ec) == EPERM);

  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_t rec;
  pthread_mutex_init(&rec, &a);
  int r = pthread_mutex_lock(&rec) | pthread_mutex_lock(&rec) | pthread_mutex_trylock(&rec);
  check("recursive lock three times", r == 0);
  r = pthread_mutex_unlock(&rec) | pthread_mutex_unlock(&rec) | pthread_mutex_unlock(&rec);
  check("recursive unlock three times", r == 0);
  check("recursive unlock once more is EPERM", pthread_mutex_unlock(&rec) == EPERM);

  pthread_t h = spawn(holder, NULL);
  while (held_state != 1)
    sched_yield();
  check("trylock of a held mutex is EBUSY", pthread_mutex_trylock(&held) == EBUSY);
  check("unlock by a non-owner is EPERM", pthread_mutex_unlock(&held) == EPERM);
  struct timespec soon = abstime_in(CLOCK_REALTIME, 30);
  check("timedlock of a held mutex times out", pthread_mutex_timedlock(&held, &soon) == ETIMEDOUT);
  held_state = 2;
  check("lock waits for the holder", pthread_mutex_lock(&held) == 0);
  pthread_mutex_unlock(&held);
  pthread_join(h, NULL);
  return failures != 0;
}

/* ---- condition variables ------------------------------------------------------------ */

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_nonfull = PTHREAD_COND_INITIALIZER;
static int q_items[2], q_count, q_done;

static void *producer(void *arg) {
  (void)arg;
  for (int i = 0; i < 100; i++) {
    pthread_mutex_lock(&q_lock);
    while (q_count == 2)
      pthread_cond_wait(&q_nonfull, &q_lock);
    q_items[q_count++] = i;
    pthread_cond_signal(&q_nonempty);
    pthread_mutex_unlock(&q_lock);
  }
  pthread_mutex_lock(&q_lock);
  q_done = 1;
  pthread_cond_broadcast(&q_nonempty);
  pthread_mutex_unlock(&q_lock);
  return NULL;
}

static void *consumer(void *arg) {
  long sum = 0;
  (void)arg;
  pthread_mutex_lock(&q_lock);
  for (;;) {
    while (q_count == 0 && !q_done)
      pthread_cond_wait(&q_nonempty, &q_lock);
    if (q_count == 0)
      break;
    sum += q_items[--q_count];
    pthread_cond_signal(&q_nonfull);
  }
  pthread_mutex_unlock(&q_lock);
  return (void *)sum;
}

static pthread_mutex_t w_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t w_cond = PTHREAD_COND_INITIALIZER;
static int w_go, w_woken;

static void *waiter(void *arg) {
  (void)arg;
  pthread_mutex_lock(&w_lock);
  while (!w_go)
    pthread_cond_wait(&w_cond, &w_lock);
  w_go--;
  w_woken++;
  pthread_mutex_unlock(&w_lock);
  return NULL;
}

static void *signal_later(void *arg) {
  (void)arg;
  sched_yield();
  pthread_mutex_lock(&w_lock);
  w_go = 1;
  pthread_cond_signal(&w_cond);
  pthread_mutex_unlock(&w_lock);
  return NULL;
}

static void timedwait_check(const char *name, pthread_cond_t *c, clockid_t clock) {
  pthread_mutex_lock(&w_lock);
  long long t0 = monotonic_ns();
  struct timespec deadline = abstime_in(clock, 50);
  int r = pthread_cond_timedwait(c, &w_lock, &deadline);
  long long waited = monotonic_ns() - t0;
  char what[128];
  snprintf(what, sizeof(what), "%s returns ETIMEDOUT", name);
  check(what, r == ETIMEDOUT);
  snprintf(what, sizeof(what), "%s does not return before its deadline", name);
  check(what, waited >= 49000000);
  snprintf(what, sizeof(what), "%s holds the mutex again", name);
  check(what, pthread_mutex_unlock(&w_lock) == 0);
}

static int cmd_cond(void) {
  pthread_t p = spawn(producer, NULL), c = spawn(consumer, NULL);
  void *sum;
  pthread_join(p, NULL);
  pthread_join(c, &sum);
  printf("consumed sum=%ld\n", (long)sum);
  check("producer/consumer through two condvars", (long)sum == 4950);

  timedwait_check("realtime timedwait", &w_cond, CLOCK_REALTIME);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_t mono;
  pthread_cond_init(&mono, &ca);
  timedwait_check("monotonic timedwait", &mono, CLOCK_MONOTONIC);

  pthread_t s = spawn(signal_later, NULL);
  pthread_mutex_lock(&w_lock);
  struct timespec later = abstime_in(CLOCK_REALTIME, 10000);
  int r = 0;
  while (!w_go && r == 0)
    r = pthread_cond_timedwait(&w_cond, &w_lock, &later);
  w_go = 0;
  pthread_mutex_unlock(&w_lock);
  pthread_join(s, NULL);
  check("timedwait woken by a signal returns 0", r == 0);

  pthread_t w[3];
  for (int i = 0; i < 3; i++)
    w[i] = spawn(waiter, NULL);
  sched_yield(); /* all three wait now */
  pthread_mutex_lock(&w_lock);
  w_go = 1;
  pthread_cond_signal(&w_cond);
  pthread_mutex_unlock(&w_lock);
  sched_yield();
  sched_yield();
  check("signal wakes one waiter", w_woken == 1);
  pthread_mutex_lock(&w_lock);
  w_go = 2;
  pthread_cond_broadcast(&w_cond);
  pthread_mutex_unlock(&w_lock);
  for (int i = 0; i < 3; i++)
    pthread_join(w[i], NULL);
  check("broadcast wakes the others", w_woken == 3);
  return failures != 0;
}

/* ---- join, detach, exit values, attributes ------------------------------------------------- */

static void *times_ten(void *arg) {
  sched_yield();
  return (void *)((intptr_t)arg * 10);
}

static volatile int exit_now = 1; /* volatile: the compiler must not see that every path exits */

static void exit_deep(int n) {
  if (n == 0 && exit_now)
    pthread_exit((void *)77);
  if (n > 0)
    exit_deep(n - 1);
}

static void *exits_from_below(void *arg) {
  (void)arg;
  exit_deep(5);
  return NULL;
}

static volatile int detached_ran;

static void *detached_body(void *arg) {
  (void)arg;
  sched_yield();
  detached_ran = 1;
  return NULL;
}

static void *report_self(void *arg) {
  *(pthread_t *)arg = pthread_self();
  return NULL;
}

static void *join_self(void *arg) {
  (void)arg;
  return (void *)(intptr_t)pthread_join(pthread_self(), NULL);
}

static void *use_stack(void *arg) {
  volatile char big[48 * 1024];
  memset((char *)big, 1, sizeof(big));
  return (void *)(intptr_t)(big[(intptr_t)arg] + 1);
}

static int cmd_join(void) {
  pthread_t t[5];
  for (intptr_t i = 0; i < 5; i++)
    t[i] = spawn(times_ten, (void *)i);
  long sum = 0;
  for (int i = 4; i >= 0; i--) {
    void *v;
    pthread_join(t[i], &v);
    sum += (long)(intptr_t)v;
  }
  check("join returns each thread's value", sum == 100);

  void *v;
  pthread_join(spawn(exits_from_below, NULL), &v);
  check("join returns pthread_exit's value", (intptr_t)v == 77);

  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  pthread_t d;
  pthread_create(&d, &a, detached_body, NULL);
  check("join of a detached thread is EINVAL", pthread_join(d, NULL) == EINVAL);
  while (!detached_ran)
    sched_yield();
  check("detached thread ran", detached_ran);

  pthread_t later = spawn(times_ten, (void *)1);
  check("detach of a live thread", pthread_detach(later) == 0);

  pthread_t seen;
  pthread_t me = spawn(report_self, &seen);
  pthread_join(me, NULL);
  check("pthread_self is what create returned", pthread_equal(me, seen));
  check("threads differ from main", !pthread_equal(me, pthread_self()));

  pthread_join(spawn(join_self, NULL), &v);
  check("join of self is EDEADLK", (intptr_t)v == EDEADLK);

  pthread_attr_t s;
  pthread_attr_init(&s);
  check("stack size below PTHREAD_STACK_MIN is EINVAL",
        pthread_attr_setstacksize(&s, 1000) == EINVAL);
  check("stack size 64 KiB", pthread_attr_setstacksize(&s, 64 * 1024) == 0);
  pthread_t big;
  pthread_create(&big, &s, use_stack, (void *)100);
  pthread_join(big, &v);
  check("a 64 KiB stack holds 48 KiB of locals", (intptr_t)v == 2);

  /* Memory comes back: far more threads over time than would fit at once. */
  int ok = 1;
  for (int round = 0; round < 50 && ok; round++) {
    pthread_t many[20];
    for (intptr_t i = 0; i < 20; i++)
      ok &= pthread_create(&many[i], NULL, times_ten, (void *)i) == 0;
    for (int i = 0; i < 20; i++)
      pthread_join(many[i], NULL);
  }
  check("1000 threads created and joined", ok);
  return failures != 0;
}

/* ---- thread-specific data, once, errno ------------------------------------------------------- */

static pthread_key_t key;
static int destroyed, destroyed_sum, reset_rounds;

static void destructor(void *v) {
  destroyed++;
  destroyed_sum += *(int *)v;
  /* One thread stores a new value from its destructor: POSIX runs another round. */
  if (*(int *)v == 3 && reset_rounds++ == 0) {
    static int again = 100;
    pthread_setspecific(key, &again);
  }
}

static void *tsd_body(void *arg) {
  pthread_setspecific(key, arg);
  sched_yield();
  sched_yield();
  return (void *)(intptr_t)(pthread_getspecific(key) == arg);
}

static void *tsd_none(void *arg) {
  (void)arg;
  return pthread_getspecific(key);
}

static int cmd_tsd(void) {
  static int values[3] = {1, 2, 3};
  static int mine = 50;
  check("key_create", pthread_key_create(&key, destructor) == 0);
  pthread_setspecific(key, &mine);
  pthread_t t[3];
  for (int i = 0; i < 3; i++)
    t[i] = spawn(tsd_body, &values[i]);
  int own = 1;
  for (int i = 0; i < 3; i++) {
    void *v;
    pthread_join(t[i], &v);
    own &= (intptr_t)v == 1;
  }
  printf("destroyed=%d sum=%d\n", destroyed, destroyed_sum);
  check("each thread sees its own value", own);
  check("destructors ran at thread exit", destroyed == 4 && destroyed_sum == 106);
  check("main's value is untouched", pthread_getspecific(key) == &mine);
  void *v;
  pthread_join(spawn(tsd_none, NULL), &v);
  check("a new thread starts with NULL", v == NULL);
  pthread_key_delete(key);
  pthread_key_t k2;
  pthread_key_create(&k2, NULL);
  check("a recreated key starts with NULL", pthread_getspecific(k2) == NULL);
  return failures != 0;
}

static int once_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void once_init(void) {
  once_runs++;
  sched_yield(); /* the others arrive while this is still running */
}

static void *once_body(void *arg) {
  (void)arg;
  pthread_once(&once, once_init);
  return (void *)(intptr_t)once_runs;
}

static int cmd_once(void) {
  pthread_t t[3];
  for (int i = 0; i < 3; i++)
    t[i] = spawn(once_body, NULL);
  int ok = 1;
  for (int i = 0; i < 3; i++) {
    void *v;
    pthread_join(t[i], &v);
    ok &= (intptr_t)v == 1;
  }
  check("pthread_once runs init once and others wait for it", ok && once_runs == 1);
  return failures != 0;
}

static void *errno_body(void *arg) {
  int want = (int)(intptr_t)arg;
  errno = want;
  for (int i = 0; i < 5; i++)
    sched_yield();
  return (void *)(intptr_t)(errno == want);
}

static void *errno_from_syscall(void *arg) {
  (void)arg;
  close(-1);
  sched_yield();
  sched_yield();
  return (void *)(intptr_t)(errno == EBADF);
}

static int cmd_errno(void) {
  pthread_t a = spawn(errno_body, (void *)(intptr_t)ERANGE);
  pthread_t b = spawn(errno_body, (void *)(intptr_t)EINTR);
  pthread_t c = spawn(errno_from_syscall, NULL);
  errno = 0;
  check("main's waitpid sets ECHILD", waitpid(-1, NULL, 0) == -1 && errno == ECHILD);
  void *va, *vb, *vc;
  pthread_join(a, &va);
  pthread_join(b, &vb);
  pthread_join(c, &vc);
  check("errno is per thread", (intptr_t)va == 1 && (intptr_t)vb == 1);
  check("a failing call sets only its thread's errno", (intptr_t)vc == 1 && errno == ECHILD);
  return failures != 0;
}

/* ---- fork and wait ------------------------------------------------------------------------------
 */

static int shared_global;

static void atexit_report(void) {
  printf("atexit ran in pid %d\n", (int)getpid());
}

static void *fork_from_thread(void *arg) {
  (void)arg;
  volatile int mine = 1;
  pid_t pid = fork();
  if (pid == 0)
    _exit(mine == 1 ? 33 : 34);
  int st = 0;
  waitpid(pid, &st, 0);
  return (void *)(intptr_t)WEXITSTATUS(st);
}

static int cmd_fork(void) {
  atexit(atexit_report);
  pid_t parent = getpid();
  volatile int local = 1;
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    local = 2;
    shared_global = 5;
    int me = (int)getpid();
    write(fds[1], &me, sizeof(me));
    printf("child: getppid matches: %s\n", getppid() == parent ? "yes" : "no");
    /* exit, not _exit: atexit handlers must still not run in a child. */
    exit(local == 2 ? 42 : 1);
  }
  int st = -1, reported = 0;
  check("fork returns a pid", pid > 1 && pid != parent);
  pid_t got = waitpid(pid, &st, 0);
  read(fds[0], &reported, sizeof(reported));
  check("waitpid returns the child's pid", got == pid);
  check("getpid in the child is that pid", reported == pid);
  check("child exited normally", WIFEXITED(st));
  printf("child status=%d\n", WEXITSTATUS(st));
  check("waitpid sees the child's exit status", WEXITSTATUS(st) == 42);
  check("the child changed only its copy of the stack", local == 1);
  check("globals are shared with the child (documented)", shared_global == 5);

  static const int codes[] = {0, 1, 3, 127, 255, 256 + 9};
  int ok = 1;
  for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
    pid = fork();
    if (pid == 0)
      _exit(codes[i]);
    ok &= waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == (codes[i] & 0xff);
  }
  check("exit statuses 0 1 3 127 255 and 265 (low 8 bits) arrive", ok);

  pid_t kids[3];
  for (int i = 0; i < 3; i++)
    if ((kids[i] = fork()) == 0)
      _exit(i + 1);
  int sum = 0, found = 0;
  for (int i = 0; i < 3; i++) {
    pid_t w = wait(&st);
    sum += WEXITSTATUS(st);
    for (int j = 0; j < 3; j++)
      found += w == kids[j];
  }
  check("wait collects every child", sum == 6 && found == 3);
  errno = 0;
  check("wait without children is ECHILD", wait(&st) == -1 && errno == ECHILD);
  errno = 0;
  check("waitpid of a stranger is ECHILD", waitpid(12345, &st, 0) == -1 && errno == ECHILD);

  int go[2];
  pipe(go);
  pid = fork();
  if (pid == 0) {
    char c;
    close(go[1]);
    read(go[0], &c, 1);
    _exit(7);
  }
  close(go[0]);
  check("WNOHANG while the child runs returns 0", waitpid(pid, &st, WNOHANG) == 0);
  write(go[1], "x", 1);
  check("blocking waitpid after WNOHANG", waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 7);
  close(go[1]);

  /* A zombie can be collected with WNOHANG. */
  pid = fork();
  if (pid == 0)
    _exit(9);
  sched_yield();
  check("WNOHANG collects a zombie", waitpid(pid, &st, WNOHANG) == pid && WEXITSTATUS(st) == 9);
  void *v;
  pthread_join(spawn(fork_from_thread, NULL), &v);
  check("a pthread forks and waits for its child", (intptr_t)v == 33);
  printf("parent pid=%d\n", (int)getpid());
  return failures != 0;
}

/* pthread_exit in main: the others go on; the last thread to exit ends pid 1 with status 0. */
static void *outlive_main(void *arg) {
  (void)arg;
  usleep(10000);
  printf("the last thread exits after main\n");
  return NULL;
}

static int cmd_mainexit(void) {
  atexit(atexit_report);
  spawn(outlive_main, NULL);
  printf("main calls pthread_exit\n");
  pthread_exit(NULL);
}

/* A deep live stack at fork: all of it is copied, and swapped on every switch between the two. */
__attribute__((noinline)) static int fork_with_big_stack(void) {
  volatile unsigned char big[200 * 1024];
  for (unsigned i = 0; i < sizeof(big); i++)
    big[i] = (unsigned char)(i * 7);
  pid_t pid = fork();
  if (pid == 0) {
    int same = 1;
    for (unsigned i = 0; i < sizeof(big); i++) {
      same &= big[i] == (unsigned char)(i * 7);
      big[i] = 0xee;
    }
    sched_yield();
    for (unsigned i = 0; i < sizeof(big); i += 4096)
      same &= big[i] == 0xee;
    _exit(same ? 0 : 1);
  }
  sched_yield();
  int st, same = 1;
  waitpid(pid, &st, 0);
  for (unsigned i = 0; i < sizeof(big); i++)
    same &= big[i] == (unsigned char)(i * 7);
  return same && WEXITSTATUS(st) == 0;
}

static int cmd_forkfork(void) {
  int fds[2];
  pipe(fds);
  pid_t child = fork();
  if (child == 0) {
    pid_t grandchild = fork();
    if (grandchild == 0) {
      const char msg[] = "from the grandchild";
      write(fds[1], msg, sizeof(msg));
      _exit(7);
    }
    int st;
    if (waitpid(grandchild, &st, 0) != grandchild)
      _exit(100);
    _exit(WEXITSTATUS(st) + 1);
  }
  close(fds[1]);
  char buf[64];
  read_all(fds[0], buf, sizeof(buf));
  int st;
  waitpid(child, &st, 0);
  check("fork inside fork: the grandchild's status reaches its parent", WEXITSTATUS(st) == 8);
  check("fork inside fork: the grandchild writes through an inherited pipe",
        strcmp(buf, "from the grandchild") == 0);

  /* An orphan: its parent exits first; it is adopted by pid 1 and freed when it exits. */
  int o[2];
  pipe(o);
  child = fork();
  if (child == 0) {
    if (fork() == 0) {
      while (getppid() != 1)
        sched_yield();
      char line[32];
      int n = snprintf(line, sizeof(line), "orphan ppid=%d", (int)getppid());
      write(o[1], line, (size_t)n);
      _exit(0);
    }
    _exit(0);
  }
  close(o[1]);
  waitpid(child, &st, 0);
  read_all(o[0], buf, sizeof(buf));
  check("an orphan's parent becomes 1", strcmp(buf, "orphan ppid=1") == 0);
  check("fork with 200 KiB of live stack: each side keeps its own", fork_with_big_stack());
  return failures != 0;
}

/*
 * The classic: sum [lo, hi] by splitting it in two and forking a child for
 * each half, which writes its sum to a pipe on its stdout. Processes nest
 * as deep as the halving, all on the same stack addresses.
 */
static long long forksum(long long lo, long long hi, long *forks) {
  if (lo == hi)
    return lo;
  long long mid = lo + (hi - lo) / 2, total = 0;
  long long range[2][2] = {{lo, mid}, {mid + 1, hi}};
  for (int half = 0; half < 2; half++) {
    int fds[2];
    if (pipe(fds) != 0)
      return -1000000;
    (*forks)++;
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      dup2(fds[1], STDOUT_FILENO);
      close(fds[1]);
      long sub = 0;
      long long part = forksum(range[half][0], range[half][1], &sub);
      printf("%lld %ld\n", part, sub);
      exit(0);
    }
    close(fds[1]);
    char buf[64];
    read_all(fds[0], buf, sizeof(buf));
    close(fds[0]);
    int st;
    if (waitpid(pid, &st, 0) != pid || WEXITSTATUS(st) != 0)
      return -2000000;
    long long part;
    long sub;
    if (sscanf(buf, "%lld %ld", &part, &sub) != 2)
      return -3000000;
    total += part;
    *forks += sub;
  }
  return total;
}

static int cmd_forksum(int argc, char **argv) {
  long long lo = argc > 2 ? atoll(argv[2]) : 1, hi = argc > 3 ? atoll(argv[3]) : 100;
  long forks = 0;
  long long t0 = monotonic_ns();
  long long sum = forksum(lo, hi, &forks);
  long long ns = monotonic_ns() - t0;
  printf("forksum %lld..%lld = %lld (forks=%ld, %lld forks/s)\n", lo, hi, sum, forks,
         ns > 0 ? forks * 1000000000ll / ns : 0);
  check("forksum equals the arithmetic sum", sum == (lo + hi) * (hi - lo + 1) / 2);
  return failures != 0;
}

/* fork + _exit + waitpid in a loop: what one process creation costs here. */
static int cmd_forkloop(int argc, char **argv) {
  long n = argc > 2 ? atol(argv[2]) : 1000, ok = 0;
  long long t0 = monotonic_ns();
  for (long i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0)
      _exit((int)(i & 0x7f));
    int st;
    ok += waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == (i & 0x7f);
  }
  long long ns = monotonic_ns() - t0;
  printf("forkloop n=%ld ok=%ld ns_per_fork=%lld forks_per_sec=%lld\n", n, ok, ns / (n > 0 ? n : 1),
         ns > 0 ? n * 1000000000ll / ns : 0);
  check("every forked child's status was collected", ok == n);
  return failures != 0;
}

/* ---- pipes
 * ------------------------------------------------------------------------------------------ */

static int cmd_pipe(void) {
  int fds[2];
  char buf[256];
  check("pipe", pipe(fds) == 0);
  check("write to a pipe", write(fds[1], "hello", 5) == 5);
  check("read from a pipe", read(fds[0], buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0);
  struct stat st;
  check("fstat says FIFO", fstat(fds[0], &st) == 0 && S_ISFIFO(st.st_mode));
  check("a pipe is not a tty", !isatty(fds[1]));
  check("read from the write end is EBADF", read(fds[1], buf, 1) == -1 && errno == EBADF);
  close(fds[1]);
  check("read with all writers closed is EOF", read(fds[0], buf, sizeof(buf)) == 0);
  close(fds[0]);

  pipe(fds);
  close(fds[0]);
  errno = 0;
  check("write with no reader is EPIPE (no SIGPIPE)",
        write(fds[1], "x", 1) == -1 && errno == EPIPE);
  close(fds[1]);

  pipe(fds);
  int fl = fcntl(fds[0], F_GETFL);
  check("F_SETFL O_NONBLOCK",
        fcntl(fds[0], F_SETFL, fl | O_NONBLOCK) == 0 && (fcntl(fds[0], F_GETFL) & O_NONBLOCK));
  check("nonblocking read of an empty pipe is EAGAIN",
        read(fds[0], buf, 1) == -1 && errno == EAGAIN);
  fcntl(fds[1], F_SETFL, O_NONBLOCK);
  static char chunk[4096];
  long total = 0;
  ssize_t n;
  while ((n = write(fds[1], chunk, sizeof(chunk))) > 0)
    total += n;
  printf("pipe capacity=%ld\n", total);
  check("nonblocking write to a full pipe is EAGAIN", n == -1 && errno == EAGAIN);
  check("a pipe holds 64 KiB", total == 65536);
  close(fds[0]);
  close(fds[1]);

  /* dup, dup2, close on bad fds. */
  pipe(fds);
  int d = dup(fds[1]);
  check("dup takes the lowest free fd", d == fds[1] + 1);
  check("dup2 to itself", dup2(d, d) == d);
  check("dup2 of a closed fd is EBADF", dup2(99, 5) == -1 && errno == EBADF);
  check("close of a closed fd is EBADF", close(99) == -1 && errno == EBADF);
  close(fds[1]);
  write(d, "via dup", 7);
  close(d);
  check("the dup keeps the pipe open", read_all(fds[0], buf, sizeof(buf)) == 7);
  close(fds[0]);

  /* A big transfer: the writer blocks on a full pipe until the reader drains it. */
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    static unsigned char out[4000];
    for (int i = 0; i < 300; i++) {
      for (unsigned j = 0; j < sizeof(out); j++)
        out[j] = (unsigned char)(i + j);
      if (write(fds[1], out, sizeof(out)) != (ssize_t)sizeof(out))
        _exit(1);
    }
    _exit(0);
  }
  close(fds[1]);
  unsigned long got = 0, sum = 0, want = 0;
  unsigned char in[1000];
  while ((n = read(fds[0], in, sizeof(in))) > 0) {
    for (ssize_t k = 0; k < n; k++)
      sum += in[k];
    got += (unsigned long)n;
  }
  for (int i = 0; i < 300; i++)
    for (unsigned j = 0; j < 4000; j++)
      want += (unsigned char)(i + j);
  int stat;
  waitpid(pid, &stat, 0);
  check("1.2 MB through a pipe arrive intact", got == 1200000 && sum == want);
  check("the blocked writer finished", WEXITSTATUS(stat) == 0);
  close(fds[0]);

  /* End of file only when every writer (in every process) has closed. */
  pipe(fds);
  pid_t w1 = fork();
  if (w1 == 0) {
    write(fds[1], "a", 1);
    _exit(0);
  }
  pid_t w2 = fork();
  if (w2 == 0) {
    sched_yield();
    write(fds[1], "b", 1);
    _exit(0);
  }
  close(fds[1]);
  check("EOF after both writers exit", read_all(fds[0], buf, sizeof(buf)) == 2);
  waitpid(w1, NULL, 0);
  waitpid(w2, NULL, 0);
  close(fds[0]);
  return failures != 0;
}

/* stdio in children: printf to a pipe dup2'd onto stdout, from the child and from its thread. */
static void *thread_prints(void *arg) {
  printf("thread line %d\n", (int)(intptr_t)arg);
  return NULL;
}

static int cmd_stdio(void) {
  int fds[2];
  pipe(fds);
  printf("parent has unflushed output: ");
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[1]);
    /* More than the pipe holds: the child blocks inside printf holding stdout's lock. */
    for (int i = 0; i < 3000; i++)
      printf("line %04d of the child's output, padded to make it long enough\n", i);
    pthread_t t = spawn(thread_prints, (void *)7);
    pthread_join(t, NULL);
    _exit(0); /* the child's own buffered stdout is flushed */
  }
  printf("done\n");
  close(fds[1]);
  static char buf[300000];
  size_t n = read_all(fds[0], buf, sizeof(buf));
  waitpid(pid, NULL, 0);
  int lines = 0;
  for (size_t i = 0; i < n; i++)
    lines += buf[i] == '\n';
  printf("child output bytes=%lu lines=%d\n", (unsigned long)n, lines);
  check("all of the child's printf output arrives through the pipe", lines == 3001);
  check("the parent's unflushed output is not repeated", strstr(buf, "unflushed") == NULL);
  check("a thread of the child prints to the child's stdout",
        strstr(buf, "thread line 7\n") != NULL);
  return failures != 0;
}

/* _exit of a process ends its other threads, even blocked ones. */
static void *block_forever(void *arg) {
  char c;
  read(*(int *)arg, &c, 1);
  return NULL;
}

static int cmd_killthreads(void) {
  static int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    spawn(block_forever, &fds[0]);
    spawn(block_forever, &fds[0]);
    sched_yield();
    _exit(5);
  }
  int st;
  check("a child with blocked threads exits", waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 5);
  return failures != 0;
}

/* ---- sleeping, overflow, deadlock
 * ------------------------------------------------------------------- */

static char wake_log[8];
static int wake_len;

static void *sleeper(void *arg) {
  const char *spec = arg; /* letter, then milliseconds */
  usleep((useconds_t)atoi(spec + 1) * 1000);
  wake_log[wake_len++] = spec[0];
  return NULL;
}

static int cmd_sleepers(void) {
  pthread_t t[3];
  static const char *specs[] = {"A60", "B20", "C40"};
  for (int i = 0; i < 3; i++)
    t[i] = spawn(sleeper, (void *)specs[i]);
  for (int i = 0; i < 3; i++)
    pthread_join(t[i], NULL);
  printf("woke=%s\n", wake_log);
  check("sleepers wake in deadline order", strcmp(wake_log, "BCA") == 0);
  return failures != 0;
}

/*
 * Frames of about 550 bytes that fill themselves, so that every byte the
 * overflow reaches gets written. The depths used below overflow a 16 KiB
 * stack by 1 to 3 KiB: into the stack's guard area, not into other memory.
 */
__attribute__((noinline)) static int recurse(int depth, int yield_at_bottom) {
  volatile char frame[512];
  memset((char *)frame, depth, sizeof(frame));
  if (depth == 0) {
    if (yield_at_bottom)
      sched_yield();
    return frame[0];
  }
  return recurse(depth - 1, yield_at_bottom) + frame[1];
}

static void *overflow_body(void *arg) {
  return (void *)(intptr_t)recurse((int)(intptr_t)arg, 1);
}

/* Returns before anything checks: only the canary tells, at the thread's exit. */
static void *overflow_quietly(void *arg) {
  return (void *)(intptr_t)recurse((int)(intptr_t)arg, 0);
}

static int cmd_overflow(const char *how) {
  /* Room below the thread's stack for what the overflow tramples. */
  void *pad = malloc(256 * 1024);
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN);
  pthread_t t;
  if (strcmp(how, "main") == 0) {
    printf("overflowing the main thread's 1 MiB stack\n");
    fflush(stdout);
    return recurse(2500, 1);
  }
  int quiet = strcmp(how, "exit") == 0;
  pthread_create(&t, &a, quiet ? overflow_quietly : overflow_body,
                 (void *)(intptr_t)(quiet ? 32 : 35));
  pthread_setname_np(t, "overflower");
  printf("overflowing a %d-byte stack\n", PTHREAD_STACK_MIN);
  fflush(stdout);
  pthread_join(t, NULL);
  printf("survived the overflow (should not print)\n");
  free(pad);
  return 1;
}

static void *lock_both(void *arg) {
  pthread_mutex_t **m = arg;
  pthread_mutex_lock(m[0]);
  sched_yield();
  pthread_mutex_lock(m[1]);
  return NULL;
}

static int cmd_deadlock(const char *how) {
  printf("about to deadlock\n");
  fflush(stdout);
  if (strcmp(how, "pipe") == 0) {
    int fds[2];
    char c;
    pipe(fds);
    read(fds[0], &c, 1); /* the only writer is this process, which now waits */
  } else {
    static pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER, m2 = PTHREAD_MUTEX_INITIALIZER;
    static pthread_mutex_t *ab[2] = {&m1, &m2}, *ba[2] = {&m2, &m1};
    pthread_t t1 = spawn(lock_both, ab), t2 = spawn(lock_both, ba);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
  }
  printf("survived the deadlock (should not print)\n");
  return 1;
}

static void usage(void) {
  fprintf(stderr, "usage: threadtest yield | mutex | cond | join | tsd | once | errno | fork |"
                  " mainexit | forkfork | forksum LO HI | forkloop N | pipe | stdio | killthreads |"
                  " sleepers | overflow | overflow-exit | overflow-main | deadlock-pipe |"
                  " deadlock-mutex\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage();
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "yield") == 0)
    return cmd_yield();
  if (strcmp(cmd, "mutex") == 0)
    return cmd_mutex();
  if (strcmp(cmd, "cond") == 0)
    return cmd_cond();
  if (strcmp(cmd, "join") == 0)
    return cmd_join();
  if (strcmp(cmd, "tsd") == 0)
    return cmd_tsd();
  if (strcmp(cmd, "once") == 0)
    return cmd_once();
  if (strcmp(cmd, "errno") == 0)
    return cmd_errno();
  if (strcmp(cmd, "fork") == 0)
    return cmd_fork();
  if (strcmp(cmd, "mainexit") == 0)
    return cmd_mainexit();
  if (strcmp(cmd, "forkfork") == 0)
    return cmd_forkfork();
  if (strcmp(cmd, "forksum") == 0)
    return cmd_forksum(argc, argv);
  if (strcmp(cmd, "forkloop") == 0)
    return cmd_forkloop(argc, argv);
  if (strcmp(cmd, "pipe") == 0)
    return cmd_pipe();
  if (strcmp(cmd, "stdio") == 0)
    return cmd_stdio();
  if (strcmp(cmd, "killthreads") == 0)
    return cmd_killthreads();
  if (strcmp(cmd, "sleepers") == 0)
    return cmd_sleepers();
  if (strncmp(cmd, "overflow", 8) == 0)
    return cmd_overflow(cmd[8] == '-' ? cmd + 9 : "");
  if (strncmp(cmd, "deadlock-", 9) == 0)
    return cmd_deadlock(cmd + 9);
  usage();
  return 2;
}
