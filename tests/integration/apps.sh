#!/usr/bin/env bash
# apps.sh: integration tests of the benchmark apps (linpack, memsweep, forksum): each runs natively
# and under unikvm and must print correct results. Asserts correctness only, never speed.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

UNIKVM=build/unikvm
NATIVE=build/native
SKIPPED=0

[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: these tests need KVM" >&2; exit 1; }

# A check that cannot run yet: visible in the output and the summary, never counted as passed.
skip() { # NAME WHY
  SKIPPED=$((SKIPPED + 1))
  echo "skip - $1: $2"
}

# ---- linpack -------------------------------------------------------------------------
for platform in native unikvm; do
  if [ $platform = native ]; then run $NATIVE/linpack -t 0.2; else run $UNIKVM build/linpack.elf -- -t 0.2; fi
  expect_status "linpack ($platform) exits 0" 0
  expect_stdout_has "linpack ($platform) reports KFLOPS" '^KFLOPS: [1-9][0-9]*$'
  expect_stdout_has "linpack ($platform) solves to residual check PASSED" '^residual check: PASSED$'
done

run $UNIKVM build/linpack.elf -- -t nonsense
expect_status "linpack refuses a bad -t" 1

# ---- memsweep ------------------------------------------------------------------------
run $NATIVE/memsweep
native_sum=$(sed -n 's/^checksum: //p' "$OUT")
run $UNIKVM build/memsweep.elf
expect_status "memsweep (unikvm) exits 0" 0
expect_stdout_has "memsweep (unikvm) prints seconds with 3 decimals" '^memsweep: [0-9]+\.[0-9]{3} s$'
guest_sum=$(sed -n 's/^checksum: //p' "$OUT")
check "memsweep (unikvm) checksum equals the native build's" \
  "guest ${guest_sum:-none} vs native ${native_sum:-none}" \
  test -n "$native_sum" -a "$guest_sum" = "$native_sum"

# ---- forksum -------------------------------------------------------------------------
RANGES=("100 1000" "1 1" "7 8" "-5 5" "1 2000" "999 1001")

# forksum_checks PLATFORM CMD...: every range prints the arithmetic sum, then a forks/s line.
forksum_checks() {
  local platform=$1 a b want
  shift
  for range in "${RANGES[@]}"; do
    read -r a b <<<"$range"
    want=$(((b * (b + 1) - (a - 1) * a) / 2))
    run "$@" "$a" "$b"
    expect_status "forksum $a $b ($platform) exits 0" 0
    check "forksum $a $b ($platform) prints $want" "first line: $(head -1 "$OUT")" \
      test "$(head -1 "$OUT")" = "$want"
    expect_stdout_has "forksum $a $b ($platform) reports forks/s" \
      "^forks/s: [0-9]+ \\($((2 * (b - a))) forks in [0-9.]+ s\\)$"
  done
}

forksum_checks native $NATIVE/forksum
for bad in "" "5" "5 4" "1 x" "1 2 3"; do
  # shellcheck disable=SC2086 # split the arguments on purpose
  run $NATIVE/forksum $bad
  expect_status "forksum refuses '$bad'" 1
  expect_stderr_has "forksum '$bad' says how to call it" '^usage: forksum'
done

# Until the guest's fork works, its checks are skipped, visibly, not passed.
run $UNIKVM build/forksum.elf -- 100 1000
if grep -q 'Function not implemented' "$ERR"; then
  skip "forksum (unikvm)" "fork() in the guest returns ENOSYS: $(head -1 "$ERR")"
else
  forksum_checks unikvm $UNIKVM build/forksum.elf --
fi

[ "$SKIPPED" -eq 0 ] || echo "$SKIPPED skipped (not passed)"
summary
