/* teardown.c: destroy the VM in a short-lived child that shares our address space. */
#include "teardown.h"

#include <linux/close_range.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The child runs on this stack while we exit; it only makes two raw system calls. */
static char child_stack[16384] __attribute__((aligned(16)));

static int release_and_exit(void *unused) {
  (void)unused;
  /* Drop our copies of stdout/stderr and every device fd at once, so that a
   * reader waiting for EOF, or a test re-opening the same tap, never waits
   * for the teardown. The VM stays alive through the shared mapping of its
   * vCPU run page until this exit unmaps it. */
  syscall(SYS_close_range, 0u, ~0u, 0u);
  syscall(SYS_exit, 0);
  return 0;
}

void teardown_in_background(void) {
  fflush(NULL);
  /* exit_signal 0: we will not wait for it; once we are gone it is
   * reparented and reaped like any orphan. */
  clone(release_and_exit, child_stack + sizeof(child_stack), CLONE_VM | CLONE_UNTRACED, NULL);
}
