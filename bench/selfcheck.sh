#!/usr/bin/env bash
# selfcheck.sh: a quick check of the bench harness for `make test`: one tiny repetition of each
# benchmark (boot, cpu, disk, net) on native and unikvm, into a scratch directory (never
# bench/results/). It asserts only that each produced a number and a parsable time,value CSV and
# its table, never a speed. The QEMU platforms are left to `make bench` (seconds per boot).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/integration/lib.sh

SCRATCH=$(mktemp -d)
LIB_OUT=$OUT LIB_ERR=$ERR
trap 'rm -rf "$SCRATCH" "$LIB_OUT" "$LIB_ERR"' EXIT
export RESULTS=$SCRATCH PLATFORMS="native unikvm"
[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: the bench self-check runs unikvm" >&2; exit 1; }

# suite NAME TIMEOUT ENV...: runs bench/NAME/run.sh with the tiny settings ENV, bounded.
suite() {
  local name=$1 limit=$2
  shift 2
  local start=$SECONDS
  SUITE_MD=$SCRATCH/$name.md
  RUN_TIMEOUT=$limit run env "$@" "bench/$name/run.sh"
  echo "# bench/$name took $((SECONDS - start)) s"
  expect_status "bench/$name runs to its end" 0
  check "bench/$name writes its table" "no $name.md with a table in the scratch dir" \
    grep -q '^| --- |' "$SCRATCH/$name.md"
  # Later failures need only their own reason, not the whole run's output again.
  : >"$OUT" && : >"$ERR"
}

# why_not PLATFORM: the first failure the suite's table reports in PLATFORM's column.
why_not() {
  local col
  col=$(head -3 "$SUITE_MD" 2>/dev/null | grep '^| benchmark' | tr '|' '\n' | grep -n "$1" | head -1 | cut -d: -f1)
  [ -n "$col" ] && grep '^| ' "$SUITE_MD" | cut -d'|' -f"$col" | grep -m1 'failed\|n/a\|no data'
}

# csv NAME...: NAME-native.csv and NAME-unikvm.csv each hold exactly one time,value line.
csv() {
  local name p f
  for name in "$@"; do
    for p in native unikvm; do
      f=$SCRATCH/$name-$p.csv
      check "$name on $p: one time,value line with a number" \
        "$f: $(head -c 200 "$f" 2>/dev/null || echo "missing; the table says: $(why_not "$p")")" \
        grep -sEqx '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z,-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?' "$f"
      [ "$(cat "$f" 2>/dev/null | wc -l)" = 1 ] || fail "$name on $p: one line" "$(cat "$f" 2>/dev/null | wc -l) lines"
    done
  done
}

echo "# bench self-check: results in $SCRATCH (discarded)"
suite boot 30 RUNS=1
csv boot
check "the boot table shows unikvm's VM exits" "boot.md: $(grep '^| unikvm' "$SCRATCH/boot.md")" \
  grep -Eq '^\| unikvm \| [0-9.]+ \| [0-9.]+–[0-9.]+ \| [0-9.]+ \| [0-9]+ \|$' "$SCRATCH/boot.md"

suite cpu 60 QUICK=1 LINPACK_T=0.2 FORKSUM_RANGE="1 100" MEMSWEEP_P=0
csv linpack memsweep forksum

suite disk 60 RUNS=1 SHA_SIZE=4M DISK_SIZE=4M STRACE_SIZE=1M
csv sha256 sha256-ext4 diskbench diskbench-q1

suite net 90 RUNS=1 WRK_T=1 IPERF_T=1 SOCKPERF_T=1 DL_MIB=4 AUX=0
csv http-c1-keepalive-rps http-c1-keepalive-avg-us http-c1-keepalive-p99-us \
  http-c1-close-rps http-c1-close-avg-us http-c64-rps http-c64-avg-us \
  download-2x4MiB-s iperf3-gbps iperf3-reverse-gbps \
  sockperf-udp64-avg-us sockperf-udp64-p50-us sockperf-udp64-p99-us sockperf-udp64-p999-us

# The medians the plots read: a header and name, platform, number, ratio, direction rows.
for s in boot cpu disk net; do
  check "$s-medians.tsv is well formed" "$(grep -Evx '[A-Za-z0-9-]+	(native|unikvm)	-?[0-9.e+-]+	([0-9.]+|–)	(higher|lower)' \
    "$SCRATCH/$s-medians.tsv" 2>&1 | sed -n 2p)" \
    test "$(grep -sEvcx '[A-Za-z0-9-]+	(native|unikvm)	-?[0-9.e+-]+	([0-9.]+|–)	(higher|lower)' "$SCRATCH/$s-medians.tsv")" = 1
done
if command -v gnuplot >/dev/null; then
  RUN_TIMEOUT=30 run bench/plot.sh
  check "bench/plot.sh draws the ratio and latency PNGs" "$(ls "$SCRATCH"/*.png 2>&1 | head -3)" \
    test -s "$SCRATCH/ratios-cpu.png" -a -s "$SCRATCH/latency.png"
else
  echo "skip - plots: gnuplot not installed (make bench draws them where it is)"
fi
summary
