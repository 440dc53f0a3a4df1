/* teardown.h: let the kernel destroy the VM after unikvm has already exited. */
#ifndef UNIKVM_TEARDOWN_H
#define UNIKVM_TEARDOWN_H

/*
 * Destroying a KVM VM costs ≈0.7 ms on these hosts (more than creating it),
 * and it happens inside exit_group(), so the caller waiting for our exit
 * status waits for it too. This hands the address space — and with it the
 * VM, whose vCPU run page is mapped there — to a child that shares it, owns
 * no descriptor, and exits at once: our exit then drops only a reference and
 * the destruction runs in the child, after our status is already delivered.
 * Call it last, after every device is closed and output flushed; it is an
 * optimisation only, and does nothing if the child cannot be made.
 */
void teardown_in_background(void);

#endif
