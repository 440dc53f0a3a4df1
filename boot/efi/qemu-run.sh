#!/usr/bin/env bash
# qemu-run.sh: boots a virtio kernel image under QEMU/OVMF from a fresh ESP and returns its exit status.
#
# Usage: boot/efi/qemu-run.sh [options] KERNEL [ARGS...]
#   --net auto|none|user[,hostfwd=tcp:ADDR:HOSTPORT-:GUESTPORT]...   a virtio-net NIC with
#                      QEMU's user-mode network (auto, the default: when the kernel's manifest
#                      asks for a NIC, as unikvm decides)
#   --disk FILE        a raw data disk as virtio-blk
#   --debug PORT       start halted with QEMU's gdb stub on 127.0.0.1:PORT
#   --esp FILE         where to build the ESP image (default build/qemu/esp.img)
# KERNEL "-" leaves \unikvm\kernel.elf out of the ESP (to test the loader's refusal).
# Environment: QEMU_ACCEL=kvm|tcg (default: KVM where it can run the firmware, else TCG),
#   QEMU_MEM (default 256M), OVMF_FD (default /usr/share/ovmf/OVMF.fd).
#
# Exit status: the kernel's own exit status (0..255), taken from the byte it writes to QEMU's
# debugcon port; a loader refusal or a CPU exception arrives through isa-debug-exit, where QEMU
# exits with (status << 1) | 1 and this script shifts it back (121 kernel missing or rejected,
# 122 firmware setup, 123 CPU exception). 125: QEMU itself failed or stopped without a status.
# shellcheck disable=SC2054 # QEMU's options are comma-separated on purpose
set -u

die() {
	echo "qemu-run: $*" >&2
	exit 125
}

net=auto disk='' debug_port='' esp=build/qemu/esp.img
while [ $# -gt 0 ]; do
	case $1 in
	--net) net=$2; shift 2 ;;
	--disk) disk=$2; shift 2 ;;
	--debug) debug_port=$2; shift 2 ;;
	--esp) esp=$2; shift 2 ;;
	--) shift; break ;;
	-) break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || die "usage: qemu-run.sh [options] KERNEL [ARGS...]"
kernel=$1
shift

loader=build/efi/BOOTX64.EFI
ovmf=${OVMF_FD:-/usr/share/ovmf/OVMF.fd}
for tool in qemu-system-x86_64 mkfs.fat mcopy mmd; do
	command -v $tool >/dev/null ||
		die "$tool is missing: apt-get install qemu-system-x86 ovmf mtools dosfstools"
done
[ -r "$ovmf" ] || die "$ovmf is missing: apt-get install ovmf (or set OVMF_FD)"
[ -r "$loader" ] || die "$loader is missing: make $loader"
[ "$kernel" = - ] || [ -r "$kernel" ] || die "$kernel: no such image"
# An hvt image boots here too, then fails at its first hypercall: say why up front.
if [ "$kernel" != - ] && nm "$kernel" 2>/dev/null | grep -q ' hvt_net_init$'; then
	echo "qemu-run: warning: $kernel is linked for unikvm (hvt), not virtio: use build/APP-virtio.elf" >&2
fi

# ---- the EFI system partition: the loader, the kernel, its command line --------------------
# The kernel reads argv[0..] from \unikvm\cmdline; quoting keeps words with spaces whole.
quote_args() {
	local a out=
	for a in "$@"; do
		case $a in *"'"*) out+="\"$a\" " ;; *) out+="'$a' " ;; esac
	done
	printf '%s' "$out"
}

make_esp() {
	local kb=$((16 * 1024)) need
	mkdir -p "$(dirname "$esp")" || return 1
	# FAT16 with room for the kernel: 16 MiB, or the kernel plus 4 MiB if that is more.
	if [ "$kernel" != - ]; then
		need=$(($(stat -c %s "$kernel") / 1024 + 4096))
		[ $need -gt $kb ] && kb=$need
	fi
	rm -f "$esp"
	mkfs.fat -C "$esp" $kb >/dev/null || return 1
	mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/unikvm || return 1
	mcopy -i "$esp" "$loader" ::/EFI/BOOT/BOOTX64.EFI || return 1
	if [ "$kernel" != - ]; then
		mcopy -i "$esp" "$kernel" ::/unikvm/kernel.elf || return 1
	fi
	quote_args "$kernel" "$@" | mcopy -i "$esp" - ::/unikvm/cmdline || return 1
}
make_esp "$@" || die "cannot build the ESP image $esp"

# ---- accelerator ----------------------------------------------------------------------------
status_file=$(mktemp)
probe_err=$(mktemp)
trap 'rm -f "$status_file" "$probe_err"' EXIT

# KVM runs the firmware at CPL 0; on hosts that are themselves PVM guests that fails with a KVM
# internal error. Probe: boot the loader with no kernel; under a working KVM it refuses at once
# (status 121 through isa-debug-exit).
probe_kvm() {
	local probe_esp="$esp.probe" pid
	if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
		kvm_why="no usable /dev/kvm"
		return 1
	fi
	rm -f "$probe_esp"
	if ! { mkfs.fat -C "$probe_esp" 4096 >/dev/null && mmd -i "$probe_esp" ::/EFI ::/EFI/BOOT &&
		mcopy -i "$probe_esp" "$loader" ::/EFI/BOOT/BOOTX64.EFI; }; then
		kvm_why="cannot build the probe ESP"
		return 1
	fi
	qemu-system-x86_64 -machine q35 -accel kvm -m 128M -display none -vga none -serial none -monitor none \
		-bios "$ovmf" -drive if=none,id=esp,format=raw,file="$probe_esp" \
		-device ide-hd,drive=esp,bus=ide.0,bootindex=0 -net none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 2>"$probe_err" &
	pid=$!
	for _ in $(seq 300); do
		if ! kill -0 $pid 2>/dev/null; then
			wait $pid
			local rc=$?
			rm -f "$probe_esp"
			[ $rc = 243 ] && return 0
			break
		fi
		grep -q "KVM internal error" "$probe_err" && break
		sleep 0.1
	done
	kill $pid 2>/dev/null && wait $pid 2>/dev/null
	rm -f "$probe_esp"
	kvm_why="KVM cannot run the firmware here ($(grep -m1 -o 'KVM internal error.*\|emulation failure' "$probe_err" || head -c 80 "$probe_err"); a PVM host runs only CPL 3 code natively)"
	return 1
}

accel=${QEMU_ACCEL:-}
if [ -z "$accel" ]; then
	if probe_kvm; then accel=kvm; else
		accel=tcg
		echo "qemu-run: using TCG: $kvm_why" >&2
	fi
fi

# The manifest: the device bits of every unikvm note (type 0x554b0001), as unikvm ORs them.
manifest_devices() {
	local bits=0 b
	for b in $(readelf -nW "$kernel" 2>/dev/null |
		sed -n 's/.*(0x554b0001).*description data: \([0-9a-f ]*\)$/\1/p' | awk '{print $5}'); do
		bits=$((bits | 0x$b))
	done
	echo $bits
}
if [ "$net" = auto ]; then
	net=none
	[ "$kernel" != - ] && [ $(($(manifest_devices) & 1)) = 1 ] && net=user
fi

# ---- QEMU -----------------------------------------------------------------------------------
# No VGA: the console is the serial line, and QEMU then needs no VGA BIOS (Debian's seabios).
args=(-machine q35 -accel "$accel" -m "${QEMU_MEM:-256M}" -nographic -vga none -no-reboot -bios "$ovmf"
	# S3 support makes OVMF keep 8-9 MiB for itself, which would end the kernel's RAM there.
	-global ICH9-LPC.disable_s3=1
	-drive if=none,id=esp,format=raw,file="$esp" -device ide-hd,drive=esp,bus=ide.0,bootindex=0
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -debugcon file:"$status_file")
case $net in
none) args+=(-net none) ;;
user*) args+=(-netdev "user,id=n0${net#user}"
	-device virtio-net-pci,netdev=n0,disable-modern=on,romfile=) ;;
*) die "--net $net: expected none or user[,hostfwd=...]" ;;
esac
if [ -n "$disk" ]; then
	[ -r "$disk" ] || die "$disk: no such disk image"
	args+=(-drive if=none,id=disk,format=raw,file="$disk" -device virtio-blk-pci,drive=disk,disable-modern=on)
fi
if [ -n "$debug_port" ]; then
	args+=(-gdb tcp:127.0.0.1:"$debug_port" -S)
	echo "qemu-run: halted; in another terminal: make gdb APP=... (or gdb -x boot/efi/unikvm.gdb $kernel)" >&2
fi

qemu-system-x86_64 "${args[@]}"
rc=$?
if [ -s "$status_file" ]; then
	exit "$(tail -c 1 "$status_file" | od -An -tu1 | tr -d ' ')"
fi
if [ $rc -gt 1 ] && [ $((rc & 1)) = 1 ]; then
	exit $((rc >> 1))
fi
[ $rc -ge 124 ] && exit $rc # timeout(1) and signals
echo "qemu-run: QEMU ended without an exit status from the kernel (status $rc: a QEMU error, a triple fault, C-a x or gdb's kill)" >&2
exit 125
