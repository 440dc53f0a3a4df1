/* context.S: context switch, capture (fork) and first entry of a thread; see context.h. */

/*
 * Frame saved on the stack, at the saved rsp (context.h):
 *   0: mxcsr, 4: x87 control word, 8: r15, 16: r14, 24: r13, 32: r12,
 *   40: rbx, 48: rbp, 56: return address.
 * Everything else is caller-saved in the SysV ABI and dead across the call
 * that switches, so it costs nothing to leave it behind. Nothing here is
 * privileged: it all runs at CPL 3.
 */

.macro SAVE_CONTEXT
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
.endm

	.text

/* void guest_ctx_switch(uint64_t *save, uint64_t next_rsp) */
	.globl guest_ctx_switch
	.type guest_ctx_switch, @function
guest_ctx_switch:
	SAVE_CONTEXT
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	jmp guest_ctx_restore
	.size guest_ctx_switch, . - guest_ctx_switch

/* noreturn void guest_ctx_jump(uint64_t rsp) */
	.globl guest_ctx_jump
	.type guest_ctx_jump, @function
guest_ctx_jump:
	movq %rdi, %rsp
	/* fall through */
guest_ctx_restore:
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	/* A resumed capture returns 0 (the fork child); a switch returns nothing. */
	xorl %eax, %eax
	ret
	.size guest_ctx_jump, . - guest_ctx_jump

/* void guest_ctx_switch_call(uint64_t *save, uintptr_t stack_top, void (*fn)(void *), void *arg) */
	.globl guest_ctx_switch_call
	.type guest_ctx_switch_call, @function
guest_ctx_switch_call:
	SAVE_CONTEXT
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	movq %rcx, %rdi
	/* stack_top is 16-aligned, as a call needs. */
	call *%rdx
	ud2
	.size guest_ctx_switch_call, . - guest_ctx_switch_call

/* int guest_ctx_capture(uint64_t *save, void (*fn)(void *arg, uint64_t rsp), void *arg) */
	.globl guest_ctx_capture
	.type guest_ctx_capture, @function
guest_ctx_capture:
	SAVE_CONTEXT
	movq %rsp, (%rdi)
	movq %rsi, %rax
	movq %rdx, %rdi
	movq %rsp, %rsi
	/* rsp was 8 mod 16 at entry; 6 pushes and 8 bytes make it 0 mod 16. */
	call *%rax
	/* fn preserved the callee-saved registers: the frame only needs dropping. */
	addq $56, %rsp
	movl $1, %eax
	ret
	.size guest_ctx_capture, . - guest_ctx_capture

/* A new thread's first frame returns here (guest_ctx_init). */
	.globl guest_ctx_trampoline
	.type guest_ctx_trampoline, @function
guest_ctx_trampoline:
	.cfi_startproc
	/* Outermost frame: debuggers stop unwinding here. */
	.cfi_undefined rip
	xorl %ebp, %ebp
	call guest_sched_thread_main
	ud2
	.cfi_endproc
	.size guest_ctx_trampoline, . - guest_ctx_trampoline

	.section .note.GNU-stack, "", @progbits
