/* context.h: the scheduler's assembly (context.S): save, switch and capture contexts. */
#ifndef GUEST_CONTEXT_H
#define GUEST_CONTEXT_H

#include <stdint.h>
#include <stdnoreturn.h>

/*
 * A saved context is a frame on its thread's stack, and the thread's saved
 * rsp points at it (low to high): mxcsr (4 bytes), x87 control word (2),
 * padding (2), r15, r14, r13, r12, rbx, rbp, return address. Those are
 * everything the SysV ABI makes callee-saved; the caller-saved rest is dead
 * at any call, so a switch is a call that returns in another thread.
 */
#define GUEST_CTX_FRAME_SIZE 64

/* Saves the running context into *save, then resumes the one at next_rsp. */
void guest_ctx_switch(uint64_t *save, uint64_t next_rsp);

/*
 * Saves the running context into *save, then calls fn(arg) on the stack
 * ending at stack_top (16-byte aligned); fn must not return. The
 * scheduler uses it to rewrite a shared stack region while no one runs on it.
 */
void guest_ctx_switch_call(uint64_t *save, uintptr_t stack_top, void (*fn)(void *), void *arg);

/* Resumes the context saved at rsp, abandoning the running one. */
noreturn void guest_ctx_jump(uint64_t rsp);

/*
 * Saves the running context into *save and calls fn(arg, *save) while that
 * frame is still on the stack, so fn can copy it; returns 1. Resuming the
 * saved context later (guest_ctx_switch or guest_ctx_jump to its rsp, with
 * the stack bytes restored) returns 0 from the same call, like setjmp.
 */
__attribute__((returns_twice)) int
guest_ctx_capture(uint64_t *save, void (*fn)(void *arg, uint64_t rsp), void *arg);

/* First code of a new thread: calls guest_sched_thread_main(); see guest_ctx_init. */
void guest_ctx_trampoline(void);

/* Called by the trampoline on a new thread's own stack; never returns. */
noreturn void guest_sched_thread_main(void);

/*
 * Builds the first context of a thread whose stack ends at stack_top: when
 * resumed it enters guest_sched_thread_main with a SysV-aligned stack and
 * the default x87/SSE control words. Returns the rsp to resume.
 */
static inline uint64_t guest_ctx_init(uintptr_t stack_top) {
  /* After the frame's `ret` pops the trampoline address rsp must be 16-aligned for its call. */
  uintptr_t frame = (stack_top & ~(uintptr_t)15) - 16 - GUEST_CTX_FRAME_SIZE;
  uint64_t *w = (uint64_t *)frame;
  /* mxcsr 0x1f80 (all exceptions masked, round to nearest), fpcw 0x037f (same for x87). */
  w[0] = 0x1f80ull | (0x037full << 32);
  for (int i = 1; i < 7; i++)
    w[i] = 0; /* r15, r14, r13, r12, rbx, rbp: rbp 0 ends the frame chain for debuggers */
  w[7] = (uint64_t)(uintptr_t)guest_ctx_trampoline;
  w[8] = 0; /* a zero "return address" above the trampoline: the end of the stack */
  return frame;
}

#endif
