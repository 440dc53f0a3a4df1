/* efi_enter.S: the jump into the kernel at CPL 3, and the CPL 0 exception entry stubs. */

#define SEL_UDATA 0x18
#define SEL_UCODE 0x20
#define ENTER_STACK_TOP 0x1f000 /* EFI_ENTER_STACK_TOP in efi_layout.h */
#define RFLAGS_IOPL3 0x3002     /* IOPL 3, reserved bit 1; IF stays clear */

	.text

/*
 * efi_enter_kernel(entry, user_rsp, boot_info): rdi, rsi, rdx (SysV).
 * The firmware's stack may lie in the RAM the kernel is about to get, so
 * the loader moves to its own low stack first and only then lets
 * efi_place_kernel copy the kernel in and zero the rest.
 */
	.globl efi_enter_kernel
	.type efi_enter_kernel, @function
efi_enter_kernel:
	movq $ENTER_STACK_TOP, %rsp
	movq %rdi, %r12		/* entry */
	movq %rsi, %r13		/* user rsp */
	movq %rdx, %r14		/* boot info */
	/* The stack is 16-byte aligned at the call, as the ABI wants. */
	call efi_place_kernel
	/* iretq frame for CPL 3: ss, rsp, rflags, cs, rip. */
	pushq $(SEL_UDATA | 3)
	pushq %r13
	pushq $RFLAGS_IOPL3
	pushq $(SEL_UCODE | 3)
	pushq %r12
	movq %r14, %rdi
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %ebp, %ebp
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	xorl %r11d, %r11d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
	movw $(SEL_UDATA | 3), %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	xorl %eax, %eax
	iretq
	.size efi_enter_kernel, . - efi_enter_kernel

/*
 * One 16-byte stub per vector: [push $0] push $vec; jmp. The CPU pushes an
 * error code itself for 8, 10-14, 17, 21, 29, 30; the others push a 0 so
 * that every frame looks the same to efi_fault().
 */
	.macro stub vec
	.balign 16
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	pushq $\vec
	.else
	pushq $0
	pushq $\vec
	.endif
	jmp fault_common
	.endm

	.balign 16
	.globl efi_fault_stubs
efi_fault_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	stub \v
	.endr

/* Saves the general registers under the CPU's frame and reports; never returns. */
fault_common:
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %r11
	pushq %r10
	pushq %r9
	pushq %r8
	pushq %rbp
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rbx
	pushq %rax
	movq %rsp, %rdi
	andq $-16, %rsp
	call efi_fault
	ud2

	.section .note.GNU-stack, "", @progbits
