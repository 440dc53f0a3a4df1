# qemu.sh: the QEMU platforms of the bench suites (sourced after stats.sh; reads $TMP, $BIN).
# qemu-tcg and qemu-kvm boot the app's virtio image (build/APP-virtio.elf) under QEMU/OVMF through
# the UEFI loader with boot/efi/qemu-run.sh, as `make qemu` does; they differ only in QEMU_ACCEL.
# shellcheck shell=bash disable=SC2154 # $TMP and $BIN come from the suite

QEMU_RUNNER=boot/efi/qemu-run.sh

# qemu_setup APP...: decides which QEMU platforms this run can measure (the others get an n/a
# reason, shown in their cells) and copies the virtio images of APP... to $BIN/APP-virtio.elf.
# qemu-kvm needs a KVM that runs the firmware's CPL 0 code: qemu-run.sh probes that and, where it
# cannot (kvm_pvm hosts), falls back to TCG and says why; that reason goes in the qemu-kvm cells.
qemu_setup() {
  local app why="" p
  measures qemu-tcg || measures qemu-kvm || return 0
  if ! command -v qemu-system-x86_64 >/dev/null; then
    why="qemu-system-x86_64 not installed: apt-get install qemu-system-x86 ovmf mtools dosfstools"
  elif [ ! -r build/efi/BOOTX64.EFI ]; then
    why="build/efi/BOOTX64.EFI missing: make build/efi/BOOTX64.EFI"
  fi
  for app in "$@"; do
    [ -n "$why" ] && break
    cp "build/$app-virtio.elf" "$BIN/$app-virtio.elf" 2>/dev/null ||
      why="build/$app-virtio.elf missing: make build/$app-virtio.elf"
  done
  if [ -n "$why" ]; then
    for p in qemu-tcg qemu-kvm; do platform_na $p "$why"; done
    return 0
  fi
  measures qemu-kvm || return 0
  echo "bench/${SUITE:-?}: probing QEMU's KVM (boots the loader once)" >&2
  QEMU_ACCEL='' timeout --kill-after=5 120 "$QEMU_RUNNER" --esp "$TMP/probe.esp" - \
    >/dev/null 2>"$TMP/probe.err" </dev/null
  why=$(sed -n 's/^qemu-run: using TCG: //p' "$TMP/probe.err")
  if [ -n "$why" ]; then
    platform_na qemu-kvm "QEMU's $why"
  elif grep -q '^qemu-run: ' "$TMP/probe.err"; then
    platform_na qemu-kvm "the KVM probe failed: $(grep -m1 '^qemu-run: ' "$TMP/probe.err" | cut -c11-90)"
  fi
  rm -f "$TMP/probe.esp" "$TMP/probe.err"
}

# qemu_accel PLATFORM: tcg or kvm.
qemu_accel() { echo "${1#qemu-}"; }

# is_qemu PLATFORM: true for qemu-tcg and qemu-kvm.
is_qemu() { [ "${1#qemu-}" != "$1" ]; }

# qemu_cmd PLATFORM: prints the runner command line prefix (env ... qemu-run.sh --esp ...) that
# the caller completes with [--disk FILE] [--net ...] KERNEL ARGS; each gets its own ESP image.
qemu_cmd() { echo "env QEMU_ACCEL=$(qemu_accel "$1") $QEMU_RUNNER --esp $TMP/$1.esp"; }

# qemu_output RAW: the kernel's own console output from a serial capture: escape sequences and
# \r removed, the firmware's and the loader's lines before the kernel's entry dropped.
qemu_output() {
  tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;=?]*[a-zA-Z]//g' |
    awk 'entered { print } /^unikvm-efi: loader \(start to kernel entry\)/ { entered = 1 }'
}

# qemu_why RAW STATUS: the failure of a QEMU run in a few words.
qemu_why() {
  local line
  line=$(tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;=?]*[a-zA-Z]//g' |
    grep -E 'unikvm(-efi)?: |qemu-run: |qemu-system' | tail -1 | cut -c1-80)
  echo "failed (exit $2${line:+: $line})"
}
