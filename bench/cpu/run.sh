#!/usr/bin/env bash
# run.sh: CPU and memory benchmarks (LINPACK, memsweep, forksum) on each platform, interleaved run
# by run (native, unikvm, then the QEMU platforms in their first QEMU_RUNS runs); medians with
# min/max, ratios to native, unikvm's VM exits, one time,value CSV per benchmark and platform.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
SUITE=cpu
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. bench/lib/stats.sh
. bench/lib/qemu.sh

QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then RUNS=${RUNS:-1} LINPACK_T=${LINPACK_T:-1} QEMU_RUNS=${QEMU_RUNS:-1}; fi
RUNS=${RUNS:-5}
LINPACK_T=${LINPACK_T:-10} # the definition's minimum; QUICK shortens it
FORKSUM_RANGE=${FORKSUM_RANGE:-1 2000}
QEMU_RUNS=${QEMU_RUNS:-2} # runs with the QEMU platforms too (TCG: seconds of boot each)
# memsweep under TCG takes about 75 s a run: once in a full run, not in a quick one.
QEMU_MEMSWEEP=${QEMU_MEMSWEEP:-$((QUICK == 1 ? 0 : 1))}
MEMSWEEP_P=${MEMSWEEP_P:-1} # 0 leaves out the memsweep -p rows (the self-check's shortcut)
RESULTS=${RESULTS:-bench/results}
# A hung or runaway run must not stop the suite: it fails its cell instead.
LIMIT=${LIMIT:-900}
mkdir -p "$RESULTS"

NEEDS=(build/unikvm build/linpack.elf build/memsweep.elf build/forksum.elf
  build/native/linpack build/native/memsweep build/native/forksum)
# Run private copies: a rebuild or `make clean` in the tree during the run cannot change or remove
# what is being measured halfway through.
BIN=$TMP/bin
mkdir -p "$BIN/native"
for f in "${NEEDS[@]}"; do
  cp "$f" "$BIN/${f#build/}" || {
    echo "bench/cpu: $f missing: run 'make bench' (it builds everything first)" >&2
    exit 1
  }
done
qemu_setup linpack memsweep forksum

# run_one BENCH PLATFORM PATTERN... -- ARGS...: one run; appends the value each sed PATTERN
# extracts from the app's output to $TMP/BENCH.i.PLATFORM, or records why it failed.
run_one() {
  local bench=$1 platform=$2 app=${1%%-*} patterns=() out=$TMP/out err=$TMP/err status
  shift 2
  while [ "$1" != -- ]; do patterns+=("$1") && shift; done
  shift
  measures "$platform" || return 0
  case $platform in
  native) timeout --kill-after=5 "$LIMIT" "$BIN/native/$app" "$@" >"$out" 2>"$err" </dev/null ;;
  unikvm)
    timeout --kill-after=5 "$LIMIT" "$BIN/unikvm" --stats "$BIN/$app.elf" -- "$@" \
      >"$out" 2>"$err" </dev/null
    ;;
  *)
    # shellcheck disable=SC2046 # qemu_cmd is words on purpose
    timeout --kill-after=5 "$LIMIT" $(qemu_cmd "$platform") "$BIN/$app-virtio.elf" "$@" \
      >"$TMP/raw" 2>"$err" </dev/null
    ;;
  esac
  status=$?
  is_qemu "$platform" && qemu_output "$TMP/raw" >"$out"
  if [ "$platform" = unikvm ] && grep -q 'Function not implemented' "$err"; then
    echo "n/a (fork not implemented in the guest yet)" >"$TMP/$bench.$platform.fail"
    return
  fi
  local i=0 value
  for p in "${patterns[@]}"; do
    value=$(sed -n "$p" "$out" | head -1)
    if [ "$status" -ne 0 ] || [ -z "$value" ]; then
      if is_qemu "$platform"; then
        qemu_why "$TMP/raw" "$status" >"$TMP/$bench.$platform.fail"
      else
        echo "failed (exit $status: $(grep -v '^unikvm: stats' "$err" | head -1 | cut -c1-80))" \
          >"$TMP/$bench.$platform.fail"
      fi
      return
    fi
    echo "$value" >>"$TMP/$bench.$i.$platform"
    i=$((i + 1))
  done
  [ "$platform" = unikvm ] && sed -n 's/.* exits=\([0-9]*\).*/\1/p' "$err" >>"$TMP/$bench.exits"
  return 0
}

# each BENCH [QEMU-RUNS] PATTERN... -- ARGS...: native, unikvm, then the QEMU platforms while
# this is one of their first QEMU-RUNS runs (default QEMU_RUNS), so drift hits all alike.
each() {
  local bench=$1 qruns=$QEMU_RUNS p
  shift
  [[ $1 =~ ^[0-9]+$ ]] && qruns=$1 && shift
  for p in "${ALL_PLATFORMS[@]}"; do
    if is_qemu $p; then
      [ "$run" -le "$qruns" ] || continue
      [ "$qruns" -lt "$RUNS" ] && echo "n=$(( qruns < RUNS ? qruns : RUNS ))" >"$TMP/$bench.$p.note"
    fi
    run_one "$bench" $p "$@"
  done
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
for ((run = 1; run <= RUNS; run++)); do
  echo "bench/cpu: run $run of $RUNS" >&2
  each linpack 's/^KFLOPS: \([0-9.]*\)$/\1/p' -- -t "$LINPACK_T"
  each memsweep "$QEMU_MEMSWEEP" 's/^memsweep: \([0-9.]*\) s$/\1/p' --
  # The same sweep after a pass that only touches every page: splits off first-touch cost.
  [ "$MEMSWEEP_P" = 1 ] &&
    each memsweep-p 0 's/^first-touch: \([0-9.]*\) s.*/\1/p' 's/^memsweep: \([0-9.]*\) s$/\1/p' -- -p
  # shellcheck disable=SC2086 # the range is two words on purpose
  each forksum 's/^forks\/s: \([0-9.]*\) .*/\1/p' -- $FORKSUM_RANGE
done
for p in qemu-tcg qemu-kvm; do
  measures $p || continue
  [ "$QEMU_MEMSWEEP" = 0 ] && echo "not run (about 75 s a run under TCG; QEMU_MEMSWEEP=1 runs it)" >"$TMP/memsweep.$p.fail"
  [ "$MEMSWEEP_P" = 1 ] && echo "not run (memsweep is once enough under TCG)" >"$TMP/memsweep-p.$p.fail"
done

# first_touch_note: what first-touching the 8096 pages costs per page, and how much of the guest's
# memsweep time it is.
first_touch_note() {
  local line="" sep=""
  for platform in native unikvm; do
    local touch=$TMP/memsweep-p.0.$platform sweep=$TMP/memsweep.0.$platform
    if [ ! -s "$touch" ] || [ ! -s "$sweep" ]; then continue; fi
    line+=$sep$(awk -v t="$(median "$touch")" -v s="$(median "$sweep")" -v p="$platform" \
      'BEGIN { printf "%s %.2f µs per page (%.1f ms, %.1f%% of its memsweep time)",
        p, t * 1e6 / 8096, t * 1e3, 100 * t / s }')
    sep="; "
  done
  echo "First touch of a 4 KiB page: ${line:-not measured}"
  echo
}

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
results_reset
{
  echo "CPU and memory: $RUNS run(s) of each, interleaved; $now;" \
    "$(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), Linux $(uname -r);" \
    "load average at start $load (other work on the machine widens min–max)"
  echo
  echo "| benchmark |$(platform_header) target (unikvm) | unikvm VM exits per run |"
  echo "| --- |$(platform_rule) --- | --- |"
  row linpack 0 "LINPACK n=500 KFLOPS, higher is better (-t $LINPACK_T)" %.0f higher 0.98 linpack
  row memsweep 0 "memsweep seconds, lower is better" %.3f lower 1.05 memsweep
  if [ "$MEMSWEEP_P" = 1 ]; then
    row memsweep-p 0 "memsweep -p: first-touch pass only, seconds (8096 pages)" %.3f lower "" \
      memsweep-firsttouch
    row memsweep-p 1 "memsweep -p: sweep after the first-touch pass, seconds" %.3f lower "" ""
  fi
  row forksum 0 "forksum $FORKSUM_RANGE forks/s, higher is better (adapted: thread-based fork)" \
    %.0f higher 10 forksum
  echo
  first_touch_note
  echo "\`clock()\` is CPU time natively and under unikvm (the process's; the VM's, host" \
    "CLOCK_PROCESS_CPUTIME_ID); under QEMU the guest derives it from the TSC, i.e. elapsed time."
  echo "qemu-*: the same apps linked for the virtio platform, booted by \`boot/efi/qemu-run.sh\`;" \
    "*n=…* marks a platform with fewer runs than the others (TCG is slow)."
  echo
  platform_notes
} | tee "$RESULTS/cpu.md"
