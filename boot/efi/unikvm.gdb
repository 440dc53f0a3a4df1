# unikvm.gdb: attaches gdb to `make debug` (QEMU halted at reset, gdb stub on 127.0.0.1:$gdb_port).
#
# Usage: gdb -x boot/efi/unikvm.gdb build/APP-virtio.elf   (or: make gdb APP=APP)
# The kernel is linked at its physical addresses and RAM is identity-mapped, so the ELF's
# symbols are right as they are: `break main`, `continue`, `bt` work once the loader has copied
# the kernel in. Breakpoints set before that stay valid: under TCG QEMU checks them by address;
# under KVM prefer `hbreak`, since the loader overwrites an int3 placed before it runs.
set architecture i386:x86-64
set pagination off
set confirm off
if !$_isvoid($gdb_port)
  eval "target remote 127.0.0.1:%d", $gdb_port
else
  target remote 127.0.0.1:1234
end
