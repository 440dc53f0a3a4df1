#!/usr/bin/env bash
# bench/snapshot/run.sh: snapshots, per-request reset and clones (issue 9), side by side in one run:
# - boot vs restore: whole-process time of build/tests/snaptest.elf booted (start-up work of
#   0 or 16 MiB, then ready) against `unikvm --restore` of its snapshot taken when ready;
# - httpd, wrk -t1 -c1 `Connection: close`: a restored VM as is vs --reset-per-request (req/s,
#   and from --stats the reset cost and pages restored per request);
# - httpd, wrk -t2 -c64 keep-alive: one restored VM vs --clones 2;
# - host RAM (PSS) of --clones 100 of an idle httpd, against one.
# Everything runs in a network namespace of its own (tap0 10.77.0.1, guest 10.77.0.2); loads are
# bounded by wrk's -d. Writes bench/results/snapshot.md and a time,value CSV per measurement.
set -u
cd "$(dirname "$0")/../.." || exit 1
RUNS=${RUNS:-21}
SECS=${SECS:-5}
[ -n "${QUICK:-}" ] && RUNS=5 SECS=2
OUT=${BENCH_OUT:-bench/results}
mkdir -p "$OUT"
TMP=$(mktemp -d)
NS=ukvm-bsnap-$$
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  ip netns del "$NS" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
for f in build/unikvm build/httpd.elf build/tests/snaptest.elf build/bench/spawn_time; do
  [ -e "$f" ] || { echo "bench/snapshot: $f missing (make bench builds it)" >&2; exit 1; }
done
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
csv() { echo "$NOW,$2" >>"$OUT/snapshot-$1.csv"; } # csv NAME VALUE

# ---- boot vs restore ---------------------------------------------------------------------
build/unikvm --snapshot-out "$TMP/s0.snap" build/tests/snaptest.elf 0
build/unikvm --snapshot-out "$TMP/s16.snap" build/tests/snaptest.elf 16
build/bench/spawn_time "$RUNS" boot0 build/unikvm build/tests/snaptest.elf 0 \
  :: restore0 build/unikvm --restore "$TMP/s0.snap" \
  :: boot16 build/unikvm build/tests/snaptest.elf 16 \
  :: restore16 build/unikvm --restore "$TMP/s16.snap" >"$TMP/spawn.txt"
med() { awk -v n="$1" '$1 == n { printf "%.0f", $2 }' "$TMP/spawn.txt"; }
range() { awk -v n="$1" '$1 == n { printf "%.0f–%.0f", $3, $4 }' "$TMP/spawn.txt"; }
for n in boot0 restore0 boot16 restore16; do csv "$n-us" "$(med $n)"; done

# ---- network set-up ------------------------------------------------------------------------
ip netns add "$NS" && ip netns exec "$NS" ip link set lo up &&
  ip netns exec "$NS" ip tuntap add tap0 mode tap && ip netns exec "$NS" ip link set tap0 up &&
  ip netns exec "$NS" ip addr add 10.77.0.1/24 dev tap0 || { echo "bench/snapshot: netns" >&2; exit 1; }
NET="--net tap:tap0 --ip 10.77.0.2/24"
URL=http://10.77.0.2:8080/

start() { # start LOG UNIKVM-ARGS...: unikvm in the namespace; waits until it answers
  local log=$1
  shift
  ip netns exec "$NS" timeout 300 build/unikvm "$@" >"$log" 2>"$log.err" &
  PIDS+=($!)
  for _ in $(seq 100); do
    ip netns exec "$NS" curl -s -m 1 -o /dev/null "$URL" && return 0
    sleep 0.1
  done
  echo "bench/snapshot: unikvm $* did not come up" >&2
  return 1
}
stop() { kill -TERM "${PIDS[-1]}" 2>/dev/null; wait "${PIDS[-1]}" 2>/dev/null; }
wrk_rps() { ip netns exec "$NS" wrk "$@" "$URL" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }'; }

ip netns exec "$NS" timeout 60 build/unikvm $NET --snapshot-out "$TMP/httpd.snap" build/httpd.elf \
  >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do ip netns exec "$NS" curl -s -m 1 -o /dev/null "$URL" && break; sleep 0.1; done
kill -TERM $pid; wait $pid 2>/dev/null

# ---- Connection: close, with and without reset ------------------------------------------------
start "$TMP/plain.log" --restore "$TMP/httpd.snap" $NET
plain=$(wrk_rps -t1 -c1 -d"${SECS}s" -H 'Connection: close')
stop
start "$TMP/reset.log" --stats --restore "$TMP/httpd.snap" $NET --reset-per-request
reset=$(wrk_rps -t1 -c1 -d"${SECS}s" -H 'Connection: close')
stop
line=$(grep 'stats: snapshot' "$TMP/reset.log.err")
resets=$(sed -n 's/.* resets=\([0-9]*\).*/\1/p' <<<"$line")
pages=$(sed -n 's/.* pages_restored=\([0-9]*\).*/\1/p' <<<"$line")
reset_us=$(sed -n 's/.* reset_us_avg=\([0-9.]*\).*/\1/p' <<<"$line")
pages_per=$(awk -v p="${pages:-0}" -v r="${resets:-0}" 'BEGIN { printf "%.1f", r ? p / r : 0 }')
csv close-rps-restored "$plain"
csv close-rps-reset "$reset"
csv reset-us "$reset_us"
csv reset-pages "$pages_per"

# ---- one VM vs --clones 2 at -c64 -----------------------------------------------------------
start "$TMP/one.log" --restore "$TMP/httpd.snap" $NET
one=$(wrk_rps -t2 -c64 -d"${SECS}s")
stop
start "$TMP/two.log" --clones 2 --restore "$TMP/httpd.snap" $NET
two=$(wrk_rps -t2 -c64 -d"${SECS}s")
stop
csv c64-rps-one "$one"
csv c64-rps-clones2 "$two"

# ---- host RAM of 100 idle clones ------------------------------------------------------------
pss() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }
pss_of() { # pss_of UNIKVM-ARGS...: PSS in KiB of an idle unikvm once it answers
  start "$TMP/pss.log" "$@" || return
  pss "$(pgrep -P "${PIDS[-1]}" unikvm | head -n 1)"
  stop
}
pss1=$(pss_of --restore "$TMP/httpd.snap" $NET)
pss100=$(pss_of --clones 100 --restore "$TMP/httpd.snap" $NET)
csv pss-kib-one "$pss1"
csv pss-kib-clones100 "$pss100"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "–" }'; }
{
  echo "Snapshots, per-request reset and clones (unikvm only): $NOW; $(nproc) CPUs, $(uname -r);"
  echo "$RUNS runs of each boot/restore (interleaved), wrk runs of ${SECS} s; tap0 in a namespace."
  echo
  echo "| measurement | value | comparison |"
  echo "| --- | --- | --- |"
  echo "| snaptest booted to ready, no start-up work: median µs [min–max] | $(med boot0) [$(range boot0)] | – |"
  echo "| …restored from its snapshot | $(med restore0) [$(range restore0)] | $(ratio "$(med restore0)" "$(med boot0)")× the boot |"
  echo "| snaptest booted with 16 MiB of start-up work | $(med boot16) [$(range boot16)] | – |"
  echo "| …restored from its snapshot | $(med restore16) [$(range restore16)] | $(ratio "$(med restore16)" "$(med boot16)")× the boot |"
  echo "| httpd wrk -t1 -c1 \`Connection: close\`, restored VM, req/s | $plain | – |"
  echo "| …with --reset-per-request, req/s | $reset | $(ratio "$reset" "$plain")× without reset |"
  echo "| …reset cost per request (host: dirty log, pages copied back, vCPU reload), µs | $reset_us | $pages_per pages restored per request |"
  echo "| httpd wrk -t2 -c64 keep-alive, one restored VM, req/s | $one | – |"
  echo "| …--clones 2, req/s | $two | $(ratio "$two" "$one")× one VM |"
  echo "| host RAM (PSS) of one idle restored httpd, MiB | $(awk -v k="$pss1" 'BEGIN { printf "%.1f", k / 1024 }') | – |"
  echo "| …of --clones 100, MiB | $(awk -v k="$pss100" 'BEGIN { printf "%.1f", k / 1024 }') | goal ≤ 200 MiB |"
} >"$OUT/snapshot.md"
cat "$OUT/snapshot.md"
