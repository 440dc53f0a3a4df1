#!/usr/bin/env bash
# run.sh MODE SECONDS HARNESS...: runs the libFuzzer harnesses built by tests/fuzz/fuzz.mk.
#   smoke: replays every seed and every input under tests/fuzz/corpus/HARNESS/ (regression
#          inputs must pass), then fuzzes each harness for SECONDS.
#   fuzz:  fuzzes each harness for SECONDS.
# New interesting inputs go to build/fuzz/work/HARNESS/ (never into the checked-in corpus); a
# crash leaves its input in build/fuzz/artifacts/HARNESS/ and fails the run. One line per
# harness says how many inputs it executed.
set -euo pipefail
cd "$(dirname "$0")/../.."

mode=$1 seconds=$2
shift 2
build=build/fuzz
failed=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for h in "$@"; do
  bin=$build/bin/fuzz_$h
  seeds=$build/seeds/$h corpus=tests/fuzz/corpus/$h work=$build/work/$h
  artifacts=$build/artifacts/$h log=$build/logs/$h.$mode.log
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  dict=()
  [ -f "tests/fuzz/$h.dict" ] && dict=("-dict=tests/fuzz/$h.dict")

  if [ "$mode" = smoke ]; then
    # One run per file, in the order given; the first failure stops it with its report.
    mapfile -t inputs < <(find "$seeds" "$corpus" -type f ! -name '.*' 2>/dev/null | sort)
    # Without file arguments libFuzzer would fuzz with no time limit.
    [ ${#inputs[@]} -gt 0 ] || { echo "FAIL fuzz $h: no seeds in $seeds (make fuzz-build)"; failed=1; continue; }
    if ! "$bin" "${inputs[@]}" >"$log" 2>&1; then
      echo "FAIL fuzz $h: a seed or regression input fails (log: $log)"
      grep -E 'ERROR|invariant|Running' "$log" | tail -5
      failed=1
      continue
    fi
    echo "ok - fuzz $h: replayed ${#inputs[@]} seed and regression inputs"
  fi

  # Existing directories only: libFuzzer stops on a missing one.
  dirs=("$work")
  for d in "$seeds" "$corpus"; do [ -d "$d" ] && dirs+=("$d"); done
  start=$(date +%s)
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "${dict[@]}" "${dirs[@]}" >"$log" 2>&1; then
    echo "FAIL fuzz $h: crash or invariant violation, input in $artifacts/ (log: $log)"
    grep -E 'ERROR|invariant|SUMMARY|Test unit written' "$log" | tail -5
    failed=1
    continue
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  echo "ok - fuzz $h: $(($(date +%s) - start)) s, ${execs:-?} inputs executed, coverage ${cov:-?} edges, no crash"
done
exit $failed
