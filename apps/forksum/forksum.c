/* forksum.c: the fork benchmark: sum [START, END] with one forked child per half, via pipes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Children report on stdout; this parses a partial sum from the read end of a child's pipe.
 * Returns 0, -1 on a read error (errno set), or 1 when the child wrote no number. */
static int read_sum(int fd, long long *sum) {
  char buf[64];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0 || (len += (size_t)n) == sizeof buf - 1)
      break;
  }
  buf[len] = '\0';
  char *end;
  errno = 0;
  *sum = strtoll(buf, &end, 10);
  return errno == 0 && end != buf && (*end == '\n' || *end == '\0') ? 0 : 1;
}

static long long sum_range(long long lo, long long hi);

/* The first process: only it reports a failure that a descendant already explained. */
static pid_t top_pid;

_Noreturn static void die(const char *what) {
  fprintf(stderr, "forksum: %s: %s\n", what, strerror(errno));
  /* In a child this ends only the child; its parent sees the non-zero status. */
  _exit(1);
}

/* A child failed and said why; ancestors pass the status up without repeating it. */
_Noreturn static void child_failed(void) {
  if (getpid() == top_pid)
    fprintf(stderr, "forksum: a child process failed\n");
  _exit(1);
}

/* The child's side of spawn_half: stdout onto the pipe, compute, report, exit. Takes values only:
 * with a thread-based fork the child runs on a copy of the stack, where a pointer into the
 * parent's frames would still point at the parent's (changing) memory. */
_Noreturn static void run_child(long long lo, long long hi, int rd, int wr, int close_too) {
  if (close_too >= 0)
    close(close_too);
  close(rd);
  if (dup2(wr, STDOUT_FILENO) < 0)
    die("dup2");
  close(wr);
  /* No exec here (the guest has none): the child recurses directly. write(), not stdio: a
   * thread-based fork shares stdio's buffers with the parent; _exit so nothing is flushed. */
  char out[32];
  int len = snprintf(out, sizeof out, "%lld\n", sum_range(lo, hi));
  if (write(STDOUT_FILENO, out, (size_t)len) != len)
    die("writing the sum to the parent");
  _exit(0);
}

/* Forks a child that computes [lo, hi] with its stdout on a new pipe. Returns the child's pid
 * (or -1) and the pipe's read end in *rfd. close_in_child: a read end the child must not hold. */
static pid_t spawn_half(long long lo, long long hi, int close_in_child, int *rfd) {
  int p[2];
  if (pipe(p) != 0)
    return -1;
  int rd = p[0], wr = p[1];
  pid_t pid = fork();
  if (pid == 0)
    run_child(lo, hi, rd, wr, close_in_child);
  close(wr);
  if (pid < 0) {
    int saved = errno;
    close(rd);
    errno = saved;
    return -1;
  }
  *rfd = rd;
  return pid;
}

/* Waits for a child. Returns 0 for a clean exit 0, 1 for any other end, -1 if waitpid fails. */
static int reap(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return -1;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

static long long sum_range(long long lo, long long hi) {
  if (lo == hi)
    return lo;
  long long mid = lo + (hi - lo) / 2;
  pid_t pid[2];
  int fd[2];
  long long part[2];
  if ((pid[0] = spawn_half(lo, mid, -1, &fd[0])) < 0)
    die("fork or pipe");
  if ((pid[1] = spawn_half(mid + 1, hi, fd[0], &fd[1])) < 0)
    die("fork or pipe");
  int malformed = 0, failed = 0;
  for (int i = 0; i < 2; i++) {
    int r = read_sum(fd[i], &part[i]);
    if (r < 0)
      die("reading a child's pipe");
    malformed |= r;
    close(fd[i]);
  }
  for (int i = 0; i < 2; i++) {
    int r = reap(pid[i]);
    if (r < 0)
      die("waitpid");
    failed |= r;
  }
  if (failed)
    child_failed();
  if (malformed) {
    errno = EPROTO;
    die("a child exited 0 without writing its sum");
  }
  return part[0] + part[1];
}

static int parse_ll(const char *s, long long *v) {
  char *end;
  errno = 0;
  *v = strtoll(s, &end, 10);
  return errno == 0 && end != s && *end == '\0' ? 0 : -1;
}

int main(int argc, char **argv) {
  long long lo, hi;
  if (argc != 3 || parse_ll(argv[1], &lo) != 0 || parse_ll(argv[2], &hi) != 0 || lo > hi ||
      hi - lo > 1000000) {
    fprintf(stderr, "usage: forksum START END  (START <= END, at most 1000000 apart)\n");
    return 1;
  }
  top_pid = getpid();
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long long sum = sum_range(lo, hi);
  clock_gettime(CLOCK_MONOTONIC, &t1);

  /* Every range with more than one number forks exactly two children: 2·(END - START) forks. */
  long long forks = 2 * (hi - lo);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%lld\n", sum);
  printf("forks/s: %.0f (%lld forks in %.6f s)\n", s > 0 ? (double)forks / s : 0.0, forks, s);
  return 0;
}
