/* hvt_entry.S: the image's entry point; unikvm jumps here at CPL 3. */

/*
 * On entry (see include/unikvm/abi.h): 64-bit mode, CPL 3, IOPL 3,
 * interrupts off, rsp = boot_info.stack_top, rdi = GPA of the boot info.
 * The host zero-fills every page it does not load from the file, so .bss is
 * already zero: clearing it here would only cost a first touch (~6 us) per
 * page. Nothing here may be privileged: at CPL 3 it would #GP.
 */

	.section .text.boot, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	/* Outermost frame: debuggers stop unwinding here. */
	.cfi_undefined rip
	xorl %ebp, %ebp
	/* SysV ABI: rsp is 16-byte aligned at the call. */
	andq $-16, %rsp
	/*
	 * Put the x87 and SSE control words in the state the SysV ABI
	 * promises a process, whatever the vCPU was reset to.
	 */
	fninit
	pushq $0x1f80
	ldmxcsr (%rsp)
	popq %rax
	/* rdi (boot info) is passed through untouched. */
	call guest_start
	/* guest_start never returns; if it does, trap so the host reports it. */
	ud2
	.cfi_endproc
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
