#!/usr/bin/env bash
# run.sh: boot benchmark: whole-process time of `unikvm hello.elf` against the native static
# hello, interleaved in one run; medians with min/max, the ratio, and unikvm's VM exits. The QEMU
# platforms (hello's virtio image through OVMF and the UEFI loader) take seconds per boot under
# TCG, so they get fewer runs of their own (QEMU_RUNS) after the others.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
SUITE=boot
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. bench/lib/stats.sh
. bench/lib/qemu.sh

RUNS=${RUNS:-31}
QEMU_RUNS=${QEMU_RUNS:-5}
RESULTS=${RESULTS:-bench/results}
SPAWN=build/bench/spawn_time
mkdir -p "$RESULTS"

[ -x $SPAWN ] && [ -x build/unikvm ] && [ -f build/hello.elf ] && [ -x build/native/hello ] || {
  echo "bench/boot: build first: make build/unikvm build/hello.elf build/native/hello $SPAWN" >&2
  exit 1
}
BIN=$TMP/bin
mkdir -p "$BIN"
qemu_setup hello

# spawn RUNS NAME CMD... [:: NAME CMD...]: spawn_time's medians into $TMP/boot.0.NAME (and its
# min and max into $TMP/boot.1.NAME, $TMP/boot.2.NAME), or why it failed into every NAME's cell.
spawn() {
  local runs=$1 names=() lines name med lo hi
  shift
  names+=("$1")
  for ((i = 1; i <= $#; i++)); do [ "${!i}" = :: ] && j=$((i + 1)) && names+=("${!j}"); done
  if lines=$($SPAWN "$runs" "$@" 2>"$TMP/spawn.err"); then
    while read -r name med lo hi; do
      echo "$med" >"$TMP/boot.0.$name" && echo "$lo" >"$TMP/boot.1.$name" && echo "$hi" >"$TMP/boot.2.$name"
    done <<<"$lines"
  else
    for name in "${names[@]}"; do echo "failed ($(head -1 "$TMP/spawn.err" | cut -c1-80))" >"$TMP/boot.$name.fail"; done
  fi
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench/boot: native and unikvm, $RUNS runs" >&2
if measures unikvm; then
  spawn "$RUNS" native build/native/hello :: unikvm build/unikvm build/hello.elf
  build/unikvm --stats build/hello.elf 2>&1 >/dev/null | sed -n 's/.* exits=\([0-9]*\).*/\1/p' | head -1 >"$TMP/exits"
else
  spawn "$RUNS" native build/native/hello
fi
for p in qemu-tcg qemu-kvm; do
  measures $p || continue
  echo "bench/boot: $p, $QEMU_RUNS runs" >&2
  # shellcheck disable=SC2046 # qemu_cmd is words on purpose
  spawn "$QEMU_RUNS" $p /usr/bin/env $(qemu_cmd $p | cut -d' ' -f2-) "$BIN/hello-virtio.elf"
  echo "n=$QEMU_RUNS" >"$TMP/boot.$p.note"
  # One more boot to split the firmware's and the loader's share off (the loader prints both).
  # shellcheck disable=SC2046
  timeout --kill-after=5 120 $(qemu_cmd $p) "$BIN/hello-virtio.elf" >"$TMP/$p.raw" 2>/dev/null </dev/null
  tr -d '\r' <"$TMP/$p.raw" | sed -n 's/^unikvm-efi: \(firmware\|loader\) (\(.*\)): \([0-9.]*\) ms$/\1 (\2) \3 ms/p' |
    paste -sd, - | sed "s/^/$p: /; s/,/, /g" >>"$TMP/split"
done

# row_for PLATFORM: one table line.
row_for() {
  local p=$1 r="–" exits="–" note=""
  [ -s "$TMP/boot.$p.note" ] && note=" *($(cat "$TMP/boot.$p.note"))*"
  if [ ! -s "$TMP/boot.0.$p" ]; then
    echo "| $p$note | $(cell boot 0 "$p" %.1f) | – | – | – |"
    return
  fi
  r=$(ratio boot 0 "$p")
  [ "$p" = unikvm ] && [ -s "$TMP/exits" ] && exits=$(cat "$TMP/exits")
  echo "| $p$note | $(cat "$TMP/boot.0.$p") | $(cat "$TMP/boot.1.$p")–$(cat "$TMP/boot.2.$p") | $r | $exits |"
}

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
results_reset
{
  echo "Boot, exec → main → exit of hello: $now; $(nproc) CPUs," \
    "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), Linux $(uname -r); load average at start $load"
  echo
  echo "| platform ($RUNS runs, native and unikvm interleaved) | median µs | min–max µs | ratio to native | VM exits |"
  echo "| --- | --- | --- | --- | --- |"
  row_for native
  row_for unikvm
  row_for qemu-tcg
  row_for qemu-kvm
  echo
  echo "native: the static Linux binary; unikvm: \`unikvm hello.elf\`; qemu-*: \`boot/efi/qemu-run.sh" \
    "build/hello-virtio.elf\` (it writes a FAT EFI system partition, then QEMU boots OVMF, the" \
    "UEFI loader and the kernel), $QEMU_RUNS runs of its own after the others."
  [ -s "$TMP/split" ] && echo && echo "Of a QEMU boot, as the loader reports it: $(paste -sd';' "$TMP/split" | sed 's/;/; /g')."
  echo
  platform_notes
} | tee "$RESULTS/boot.md"
save boot 0 boot lower
