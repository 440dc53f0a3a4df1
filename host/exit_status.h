/* exit_status.h: unikvm's own exit statuses (a guest's exit(N) passes N through). */
#ifndef UNIKVM_EXIT_STATUS_H
#define UNIKVM_EXIT_STATUS_H

/*
 * A guest may exit with any status 0..255, so collisions cannot be avoided;
 * these sit in a range programs rarely use, and 134 matches what a shell
 * reports for a process killed by SIGABRT.
 */
enum unikvm_exit_status {
  EXIT_USAGE = 120,       /* bad command line */
  EXIT_BAD_IMAGE = 121,   /* image unreadable or rejected by the loader */
  EXIT_SETUP = 122,       /* KVM or host resources failed */
  EXIT_GUEST_FAULT = 123, /* CPU exception, triple fault, unexpected exit */
  EXIT_GUEST_ABI = 124,   /* bad hypercall: unknown port, bad address, bad args */
  EXIT_TIMEOUT = 125,     /* still running when --timeout expired */
  EXIT_GUEST_ABORT = 134, /* guest called abort() or panicked */
  /* 128 + signal: SIGINT/SIGTERM stopped the VM; 159 (SIGSYS): unikvm itself
   * made a system call outside its seccomp allow-list (sandbox.h). */
};

#endif
