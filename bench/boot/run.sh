#!/usr/bin/env bash
# run.sh: boot benchmark: whole-process time of `unikvm hello.elf` against the native static
# hello, interleaved in one run; medians with min/max, the ratio, and unikvm's VM exits.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-31}
RESULTS=${RESULTS:-bench/results}
SPAWN=build/bench/spawn_time
mkdir -p "$RESULTS"

[ -x $SPAWN ] && [ -x build/unikvm ] && [ -f build/hello.elf ] && [ -x build/native/hello ] || {
  echo "bench/boot: build first: make build/unikvm build/hello.elf build/native/hello $SPAWN" >&2
  exit 1
}

lines=$($SPAWN "$RUNS" native build/native/hello :: unikvm build/unikvm build/hello.elf)
native=($(grep '^native ' <<<"$lines"))
unikvm=($(grep '^unikvm ' <<<"$lines"))
stats=$(build/unikvm --stats build/hello.elf 2>&1 >/dev/null | grep -o 'exits=[0-9]*' | head -1)
ratio=$(awk -v a="${unikvm[1]}" -v b="${native[1]}" 'BEGIN { printf "%.2f", a / b }')

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "$now,${native[1]}" >>"$RESULTS/boot-native.csv"
echo "$now,${unikvm[1]}" >>"$RESULTS/boot-unikvm.csv"

{
  echo "| boot: exec → exit of hello ($RUNS runs, interleaved) | median µs | min–max µs | ratio to native | VM exits |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| native (static Linux binary) | ${native[1]} | ${native[2]}–${native[3]} | 1.00 | – |"
  echo "| unikvm | ${unikvm[1]} | ${unikvm[2]}–${unikvm[3]} | $ratio | ${stats#exits=} |"
} | tee "$RESULTS/boot.md"
