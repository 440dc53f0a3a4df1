#!/usr/bin/env bash
# run.sh: network benchmarks on each platform, interleaved run by run (native, unikvm, then the
# QEMU platforms in their first QEMU_RUNS runs, for each benchmark in turn): HTTP under wrk (keep-alive, Connection: close, 64 connections), two
# parallel /bytes/ downloads with curl, iperf3 throughput, sockperf UDP ping-pong latency. Medians
# with min/max and the ratio to native, one time,value CSV per benchmark and platform, and for
# unikvm the VM exits (unikvm --stats) and host syscalls (strace -c) per request or frame, taken
# in separate, shorter runs so that neither slows the measured ones.
#
# Both platforms cross one link of the same kind: native servers (the same apps built for Linux)
# run in a namespace behind a veth pair whose other end is in a client namespace; unikvm runs in a
# third namespace on a tap device, and its clients run there, on the tap's host side. QEMU (the
# virtio images) runs in a fourth namespace with its user-mode network and host forwards, its
# clients there on 127.0.0.1. Every namespace is made here and deleted on exit; every load is bounded in time (LIMIT); a failing run
# is reported in its cell and the others go on.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
SUITE=net
TMP=$(mktemp -d)
. bench/lib/stats.sh
. bench/lib/qemu.sh
# On two CPUs where client and server run decides native's single-connection rows (see the
# Placement note): native-1cpu is native with server and client pinned to one CPU, its best.
ALL_PLATFORMS=(native native-1cpu unikvm qemu-tcg qemu-kvm)
read -r -a RUN_PLATFORMS <<<"${PLATFORMS:-${ALL_PLATFORMS[*]}}"

QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
  RUNS=${RUNS:-1} WRK_T=${WRK_T:-2} IPERF_T=${IPERF_T:-2} SOCKPERF_T=${SOCKPERF_T:-2}
  DL_MIB=${DL_MIB:-128} AUX_T=${AUX_T:-1}
fi
RUNS=${RUNS:-3}
WRK_T=${WRK_T:-10}         # seconds per wrk run (the seed report's)
IPERF_T=${IPERF_T:-5}      # seconds per iperf3 run
SOCKPERF_T=${SOCKPERF_T:-5} # seconds per sockperf run
DL_MIB=${DL_MIB:-512}      # MiB per download (two run in parallel)
AUX_T=${AUX_T:-2}          # seconds of load in each --stats / strace run
AUX=${AUX:-1}              # 0: no separate --stats / strace / perf runs
QEMU_RUNS=${QEMU_RUNS:-1}  # runs with the QEMU platforms too (each server boots for seconds)
QDL_MIB=${QDL_MIB:-16}     # MiB per download under QEMU (TCG moves a few tens of MB/s)
RESULTS=${RESULTS:-bench/results}
LIMIT=${LIMIT:-120} # any one client run; a hung one fails its cell
HERE=bench/net
NSC=unikvm-bn$$-c # native's clients
NSS=unikvm-bn$$-s # native's servers
NSG=unikvm-bn$$-g # unikvm and its clients
NAMESPACES=()
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$RESULTS"

die() {
  echo "bench/net: $*" >&2
  exit 1
}
[ "$(id -u)" = 0 ] && command -v ip >/dev/null || die "needs root and ip (it makes network namespaces)"
[ -c /dev/kvm ] || die "/dev/kvm missing"
for tool in python3 curl; do command -v $tool >/dev/null || die "$tool missing"; done

NEEDS=(build/unikvm build/httpd.elf build/iperf3d.elf build/sockperfd.elf
  build/native/httpd build/native/iperf3d build/native/sockperfd)
# Private copies: a rebuild or `make clean` during the run cannot change what is measured.
BIN=$TMP/bin
mkdir -p "$BIN/native"
for f in "${NEEDS[@]}"; do
  cp "$f" "$BIN/${f#build/}" || die "$f missing: run 'make bench' (it builds everything first)"
done
qemu_setup httpd iperf3d sockperfd

# ---- namespaces ---------------------------------------------------------------------------------
for ns in $NSC $NSS $NSG; do
  ip netns add "$ns" || die "cannot create network namespace $ns"
  NAMESPACES+=("$ns")
  ip -n "$ns" link set lo up
done
ip -n $NSC link add vc type veth peer name vs netns $NSS &&
  ip -n $NSC addr add 10.88.0.1/24 dev vc && ip -n $NSC link set vc up &&
  ip -n $NSS addr add 10.88.0.2/24 dev vs && ip -n $NSS link set vs up ||
  die "cannot set up the veth pair"
# The tap gets the largest MTU the guest's stack takes (65521): lwIP has no segmentation offload,
# so this is how 64 KiB TCP segments cross the tap whole, as they cross the veth with the kernel's
# TSO/GRO; the guest's TCP MSS follows the MTU. TAP_MTU=1500 measures the tap without it.
ip netns exec $NSG ip tuntap add tap0 mode tap && ip -n $NSG link set tap0 mtu "${TAP_MTU:-65521}" &&
  ip -n $NSG link set tap0 up && ip -n $NSG addr add 10.77.0.1/24 dev tap0 ||
  die "cannot set up tap0"
TAP=(--net tap:tap0 --ip 10.77.0.2/24 --gw 10.77.0.1)
# Each platform's placement on two CPUs or more (see the Placement note): native-1cpu's server
# and clients share CPU 0; unikvm's vCPU has CPU 0 (its device threads go to the others) and
# its clients run on CPU 1, the way a load generator is kept off a server's cores.
PIN_SPLIT=0
[ "$(nproc)" -ge 2 ] && PIN_SPLIT=1 && TAP+=(--pin 0)

# The QEMU platforms: their own namespace, QEMU's user-mode network, the servers' ports forwarded.
NSQ=unikvm-bn$$-q
if measures qemu-tcg || measures qemu-kvm; then
  ip netns add $NSQ || die "cannot create network namespace $NSQ"
  NAMESPACES+=("$NSQ")
  ip -n $NSQ link set lo up
fi
QNET=user,hostfwd=tcp:127.0.0.1:8080-:8080,hostfwd=tcp:127.0.0.1:5201-:5201
QNET+=,hostfwd=udp:127.0.0.1:11111-:11111

addr() {
  case $1 in
  native | native-1cpu) echo 10.88.0.2 ;;
  unikvm) echo 10.77.0.2 ;;
  *) echo 127.0.0.1 ;;
  esac
}

# ---- servers and clients ------------------------------------------------------------------------
# server PLATFORM APP ARGS...: starts APP (native in $NSS, unikvm in $NSG) and waits for its
# "listening on port" line. SPID is the PID of its timeout wrapper; SOUT/SERR its output.
server() {
  local platform=$1 app=$2
  shift 2
  SOUT=$TMP/server.out SERR=$TMP/server.err
  # Emptied here, not by the background job's redirection: the wait below must not see the last
  # server's "listening" line before the new server's shell has truncated the file.
  : >"$SOUT" && : >"$SERR"
  if [ "${platform%-1cpu}" = native ]; then
    ip netns exec $NSS timeout --kill-after=5 $((LIMIT + 60)) $(pin "$platform") \
      "$BIN/native/$app" "$@" >"$SOUT" 2>"$SERR" </dev/null &
  elif [ "$platform" = unikvm ]; then
    ip netns exec $NSG timeout --kill-after=5 $((LIMIT + 60)) "$BIN/unikvm" --stats "${TAP[@]}" \
      "$BIN/$app.elf" -- "$@" >"$SOUT" 2>"$SERR" </dev/null &
  else
    # shellcheck disable=SC2046 # qemu_cmd is words on purpose
    ip netns exec $NSQ timeout --kill-after=5 $((LIMIT + 60)) $(qemu_cmd "$platform") --net "$QNET" \
      "$BIN/$app-virtio.elf" "$@" >"$SOUT" 2>"$SERR" </dev/null &
  fi
  SPID=$!
  PIDS+=("$SPID")
  for _ in $(seq 1200); do
    grep -q 'listening on port' "$SOUT" && return 0
    kill -0 $SPID 2>/dev/null || break
    sleep 0.05
  done
  SWHY="failed (server did not start: $(grep -v '^unikvm: stats' "$SERR" | head -1 | cut -c1-80))"
  is_qemu "$platform" && SWHY="failed (server did not start: $(qemu_why "$SOUT" "?" | sed 's/^failed (exit ?:* *//; s/)$//'))"
  stop_server
  return 1
}

# stop_server: ends the server (by its PID) if it still runs; SSTATUS is its exit status.
stop_server() {
  kill $SPID 2>/dev/null
  wait $SPID 2>/dev/null
  SSTATUS=$?
}

# server_done SECONDS: gives a server started with -n that long to exit by itself.
server_done() {
  for _ in $(seq $(($1 * 20))); do
    kill -0 $SPID 2>/dev/null || break
    sleep 0.05
  done
  stop_server
}

# server_pid: the server process itself (the child of its timeout wrapper).
server_pid() { awk '{ print $1 }' /proc/$SPID/task/$SPID/children 2>/dev/null; }

# pin PLATFORM: the taskset prefix of PLATFORM's clients (and native-1cpu's server).
pin() {
  [ "$1" = native-1cpu ] && echo "taskset -c 0"
  [ "$1" = unikvm ] && [ $PIN_SPLIT = 1 ] && echo "taskset -c 1"
}

# client PLATFORM CMD...: runs CMD next to PLATFORM's server ($NSC or $NSG), bounded by LIMIT;
# output in $TMP/out and $TMP/err, status in CSTATUS.
client() {
  local ns=$NSC platform=$1
  [ "$1" = unikvm ] && ns=$NSG
  is_qemu "$1" && ns=$NSQ
  shift
  # shellcheck disable=SC2046 # pin is words on purpose
  ip netns exec $ns timeout --kill-after=5 "$LIMIT" $(pin "$platform") "$@" >"$TMP/out" \
    2>"$TMP/err" </dev/null
  CSTATUS=$?
}

# fail BENCH PLATFORM TEXT: what went wrong, shown in the cell.
fail() { echo "$3" >"$TMP/$1.$2.fail"; }

# why TOOL: the client's failure in a few words.
why() {
  echo "failed ($1 exit $CSTATUS: $(cat "$TMP/err" "$TMP/perr" 2>/dev/null | grep -v '^$' | head -1 |
    cut -c1-80))"
}

# keep BENCH PLATFORM VALUE...: appends VALUE i to $TMP/BENCH.i.PLATFORM ("-" skips one).
keep() {
  local bench=$1 platform=$2 i=0
  shift 2
  for v in "$@"; do
    [ "$v" != - ] && echo "$v" >>"$TMP/$bench.$i.$platform"
    i=$((i + 1))
  done
}

# per_frame BENCH: unikvm's VM exits per frame in the run that just ended (its --stats).
per_frame() {
  local v
  if v=$(python3 $HERE/parse.py stats <"$SERR" 2>"$TMP/perr"); then
    read -r exits frames <<<"$v"
    [ "$frames" -gt 0 ] && awk -v e="$exits" -v f="$frames" 'BEGIN { print e / f }' \
      >>"$TMP/$1.exits"
  else
    echo "n/a (no --stats: the guest did not exit by itself, status $SSTATUS)" >"$TMP/$1.exits.fail"
  fi
}

# ---- the benchmarks -----------------------------------------------------------------------------
# http BENCH PLATFORM WRK-ARGS...: wrk against a fresh httpd: req/s, average and p99 latency.
http() {
  local bench=$1 platform=$2 v
  shift 2
  command -v wrk >/dev/null || { fail "$bench" "$platform" "n/a (wrk not installed)" && return; }
  server "$platform" httpd -p 8080 || { fail "$bench" "$platform" "$SWHY" && return; }
  client "$platform" wrk --latency -d "${WRK_T}s" "$@" "http://$(addr "$platform"):8080/"
  stop_server
  if [ $CSTATUS -ne 0 ] || ! v=$(python3 $HERE/parse.py wrk <"$TMP/out" 2>"$TMP/perr"); then
    fail "$bench" "$platform" "$(why wrk)"
    return
  fi
  read -r rps avg p99 _ errs <<<"$v"
  keep "$bench" "$platform" "$rps" "$avg" "$p99"
  [ "$errs" = - ] || fail "$bench" "$platform" "wrk: ${errs//_/ }"
}

# download PLATFORM: two parallel curl downloads of /bytes/N from a fresh httpd -n 2; the value is
# their average time. For unikvm the guest then exits, so its --stats count the whole transfer.
download() {
  local platform=$1 size=$((DL_MIB * 1048576)) url v
  if is_qemu "$platform"; then
    size=$((QDL_MIB * 1048576))
    echo "download-2x${QDL_MIB}MiB-s" >"$TMP/dl.$platform.csv"
    [ "$QDL_MIB" = "$DL_MIB" ] || touch "$TMP/dl.$platform.noratio"
  fi
  url=http://$(addr "$platform"):8080/bytes/$size
  server "$platform" httpd -p 8080 -n 2 || { fail dl "$platform" "$SWHY" && return; }
  client "$platform" bash -c 'for _ in 1 2; do
      curl -sS -o /dev/null -w "%{time_total} %{size_download} %{http_code}\n" --max-time "$2" "$1" &
    done; wait' _ "$url" "$LIMIT"
  server_done 10
  v=$(awk -v n="$size" '$2 == n && $3 == 200 { t += $1; k++ } END { if (k == 2) print t / 2 }' \
    "$TMP/out")
  if [ -z "$v" ]; then
    fail dl "$platform" "failed (curl: $(paste -sd' ' "$TMP/out" "$TMP/err" | cut -c1-80))"
    return
  fi
  keep dl "$platform" "$v"
  [ "$platform" = unikvm ] && per_frame dl
}

# iperf BENCH PLATFORM IPERF3-ARGS...: iperf3 --json against a fresh iperf3d -n 1: Gbit/s and the
# sender's retransmits. unikvm's guest exits after the test, so its --stats count it whole.
iperf() {
  local bench=$1 platform=$2 v
  shift 2
  command -v iperf3 >/dev/null || { fail "$bench" "$platform" "n/a (iperf3 not installed)" && return; }
  server "$platform" iperf3d -p 5201 -n 1 || { fail "$bench" "$platform" "$SWHY" && return; }
  client "$platform" iperf3 -c "$(addr "$platform")" -t "$IPERF_T" --json "$@"
  server_done 10
  if ! v=$(python3 $HERE/parse.py iperf3 <"$TMP/out" 2>"$TMP/perr"); then
    fail "$bench" "$platform" "$(why iperf3)"
    return
  fi
  read -r gbps retrans <<<"$v"
  keep "$bench" "$platform" "$gbps" "$retrans"
  [ "$platform" = unikvm ] && per_frame "$bench"
}

# ping PLATFORM: sockperf ping-pong, UDP, 64-byte messages, against a fresh sockperfd.
ping() {
  local platform=$1 v
  command -v sockperf >/dev/null || { fail sp "$platform" "n/a (sockperf not installed)" && return; }
  server "$platform" sockperfd -p 11111 || { fail sp "$platform" "$SWHY" && return; }
  client "$platform" sockperf ping-pong -i "$(addr "$platform")" -p 11111 -m 64 -t "$SOCKPERF_T"
  stop_server
  cat "$TMP/err" >>"$TMP/out"
  if [ $CSTATUS -ne 0 ] || ! v=$(python3 $HERE/parse.py sockperf <"$TMP/out" 2>"$TMP/perr"); then
    fail sp "$platform" "$(why sockperf)"
    return
  fi
  read -r avg p50 p99 p999 _ errs <<<"$v"
  keep sp "$platform" "$avg" "$p50" "$p99" "$p999"
  [ "$errs" = - ] || fail sp "$platform" "sockperf: ${errs//_/ }"
}

# ---- VM exits and host syscalls (separate, shorter runs) ----------------------------------------
# wrk_exits BENCH THREADS CONNECTIONS WRK-ARGS...: unikvm --stats over a known number of requests:
# httpd -n N, each wrk thread stops after (N - CONNECTIONS) / THREADS answers, and single requests
# make up the rest until the guest exits. N is a quarter of what the measured rate does in AUX_T.
wrk_exits() {
  local bench=$1 t=$2 c=$3 rate n k v sent url=http://10.77.0.2:8080/
  shift 3
  command -v wrk >/dev/null || return
  rate=1000
  [ -s "$TMP/$bench.0.unikvm" ] && rate=$(median "$TMP/$bench.0.unikvm")
  n=$(awk -v r="$rate" -v s="$AUX_T" -v c="$c" 'BEGIN { n = int(r * s / 4); print n < 4 * c ? 4 * c : n }')
  k=$(((n - c) / t))
  server unikvm httpd -p 8080 -n "$n" || { echo "$SWHY" >"$TMP/$bench.exits.fail" && return; }
  WRK_STOP_AFTER=$k client unikvm wrk -t"$t" -c"$c" -d"${AUX_T}s" -s $HERE/stop_after.lua "$@" "$url"
  sent=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$TMP/out")
  for _ in $(seq $((c + 50))); do
    kill -0 $SPID 2>/dev/null || break
    ip netns exec $NSG curl -s -o /dev/null --max-time 2 -H 'Connection: close' "$url"
  done
  server_done 5
  if [ "${sent:-0}" -lt $((k * t)) ]; then
    echo "n/a (the --stats run's wrk answered ${sent:-no} requests of $((k * t)))" \
      >"$TMP/$bench.exits.fail"
  elif v=$(python3 $HERE/parse.py stats <"$SERR" 2>/dev/null); then
    awk -v e="${v% *}" -v n="$n" 'BEGIN { print e / n }' >>"$TMP/$bench.exits"
  else
    echo "n/a (httpd -n $n did not exit: $(grep -c . "$SERR") stderr lines)" >"$TMP/$bench.exits.fail"
  fi
}

# strace_start: attaches strace -c -f to the running server; strace_stop detaches and keeps the
# summary's total and busiest calls in STRACE_TOTAL / STRACE_TOP.
strace_start() {
  STPID=
  local pid
  pid=$(server_pid)
  [ -n "$pid" ] || return 1
  strace -c -f -p "$pid" -o "$TMP/strace.txt" 2>"$TMP/strace.err" &
  STPID=$!
  PIDS+=("$STPID")
  for _ in $(seq 100); do
    grep -q 'attached' "$TMP/strace.err" && return 0
    sleep 0.05
  done
  return 1
}
strace_stop() {
  local v
  STRACE_TOTAL='' STRACE_TOP=''
  [ -n "$STPID" ] || return 1
  kill -INT "$STPID" 2>/dev/null
  wait "$STPID" 2>/dev/null
  v=$(python3 $HERE/parse.py strace <"$TMP/strace.txt" 2>/dev/null) || return 1
  read -r STRACE_TOTAL STRACE_TOP <<<"$v"
}

# per_unit BENCH PLATFORM COUNT UNIT: records the strace totals per COUNT units.
per_unit() {
  local bench=$1 platform=$2 count=$3 unit=$4
  if [ -z "$STRACE_TOTAL" ] || [ -z "$count" ] || [ "$count" -le 0 ]; then
    echo "n/a (strace or the client failed)" >"$TMP/$bench.sys.$platform"
    return
  fi
  awk -v t="$STRACE_TOTAL" -v n="$count" -v u="$unit" 'BEGIN { printf "%.2f per %s\n", t / n, u }' \
    >"$TMP/$bench.sys.$platform"
  # The busiest calls, per unit: "ioctl 1.00, read 2.00, ...".
  tr ',' '\n' <<<"$STRACE_TOP" | awk -F= -v n="$count" \
    '{ printf "%s%s %.2f", (NR > 1 ? ", " : ""), $1, $2 / n } END { print "" }' \
    >"$TMP/$bench.sysb.$platform"
}

# wrk_syscalls BENCH PLATFORM WRK-ARGS...: strace -c of the server around a short wrk run.
wrk_syscalls() {
  local bench=$1 platform=$2 v
  shift 2
  command -v wrk >/dev/null || return
  server "$platform" httpd -p 8080 || return
  strace_start
  client "$platform" wrk -d "${AUX_T}s" "$@" "http://$(addr "$platform"):8080/"
  strace_stop
  stop_server
  v=$(python3 $HERE/parse.py wrk <"$TMP/out" 2>/dev/null)
  per_unit "$bench" "$platform" "$(awk '{ print $4 }' <<<"$v")" request
}

# frame_syscalls BENCH SERVER-ARGS -- CLIENT...: strace -c of unikvm around one run of a server
# that exits by itself; per frame moved (from its --stats).
frame_syscalls() {
  local bench=$1 args=() v
  shift
  while [ "$1" != -- ]; do args+=("$1") && shift; done
  shift
  server unikvm "${args[@]}" || return
  strace_start
  client unikvm "$@"
  server_done 10
  strace_stop
  v=$(python3 $HERE/parse.py stats <"$SERR" 2>/dev/null)
  per_unit "$bench" unikvm "${v#* }" frame
}

# ping_aux PLATFORM: sockperf under strace (syscalls per round trip) and, for unikvm, under
# `perf stat -e kvm:kvm_userspace_exit` (VM exits per round trip: sockperfd never exits, so
# unikvm --stats cannot print them).
ping_aux() {
  local platform=$1 v ppid exits
  command -v sockperf >/dev/null || return
  server "$platform" sockperfd -p 11111 || return
  strace_start
  client "$platform" sockperf ping-pong -i "$(addr "$platform")" -p 11111 -m 64 -t "$AUX_T"
  strace_stop
  cat "$TMP/err" >>"$TMP/out"
  v=$(python3 $HERE/parse.py sockperf <"$TMP/out" 2>/dev/null)
  per_unit sp "$platform" "$(awk '{ print $5 }' <<<"$v")" "round trip"
  if [ "$platform" = unikvm ]; then
    if ! command -v perf >/dev/null; then
      echo "n/a (sockperfd never exits, so no --stats; perf not installed)" >"$TMP/sp.exits.fail"
    else
      perf stat -x, -e kvm:kvm_userspace_exit -p "$(server_pid)" -o "$TMP/perf.txt" 2>/dev/null &
      ppid=$!
      PIDS+=("$ppid")
      sleep 0.2
      client unikvm sockperf ping-pong -i 10.77.0.2 -p 11111 -m 64 -t "$AUX_T"
      kill -INT $ppid 2>/dev/null
      wait $ppid 2>/dev/null
      cat "$TMP/err" >>"$TMP/out"
      exits=$(awk -F, '/kvm_userspace_exit/ { print $1 }' "$TMP/perf.txt" 2>/dev/null)
      v=$(python3 $HERE/parse.py sockperf <"$TMP/out" 2>/dev/null)
      if [ -n "$exits" ] && [ -n "$v" ]; then
        awk -v e="$exits" -v n="$(awk '{ print $5 }' <<<"$v")" 'BEGIN { print e / n }' >>"$TMP/sp.exits"
      else
        echo "n/a (perf stat of kvm:kvm_userspace_exit failed)" >"$TMP/sp.exits.fail"
      fi
    fi
  fi
  stop_server
}

# ---- the runs -----------------------------------------------------------------------------------
KA=(-t1 -c1)
CLOSE=(-t1 -c1 -H "Connection: close")
C64=(-t2 -c64)
load=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s)
# now_platforms: the platforms this run measures (the QEMU ones only in the first QEMU_RUNS).
now_platforms() {
  local p
  for p in "${ALL_PLATFORMS[@]}"; do
    measures $p || continue
    is_qemu $p && [ "$run" -gt "$QEMU_RUNS" ] && continue
    echo $p
  done
}
for ((run = 1; run <= RUNS; run++)); do
  echo "bench/net: run $run of $RUNS" >&2
  PLATS=$(now_platforms)
  for platform in $PLATS; do http ka $platform "${KA[@]}"; done
  for platform in $PLATS; do http close $platform "${CLOSE[@]}"; done
  for platform in $PLATS; do http c64 $platform "${C64[@]}"; done
  for platform in $PLATS; do download $platform; done
  for platform in $PLATS; do iperf ip $platform; done
  for platform in $PLATS; do iperf ipr $platform -R; done
  for platform in $PLATS; do ping $platform; done
done
# What the QEMU cells had less of.
for p in qemu-tcg qemu-kvm; do
  measures $p || continue
  for b in ka close c64 dl ip ipr sp; do
    note=""
    [ "$QEMU_RUNS" -lt "$RUNS" ] && note="n=$QEMU_RUNS"
    [ $b = dl ] && note+="${note:+, }2×$QDL_MIB MiB"
    [ -n "$note" ] && echo "$note" >"$TMP/$b.$p.note"
  done
done

if command -v strace >/dev/null; then STRACE=1; else STRACE=0; fi
# AUX=0 leaves out the separate exits and syscalls runs (the self-check's shortcut).
if [ "$AUX" = 1 ]; then
  echo "bench/net: VM exits and syscalls (separate runs of ${AUX_T} s)" >&2
  measures unikvm && wrk_exits ka 1 1
  measures unikvm && wrk_exits close 1 1 -H "Connection: close"
  measures unikvm && wrk_exits c64 2 64
  if [ $STRACE = 1 ]; then
    for platform in native unikvm; do
      measures $platform || continue
      wrk_syscalls ka $platform "${KA[@]}"
      wrk_syscalls close $platform "${CLOSE[@]}"
      wrk_syscalls c64 $platform "${C64[@]}"
    done
    measures unikvm && frame_syscalls dl httpd -p 8080 -n 1 -- curl -sS -o /dev/null --max-time "$LIMIT" \
      "http://10.77.0.2:8080/bytes/$((128 * 1048576))"
    measures unikvm && frame_syscalls ip iperf3d -p 5201 -n 1 -- iperf3 -c 10.77.0.2 -t "$AUX_T"
    measures unikvm && frame_syscalls ipr iperf3d -p 5201 -n 1 -- iperf3 -c 10.77.0.2 -t "$AUX_T" -R
  fi
  for platform in native unikvm; do measures $platform && ping_aux $platform; done
fi
took=$(($(date +%s) - start))

# ---- the table ----------------------------------------------------------------------------------
# exits_cell BENCH UNIT: the median of unikvm's VM exits per UNIT, or why there is none.
exits_cell() {
  if [ -s "$TMP/$1.exits" ]; then
    printf "%.3f per %s" "$(median "$TMP/$1.exits")" "$2"
  elif [ -f "$TMP/$1.exits.fail" ]; then
    cat "$TMP/$1.exits.fail"
  else
    echo "–"
  fi
}

# sys_cell BENCH: host syscalls per unit: unikvm's, and the native server's where measured.
sys_cell() {
  local u="–" n=""
  [ -s "$TMP/$1.sys.unikvm" ] && u=$(cat "$TMP/$1.sys.unikvm")
  [ -s "$TMP/$1.sys.native" ] && n=" (native $(cat "$TMP/$1.sys.native"))"
  [ $STRACE = 1 ] || u="n/a (strace not installed)"
  echo "$u$n"
}

# netrow BENCH INDEX LABEL FMT DIRECTION TARGET CSV [EXITS-UNIT]: one table line (the exits and
# syscalls columns only with EXITS-UNIT); appends each platform's median to $RESULTS/CSV-PLATFORM.csv.
# strict_ratio BENCH INDEX DIRECTION: unikvm's ratio to the better of native and native-1cpu (the
# worse of the two ratios), so a goal is met only against native's best placement.
strict_ratio() {
  local a b
  a=$(ratio "$1" "$2")
  b=$(ratio "$1" "$2" unikvm native-1cpu)
  [ "$b" = "–" ] && echo "$a" && return
  [ "$a" = "–" ] && echo "$b" && return
  awk -v a="$a" -v b="$b" -v d="$3" 'BEGIN { if (d == "lower") print (a > b ? a : b); else print (a < b ? a : b) }'
}

netrow() {
  local bench=$1 i=$2 x="" s=""
  if [ -n "${8:-}" ]; then
    x=$(exits_cell "$bench" "$8")
    s=$(sys_cell "$bench")
  fi
  echo "| $3 | $(cells "$bench" "$i" "$4") | $(target "$(strict_ratio "$bench" "$i" "$5")" "$5" "$6") | $x | $s |"
  save "$bench" "$i" "$7" "$5"
}

# breakdown BENCH LABEL: the busiest syscalls per unit, for the notes.
breakdown() {
  local line=""
  for platform in unikvm native; do
    [ -s "$TMP/$1.sysb.$platform" ] && line+="${line:+; }$platform $(cat "$TMP/$1.sysb.$platform")"
  done
  [ -n "$line" ] && echo "- $2: $line"
}

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
results_reset
{
  echo "Network: $RUNS run(s) of each, interleaved; $now; $(nproc) CPUs," \
    "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), Linux $(uname -r); load average" \
    "at start $load; the whole run took ${took} s"
  echo
  echo "| benchmark |$(platform_header) target (unikvm) | unikvm VM exits | host syscalls (unikvm; native server) |"
  echo "| --- |$(platform_rule) --- | --- | --- |"
  netrow ka 0 "wrk -t1 -c1 keep-alive, req/s (${WRK_T} s)" %.0f higher 0.8 http-c1-keepalive-rps request
  netrow ka 1 "… average latency, µs" %.1f lower "" http-c1-keepalive-avg-us
  netrow ka 2 "… p99 latency, µs" %.1f lower "" http-c1-keepalive-p99-us
  netrow close 0 "wrk -t1 -c1 \`Connection: close\`, req/s" %.0f higher "" http-c1-close-rps request
  netrow close 1 "… average latency, µs" %.1f lower "" http-c1-close-avg-us
  netrow close 2 "… p99 latency, µs" %.1f lower "" http-c1-close-p99-us
  netrow c64 0 "wrk -t2 -c64 keep-alive, req/s" %.0f higher "" http-c64-rps request
  netrow c64 1 "… average latency, µs" %.1f lower "" http-c64-avg-us
  netrow c64 2 "… p99 latency, µs" %.1f lower "" http-c64-p99-us
  netrow dl 0 "2 parallel curl downloads of /bytes/ ${DL_MIB} MiB, average seconds" %.3f lower "" \
    "download-2x${DL_MIB}MiB-s" frame
  netrow ip 0 "iperf3 -t ${IPERF_T}, one stream to the server, Gbit/s" %.2f higher 0.7 iperf3-gbps frame
  netrow ip 1 "… sender retransmits" %.0f lower "" iperf3-retransmits
  netrow ipr 0 "iperf3 -t ${IPERF_T} -R, the server sends, Gbit/s" %.2f higher "" iperf3-reverse-gbps \
    frame
  netrow sp 0 "sockperf ping-pong UDP -m 64 -t ${SOCKPERF_T}, average latency, µs" %.2f lower 1.5 \
    sockperf-udp64-avg-us "round trip"
  netrow sp 1 "… p50, µs" %.2f lower "" sockperf-udp64-p50-us
  netrow sp 2 "… p99, µs" %.2f lower 1.5 sockperf-udp64-p99-us
  netrow sp 3 "… p99.9, µs" %.2f lower "" sockperf-udp64-p999-us
  echo
  echo "Layout: native servers (the same apps built for Linux) in one namespace, clients in another," \
    "joined by a veth pair (MTU $(ip -n $NSS link show vs | sed -n 's/.* mtu \([0-9]*\).*/\1/p')," \
    "the kernel's offloads on); unikvm in a third namespace on tap0 (MTU" \
    "$(ip -n $NSG link show tap0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')), its clients on the" \
    "tap's host side; the tap has the largest MTU the guest's stack takes (lwIP has no TSO/GRO, so" \
    "this is how 64 KiB TCP segments cross the tap whole, as they cross the veth with the kernel's" \
    "offloads; TAP_MTU=1500 measures the plain link). qemu-*: the virtio images under QEMU in a fourth namespace, on QEMU's user-mode" \
    "network (slirp: every packet is copied through QEMU's own TCP/IP stack) with the ports forwarded" \
    "from 127.0.0.1, where its clients connect; *n=…* marks fewer runs, *2×$QDL_MIB MiB* smaller" \
    "downloads (seconds, so without a ratio). Every server is started fresh for each run. wrk fetches \`/\` (httpd's" \
    "built-in page); latencies are wrk's and sockperf's (sockperf reports half the round trip)."
  echo
  echo "Placement: on these 2 CPUs where client and server run decides the single-connection" \
    "rows. Native is fastest with both on one CPU (a same-CPU wake-up costs little) and slowest" \
    "on two (a cross-CPU wake-up goes through the outer hypervisor, tens of µs); left to itself" \
    "the scheduler mostly puts them on two: that is the \`native\` column. \`native-1cpu\` pins" \
    "native's server and clients to CPU 0 (\`taskset -c 0\`), its best case here. unikvm's vCPU" \
    "thread has CPU 0 to itself (\`--pin 0\`; its device threads go to CPU 1) and its clients run" \
    "on CPU 1 (\`taskset -c 1\`), its best case: the polling guest never gives its CPU up and no" \
    "exchange needs a wake-up across CPUs. With the client left to the scheduler (\`--pin auto\`," \
    "the default, unpinned wrk) keep-alive measured 22-34 k req/s in five 10 s runs on" \
    "2026-11-22 (13-27 k before the ring thread's one-buffer look): now and then the client lands" \
    "on the vCPU's CPU and each exchange then waits for the guest to give it up; a client pinned" \
    "to the vCPU's CPU gets 7 k. The target column judges unikvm against the better of the two" \
    "native columns. unikvm against native-1cpu, best case against best case:" \
    "keep-alive $(ratio ka 0 unikvm native-1cpu)×, close $(ratio close 0 unikvm native-1cpu)×," \
    "-c64 $(ratio c64 0 unikvm native-1cpu)×, iperf3 $(ratio ip 0 unikvm native-1cpu)×," \
    "-R $(ratio ipr 0 unikvm native-1cpu)×, sockperf average $(ratio sp 0 unikvm native-1cpu)×," \
    "p99 $(ratio sp 2 unikvm native-1cpu)× (each unikvm median over native-1cpu's)."
  echo
  echo "VM exits come from \`unikvm --stats\`: for wrk, separate runs of httpd -n N under the same" \
    "load (N ≈ a quarter of what the measured rate serves in ${AUX_T} s); for the downloads and iperf3," \
    "the measured runs themselves (the servers exit after them), per Ethernet frame moved; for" \
    "sockperf, \`perf stat -e kvm:kvm_userspace_exit\` of a separate run, since sockperfd never" \
    "exits and --stats prints only at exit. Host syscalls: \`strace -c -f -p\` of the server" \
    "around a separate ${AUX_T} s run (downloads: one 128 MiB download), per request, frame or" \
    "round trip. The busiest calls per unit:"
  echo
  breakdown ka "keep-alive, per request"
  breakdown close "Connection: close, per request"
  breakdown c64 "-c64, per request"
  breakdown dl "download, per frame"
  breakdown ip "iperf3, per frame"
  breakdown ipr "iperf3 -R, per frame"
  breakdown sp "sockperf, per round trip"
  echo
  platform_notes
} | tee "$RESULTS/net.md"
