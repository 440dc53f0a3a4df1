#!/usr/bin/env bash
# snapshot.sh: snapshots (issue 9) with httpd, which calls unikvm_snapshot() after listen():
# - --snapshot-out writes a file and the VM goes on serving; --restore serves from that file
#   without booting again (no banner), with fresh entropy and its own state from then on;
# - --reset-per-request: every `Connection: close` request starts from the snapshot (httpd's
#   /state global is pristine each time), generations count the resets, rand() differs, and
#   unikvm's RSS stays flat over thousands of requests;
# - bad snapshot files and bad option combinations get one-line errors.
# Networking: a tap in a namespace of its own (10.77.0.2 is the guest); every load bounded.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
. tests/integration/netns.sh

UNIKVM=build/unikvm
HTTPD=build/httpd.elf
TMPD=$(mktemp -d)
NS_PREFIX=ukvm-snap-
trap 'ns_cleanup "$TMPD" "$OUT" "$ERR"' EXIT

[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: these tests need KVM" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "FATAL: snapshot.sh needs root (network namespaces)" >&2; exit 1; }
for f in $UNIKVM $HTTPD; do
  [ -e "$f" ] || { echo "FATAL: $f missing: run 'make integration-test'" >&2; exit 1; }
done

GUEST=10.77.0.2
NET="--net tap:tap0 --ip $GUEST/24"

# start_httpd LOG UNIKVM-ARGS...: starts unikvm in $NS, sets PID (unikvm's), waits for port 8080.
start_httpd() {
  local log=$1
  shift
  ip netns exec "$NS" timeout 120 $UNIKVM "$@" >"$log" 2>"$log.err" &
  local runner=$!
  PIDS+=("$runner")
  PID=""
  for _ in $(seq 100); do
    if ip netns exec "$NS" python3 -c "import socket; socket.create_connection(('$GUEST', 8080), 0.2)" \
      2>/dev/null; then
      PID=$(pgrep -P "$runner" unikvm | head -n 1)
      return 0
    fi
    sleep 0.1
  done
  return 1
}

stop() { # stops the unikvm started last and waits for it
  kill -TERM "${PIDS[-1]}" 2>/dev/null
  wait "${PIDS[-1]}" 2>/dev/null
}

state() { ip netns exec "$NS" curl -s -m 5 "http://$GUEST:8080/state"; }

# ---- --snapshot-out, then --restore ----------------------------------------------------
make_ns
SNAP=$TMPD/httpd.snap
start_httpd "$TMPD/first.out" $NET --snapshot-out "$SNAP" $HTTPD
answer=$(state)
check "the VM that takes the snapshot serves" "$answer" grep -q '^generation=0 seen=0 ' <<<"$answer"
answer=$(state)
check "...and keeps its own state (second /state saw the first)" "$answer" \
  grep -q '^generation=0 seen=[1-9]' <<<"$answer"
stop
check "the snapshot file exists" "$(ls -ls "$SNAP" 2>&1)" test -s "$SNAP"
check "it is sparse: far smaller on disk than the 64 MiB RAM" "$(du -k "$SNAP")" \
  test "$(du -k "$SNAP" | cut -f1)" -lt 32768
check "the first VM printed its banner" "$(cat "$TMPD/first.out")" grep -q '^httpd: listening' "$TMPD/first.out"

for round in 1 2; do
  start_httpd "$TMPD/restored$round.out" --stats $NET --restore "$SNAP"
  a=$(state)
  b=$(state)
  check "restore $round: serves /state from the snapshot's state" "$a" grep -q '^generation=1 seen=0 ' <<<"$a"
  check "restore $round: then keeps its own state" "$b" grep -q '^generation=1 seen=1 ' <<<"$b"
  n=$(ip netns exec "$NS" curl -s -m 10 "http://$GUEST:8080/bytes/1000000" | wc -c)
  check "restore $round: /bytes/1000000 is whole" "$n bytes" test "$n" = 1000000
  echo "$a" >>"$TMPD/randoms"
  stop
  check "restore $round: no boot banner (it never booted)" "$(cat "$TMPD/restored$round.out")" \
    test ! -s "$TMPD/restored$round.out"
  check "restore $round: --stats shows the restored snapshot" "$(cat "$TMPD/restored$round.out.err")" \
    grep -q 'snapshot taken=1 generation=1' "$TMPD/restored$round.out.err"
done
check "two restores draw different random numbers (fresh entropy)" "$(cat "$TMPD/randoms")" \
  test "$(cut -d' ' -f3 "$TMPD/randoms" | sort -u | wc -l)" = 2

# ---- --reset-per-request -----------------------------------------------------------------
start_httpd "$TMPD/reset.out" --stats $NET --reset-per-request $HTTPD
RESULT=$(ip netns exec "$NS" timeout 120 python3 tests/integration/state_loop.py $GUEST 8080 200)
check "reset: 200 Connection: close requests all answered" "$RESULT" grep -q ' ok=200 ' <<<"$RESULT"
check "reset: every request saw the pristine global (seen=0)" "$RESULT" grep -q ' seen_zero=200 ' <<<"$RESULT"
check "reset: each request ran in a new generation" "$RESULT" grep -q 'generations_increasing=yes' <<<"$RESULT"
check "reset: rand() differs between requests (reseeded)" "$RESULT" \
  bash -c "[ \$(sed -n 's/.*distinct_random=\([0-9]*\).*/\1/p' <<<'$RESULT') -ge 190 ]"
# Thousands more: unikvm's memory must not grow with the number of resets.
RESULT=$(ip netns exec "$NS" timeout 300 python3 tests/integration/state_loop.py $GUEST 8080 ${RESET_REQUESTS:-10000} "$PID")
rss=$(sed -n 's/.*rss_kib=\([0-9,]*\).*/\1/p' <<<"$RESULT")
check "reset: ${RESET_REQUESTS:-10000} more requests all pristine" "$RESULT" \
  grep -q " ok=${RESET_REQUESTS:-10000} seen_zero=${RESET_REQUESTS:-10000} " <<<"$RESULT"
first=${rss%,*} last=${rss#*,}
check "reset: RSS flat (within 1 MiB from the first tenth to the end)" "VmRSS ${rss:-?} KiB" \
  test -n "$first" -a -n "$last" -a $((${last:-0} - ${first:-0})) -le 1024
a=$(state)
b=$(state)
check "reset: keep-alive-free clients see pristine state too" "$a / $b" grep -q 'seen=0' <<<"$b"
stop
check "reset: --stats counts the resets" "$(grep snapshot "$TMPD/reset.out.err")" \
  grep -Eq 'snapshot taken=1 generation=[0-9]+ resets=[1-9][0-9]+ pages_restored=[1-9]' "$TMPD/reset.out.err"

# ---- --clones ---------------------------------------------------------------------------
# A snapshot of httpd -X (GET /crash makes the guest fault: the clone tests' hook).
CSNAP=$TMPD/crashy.snap
start_httpd "$TMPD/crashy.out" $NET --snapshot-out "$CSNAP" $HTTPD -- -X
stop
pss() { awk '/^Pss:/{print $2}' "/proc/$1/smaps_rollup"; }

start_httpd "$TMPD/one.out" $NET --restore "$CSNAP"
RESULT=$(ip netns exec "$NS" timeout 120 python3 tests/integration/state_loop.py $GUEST 8080 200)
one_pss=$(pss "$PID")
stop

start_httpd "$TMPD/clones.out" --stats $NET --clones 4 --restore "$CSNAP"
RESULT=$(ip netns exec "$NS" timeout 120 python3 tests/integration/state_loop.py $GUEST 8080 1000)
check "clones: 1000 connections all answered" "$RESULT" grep -q ' ok=1000 ' <<<"$RESULT"
four_pss=$(pss "$PID")
check "clones: 4 clones take far less host RAM than 4 VMs (PSS ${four_pss} KiB vs ${one_pss} KiB for one)" \
  "PSS ${four_pss:-?} / ${one_pss:-?} KiB" test -n "$four_pss" -a -n "$one_pss" -a "${four_pss:-0}" -lt $((2 * ${one_pss:-0}))
CRASH=$(ip netns exec "$NS" timeout 60 python3 tests/integration/clone_crash.py $GUEST 8080 4)
kept_other=$(sed -n 's/.*kept_other=\([0-9]*\).*/\1/p' <<<"$CRASH")
check "clones: a crashing clone does not drop the others' connections" "$CRASH" \
  grep -q "kept_other=$kept_other answered_other=$kept_other " <<<"$CRASH"
check "clones: the crashed clone's own connections are gone" "$CRASH" grep -q 'answered_crashed=0 ' <<<"$CRASH"
check "clones: new connections are served after the crash" "$CRASH" grep -q 'new_after=20/20' <<<"$CRASH"
stop
err=$TMPD/clones.out.err
check "clones: every clone served some connections (--stats)" "$(grep 'clone ' "$err")" \
  test "$(grep -c 'stats: clone [0-3] flows=[1-9]' "$err")" = 4
check "clones: the crashed clone was replaced, once" "$(grep -E 'replaced|restarts' "$err")" \
  bash -c "grep -q 'replaced from the snapshot' '$err' && [ \$(grep -c 'restarts=1 ' '$err') = 1 ]"
run $UNIKVM --clones 4 $HTTPD
expect_status "--clones without --restore is a usage error" 120
expect_one_line_error "...with one line" 'clones: needs --restore'
run $UNIKVM --clones 0 --restore "$CSNAP"
expect_status "--clones 0 is refused" 120

# ---- bad snapshots and bad combinations ------------------------------------------------------
head -c 100000 /dev/urandom >"$TMPD/garbage"
run $UNIKVM --restore "$TMPD/garbage"
expect_status "a random file is refused as a snapshot" 121
expect_one_line_error "...with one line" 'not a unikvm snapshot'
head -c 70000 "$SNAP" >"$TMPD/short.snap"
run $UNIKVM --restore "$TMPD/short.snap"
expect_status "a truncated snapshot is refused" 121
expect_one_line_error "...with one line" 'shorter than its RAM'
run $UNIKVM --restore "$TMPD/missing.snap"
expect_status "a missing snapshot file is refused" 121
expect_one_line_error "...with one line" 'missing.snap: No such file'
run $UNIKVM --restore "$SNAP" $HTTPD
expect_status "--restore with an IMAGE is a usage error" 120
expect_one_line_error "...with one line" 'no IMAGE or ARGS with --restore'
run $UNIKVM --snapshot-out /nonexistent/dir/x.snap $HTTPD
expect_status "an unwritable --snapshot-out is refused before booting" 120
expect_one_line_error "...with one line" '/nonexistent/dir/x.snap: No such file'
truncate -s 1M "$TMPD/disk.img"
run $UNIKVM --net none --disk "$TMPD/disk.img" --restore "$SNAP"
expect_status "restoring with a disk the snapshot did not have is refused" 120
expect_one_line_error "...with one line" 'had no --disk'

summary
