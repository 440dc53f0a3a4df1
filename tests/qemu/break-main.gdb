# break-main.gdb: a scripted debugging session for tests/integration/qemu.sh: stop at main, backtrace.
# Runs after boot/efi/unikvm.gdb has attached to QEMU halted at reset.
break main
continue
bt
info registers rip cs
kill
