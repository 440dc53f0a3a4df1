#!/usr/bin/env bash
# run.sh: CPU and memory benchmarks (LINPACK, memsweep, forksum): native against unikvm,
# interleaved run by run; medians with min/max, the ratio, unikvm's VM exits, one CSV per cell.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. bench/cpu/stats.sh

QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then RUNS=${RUNS:-1} LINPACK_T=${LINPACK_T:-1}; fi
RUNS=${RUNS:-5}
LINPACK_T=${LINPACK_T:-10} # the definition's minimum; QUICK shortens it
FORKSUM_RANGE=${FORKSUM_RANGE:-1 2000}
RESULTS=${RESULTS:-bench/results}
# A hung or runaway run must not stop the suite: it fails its cell instead.
LIMIT=${LIMIT:-900}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
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

# run_one BENCH PLATFORM PATTERN... -- ARGS...: one run; appends the value each sed PATTERN
# extracts from stdout to $TMP/BENCH[.i].PLATFORM, or records why it failed.
run_one() {
  local bench=$1 platform=$2 app=${1%%-*} patterns=() out=$TMP/out err=$TMP/err status
  shift 2
  while [ "$1" != -- ]; do patterns+=("$1") && shift; done
  shift
  if [ "$platform" = native ]; then
    timeout --kill-after=5 "$LIMIT" "$BIN/native/$app" "$@" >"$out" 2>"$err" </dev/null
  else
    timeout --kill-after=5 "$LIMIT" "$BIN/unikvm" --stats "$BIN/$app.elf" -- "$@" \
      >"$out" 2>"$err" </dev/null
  fi
  status=$?
  if [ "$platform" = unikvm ] && grep -q 'Function not implemented' "$err"; then
    echo "n/a (fork not implemented in the guest yet)" >"$TMP/$bench.$platform.fail"
    return
  fi
  local i=0 value
  for p in "${patterns[@]}"; do
    value=$(sed -n "$p" "$out" | head -1)
    if [ "$status" -ne 0 ] || [ -z "$value" ]; then
      echo "failed (exit $status: $(grep -v '^unikvm: stats' "$err" | head -1 | cut -c1-80))" \
        >"$TMP/$bench.$platform.fail"
      return
    fi
    echo "$value" >>"$TMP/$bench.$i.$platform"
    i=$((i + 1))
  done
  [ "$platform" = unikvm ] && sed -n 's/.* exits=\([0-9]*\).*/\1/p' "$err" >>"$TMP/$bench.exits"
}

# both BENCH PATTERN... -- ARGS...: native then unikvm, so drift hits both alike.
both() {
  run_one "$1" native "${@:2}"
  run_one "$1" unikvm "${@:2}"
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
for ((run = 1; run <= RUNS; run++)); do
  echo "bench/cpu: run $run of $RUNS" >&2
  both linpack 's/^KFLOPS: \([0-9.]*\)$/\1/p' -- -t "$LINPACK_T"
  both memsweep 's/^memsweep: \([0-9.]*\) s$/\1/p' --
  # The same sweep after a pass that only touches every page: splits off first-touch cost.
  both memsweep-p 's/^first-touch: \([0-9.]*\) s.*/\1/p' 's/^memsweep: \([0-9.]*\) s$/\1/p' -- -p
  # shellcheck disable=SC2086 # the range is two words on purpose
  both forksum 's/^forks\/s: \([0-9.]*\) .*/\1/p' -- $FORKSUM_RANGE
done

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{
  echo "CPU and memory, native vs unikvm: $RUNS run(s) of each, interleaved; $now;" \
    "$(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), Linux $(uname -r);" \
    "load average at start $load (other work on the machine widens min–max)"
  echo
  echo "| benchmark | native median [min–max] | unikvm median [min–max] | unikvm/native | target | VM exits per run |"
  echo "| --- | --- | --- | --- | --- | --- |"
  row linpack 0 "LINPACK n=500 KFLOPS, higher is better (-t $LINPACK_T)" %.0f higher 0.98 linpack
  row memsweep 0 "memsweep seconds, lower is better" %.3f lower 1.05 memsweep
  row memsweep-p 0 "memsweep -p: first-touch pass only, seconds (8096 pages)" %.3f lower "" \
    memsweep-firsttouch
  row memsweep-p 1 "memsweep -p: sweep after the first-touch pass, seconds" %.3f lower "" ""
  row forksum 0 "forksum $FORKSUM_RANGE forks/s, higher is better (adapted: thread-based fork)" \
    %.0f higher 10 forksum
  echo
  first_touch_note
  echo "\`clock()\` is CPU time on both sides: the process's natively, the VM's (host CLOCK_PROCESS_CPUTIME_ID) in the guest."
} | tee "$RESULTS/cpu.md"
