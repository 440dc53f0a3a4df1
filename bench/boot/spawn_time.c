/* spawn_time.c: whole-process time of several commands, interleaved run by run, as medians. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: spawn_time RUNS NAME CMD... [:: NAME CMD...]...
 * Runs each command RUNS times, alternating A B A B so that machine drift
 * hits all of them alike, with stdout/stderr sent to /dev/null. Prints one
 * line per command: NAME median_us min_us max_us, and fails if any run
 * exited non-zero.
 */

#define MAX_CMDS 8
#define MAX_RUNS 1000

extern char **environ;

struct command {
  const char *name;
  char **argv;
  double us[MAX_RUNS];
};

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int run_once(struct command *c, int i, posix_spawn_file_actions_t *fa) {
  pid_t pid;
  double start = now_us();
  if (posix_spawn(&pid, c->argv[0], fa, NULL, c->argv, environ) != 0) {
    fprintf(stderr, "spawn_time: %s: cannot start\n", c->argv[0]);
    return -1;
  }
  int status;
  waitpid(pid, &status, 0);
  c->us[i] = now_us() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "spawn_time: %s: exited with status %d\n", c->name, WEXITSTATUS(status));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: spawn_time RUNS NAME CMD... [:: NAME CMD...]...\n");
    return 2;
  }
  int runs = atoi(argv[1]);
  if (runs < 1 || runs > MAX_RUNS) {
    fprintf(stderr, "spawn_time: RUNS must be 1..%d\n", MAX_RUNS);
    return 2;
  }
  static struct command cmds[MAX_CMDS];
  int n = 0;
  for (int i = 2; i < argc && n < MAX_CMDS;) {
    cmds[n].name = argv[i++];
    cmds[n].argv = &argv[i];
    while (i < argc && strcmp(argv[i], "::") != 0)
      i++;
    if (i < argc)
      argv[i++] = NULL;
    n++;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  for (int r = 0; r < runs; r++)
    for (int c = 0; c < n; c++)
      if (run_once(&cmds[c], r, &fa) < 0)
        return 1;
  for (int c = 0; c < n; c++) {
    qsort(cmds[c].us, (size_t)runs, sizeof(double), cmp_double);
    printf("%s %.1f %.1f %.1f\n", cmds[c].name, cmds[c].us[runs / 2], cmds[c].us[0],
           cmds[c].us[runs - 1]);
  }
  return 0;
}
