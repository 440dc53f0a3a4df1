#!/usr/bin/env bash
# net.sh: integration tests of the guest's network stack (lwIP, sockets as fds): boot
# build/tests/nettest.elf and talk to it. Loopback needs no NIC; every test with a NIC makes its
# own network namespace (a tap device 10.77.0.1/24 there, the guest 10.77.0.2), so all addresses
# stay inside it, and deletes it afterwards. The host side is tests/integration/net_peer.py.
# Every wait is bounded in count and time; checks assert bytes and counts, never timings.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

UNIKVM=build/unikvm
NT=build/tests/nettest.elf
PEER=tests/integration/net_peer.py
TMPD=$(mktemp -d)
NAMESPACES=()
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$TMPD" "$OUT" "$ERR"
}
trap cleanup EXIT

[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: these tests need KVM" >&2; exit 1; }
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v python3 >/dev/null; then
  echo "FATAL: net.sh needs root, ip and python3 (it makes network namespaces)" >&2
  exit 1
fi

# no_failed NAME: the last guest run printed no FAILED check.
no_failed() {
  if grep -q 'FAILED' "$OUT"; then
    fail "$1: every check passes" "$(grep FAILED "$OUT" | head -3 | tr '\n' ';')"
  else
    pass "$1: every check passes"
  fi
}

# has NAME: the guest reported check NAME as ok.
has() {
  expect_stdout_has "$1" "^$(sed 's/[][().*^$]/\\&/g' <<<"$1"): ok$"
}

NS_PREFIX=unikvm-t
. tests/integration/netns.sh

drop_ns() {
  ip netns del "$NS"
  NAMESPACES=("${NAMESPACES[@]/$NS/}")
}

# guest_start NAME NETOPTS -- ARGS...: boots nettest in $NS in the background (60 s at most).
guest_start() {
  local name=$1
  shift
  local opts=()
  while [ "$1" != -- ]; do
    opts+=("$1")
    shift
  done
  shift
  GOUT=$TMPD/$name.out
  GERR=$TMPD/$name.err
  ip netns exec "$NS" timeout --kill-after=5 60 $UNIKVM --stats "${opts[@]}" $NT -- "$@" \
    >"$GOUT" 2>"$GERR" </dev/null &
  GPID=$!
  PIDS+=("$GPID")
}

TAP_OPTS=(--net tap:tap0 --ip 10.77.0.2/24 --gw 10.77.0.1)

# wait_line REGEX: waits (20 s at most) until the guest prints a matching line.
wait_line() {
  for _ in $(seq 400); do
    grep -Eq -- "$1" "$GOUT" && return 0
    kill -0 "$GPID" 2>/dev/null || break
    sleep 0.05
  done
  grep -Eq -- "$1" "$GOUT"
}

# guest_finish: waits for the guest to end; its output becomes $OUT/$ERR and $STATUS.
guest_finish() {
  wait "$GPID"
  STATUS=$?
  cp "$GOUT" "$OUT"
  cp "$GERR" "$ERR"
}

# peer ARGS...: runs net_peer.py inside $NS; its output goes to $PEER_OUT.
peer() {
  PEER_OUT=$(ip netns exec "$NS" timeout --kill-after=5 60 python3 $PEER "$@" 2>&1)
}

expect_peer() { # NAME REGEX
  if grep -Eq -- "$2" <<<"$PEER_OUT"; then pass "$1"; else fail "$1" "host saw: $PEER_OUT"; fi
}

stat_value() { # KEY: a number from the last run's --stats lines
  sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$ERR" | head -1
}

# ---- loopback: sockets without a NIC -------------------------------------------------------
run $UNIKVM --stats --net none $NT loopback
expect_status "loopback: exits 0" 0
no_failed loopback
has "1 MiB echoed over loopback arrives intact"
has "recvfrom names the sender"
has "poll on a socket and a pipe wakes for the pipe"
has "poll on a socket and a pipe wakes for a connection"
has "select wakes for the pipe only"
has "non-blocking accept without a client fails"
has "non-blocking recv with no data fails"
has "non-blocking send into a full connection ends in EAGAIN"
has "the drained socket polls writable again"
has "SO_RCVTIMEO ends a blocking recv with EAGAIN"
has "... with ECONNREFUSED"
has "an accepted socket inherits TCP_NODELAY"
has "recvmsg with MSG_WAITALL fills two buffers"
has "getaddrinfo of localhost and a service name gives TCP and UDP"
has "a forked child's connection to its parent works both ways"
expect_stdout_has "loopback: the summary line" '^loopback: 0 failures$'
check "loopback: no network hypercalls without a NIC" "net_io=$(stat_value net_io)" \
  test "$(stat_value net_io)" = 0

# ---- tap: a TCP echo server in the guest, one connection, 1000 round trips ------------------
make_ns
guest_start echo "${TAP_OPTS[@]}" -- echo 7 1
wait_line '^listening on 7$' || true
peer echo 10.77.0.2 7 "hello unikvm" 1000
expect_peer "tap echo: 1000 requests answered with the exact bytes" '^echo ok 1000$'
guest_finish
expect_status "tap echo: the guest exits 0" 0
expect_stdout_has "tap echo: the guest has its static address; the host is the peer" \
  '^first connection: local 10\.77\.0\.2:7 peer 10\.77\.0\.1:[0-9]+$'
expect_stdout_has "tap echo: every byte was echoed" \
  '^served 1 connections, 16890 bytes, at most 1 at once'
exits=$(stat_value exits)
echo "note - tap echo: ${exits:-?} VM exits for 1000 request/response round trips"
check "tap echo: fewer than 2 VM exits per request (batched exchange)" "exits=${exits:-?}" \
  test "${exits:-999999}" -lt 2000
drop_ns

# ---- tap with MTU 65521: 32 MiB echoed in 64 KiB segments, checked byte for byte ----------------
# Each way the bytes cross the tap in whole 64 KiB frames; frames this large reach lwIP in the NIC's
# own receive buffers (no copy), so this checks that path's data, not only its byte counts.
make_ns
ip netns exec "$NS" ip link set tap0 mtu 65521
guest_start jumbo "${TAP_OPTS[@]}" -- echo 7 1
wait_line '^listening on 7$' || true
cat >"$TMPD/bulk.py" <<'EOF'
import hashlib, random, socket, sys, threading
host, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = random.Random(7).randbytes(total)
s = socket.create_connection((host, port), timeout=30)
got = hashlib.sha256()
received = 0
def reader():
    global received
    while received < total:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        got.update(chunk)
        received += len(chunk)
t = threading.Thread(target=reader)
t.start()
for off in range(0, total, 256 * 1024):
    s.sendall(data[off:off + 256 * 1024])
t.join(60)
s.close()
same = got.hexdigest() == hashlib.sha256(data).hexdigest()
print("bulk %d of %d bytes back, %s" % (received, total, "identical" if same else "DIFFERENT"))
EOF
PEER_OUT=$(ip netns exec "$NS" timeout --kill-after=5 90 python3 "$TMPD/bulk.py" 10.77.0.2 7 33554432 2>&1)
expect_peer "tap mtu 65521: 32 MiB echoed back identical" '^bulk 33554432 of 33554432 bytes back, identical$'
guest_finish
expect_status "tap mtu 65521: the guest exits 0" 0
expect_stdout_has "tap mtu 65521: the guest echoed every byte" '^served 1 connections, 33554432 bytes'
drop_ns

# ---- tap: 200 connections at once --------------------------------------------------------------
make_ns
guest_start many "${TAP_OPTS[@]}" -- echo 7 200
wait_line '^listening on 7$' || true
peer many 10.77.0.2 7 200
expect_peer "tap: 200 concurrent connections all answered" '^many ok 200 of 200$'
guest_finish
expect_status "tap 200: the guest exits 0" 0
expect_stdout_has "tap 200: the guest served all 200" '^served 200 connections, 819200 bytes'
drop_ns

# ---- tap: a guest client to a host server -------------------------------------------------------
make_ns
ip netns exec "$NS" timeout 60 python3 $PEER serve 9000 >"$TMPD/serve.out" 2>&1 &
PIDS+=($!)
SERVER=$!
for _ in $(seq 200); do grep -q '^ready$' "$TMPD/serve.out" && break; sleep 0.05; done
guest_start client "${TAP_OPTS[@]}" -- client 10.77.0.1 9000 "hello from the guest"
guest_finish
expect_status "tap client: the guest exits 0" 0
expect_stdout_has "tap client: connects to the host" '^connected to 10\.77\.0\.1:9000$'
expect_stdout_has "tap client: gets the host's exact answer" \
  '^received 39 bytes: host got 20 bytes: hello from the guest$'
wait $SERVER
PEER_OUT=$(cat "$TMPD/serve.out")
expect_peer "tap client: the host got the guest's bytes from 10.77.0.2" \
  "^served 10\.77\.0\.2: b'hello from the guest'$"
drop_ns

# ---- tap: UDP echo ------------------------------------------------------------------------------------
make_ns
guest_start udp "${TAP_OPTS[@]}" -- udp 5000 50
wait_line '^listening on 5000$' || true
peer udp 10.77.0.2 5000 50
expect_peer "tap udp: 50 datagrams echoed exactly" '^udp ok 50 of 50$'
guest_finish
expect_status "tap udp: the guest exits 0" 0
expect_stdout_has "tap udp: the guest served 50" '^udp served 50 datagrams$'
drop_ns

# ---- tap: poll over a socket and a pipe ---------------------------------------------------------
make_ns
guest_start pollmix "${TAP_OPTS[@]}" -- pollmix 7
wait_line '^listening on 7$' || true
peer pingpong 10.77.0.2 7
expect_peer "tap pollmix: the host gets pong" "^pingpong got b'pong'$"
guest_finish
expect_status "tap pollmix: the guest exits 0" 0
no_failed "tap pollmix"
has "poll wakes for the pipe alone"
has "poll wakes for the host's connection alone"
has "poll wakes for the host's data"
has "select wakes when the host closes"
drop_ns

# ---- tap: non-blocking accept, recv and send ---------------------------------------------------
make_ns
guest_start nonblock "${TAP_OPTS[@]}" -- nonblock 7
wait_line '^listening on 7$' || true
peer nonblock 10.77.0.2 7 "$GOUT"
expect_peer "tap nonblock: the host receives all 8 MiB" '^nonblock received 8388608 bytes$'
guest_finish
expect_status "tap nonblock: the guest exits 0" 0
no_failed "tap nonblock"
has "non-blocking accept before the host connects fails"
has "non-blocking recv before the host sends fails"
has "8 MiB sent through a non-blocking socket"
drop_ns

# ---- tap: DNS through getaddrinfo (the static configuration's server is the gateway) -----------
make_ns
ip netns exec "$NS" timeout 60 python3 $PEER dns 53 www.unikvm.test 10.77.0.99 2 \
  >"$TMPD/dns.out" 2>&1 &
PIDS+=($!)
DNS=$!
for _ in $(seq 200); do grep -q '^ready$' "$TMPD/dns.out" && break; sleep 0.05; done
guest_start resolve "${TAP_OPTS[@]}" -- resolve www.unikvm.test nothing.unikvm.test 10.1.2.3
guest_finish
expect_status "dns: the guest exits 0" 0
expect_stdout_has "dns: getaddrinfo finds a name" '^www\.unikvm\.test: 10\.77\.0\.99$'
expect_stdout_has "dns: an unknown name is EAI_NONAME" '^nothing\.unikvm\.test: error -2 '
expect_stdout_has "dns: a numeric host needs no DNS" '^10\.1\.2\.3: 10\.1\.2\.3$'
wait $DNS
PEER_OUT=$(cat "$TMPD/dns.out")
expect_peer "dns: the server was asked for both names" 'answered nothing\.unikvm\.test: nxdomain'
drop_ns

# ---- user-mode networking: DHCP, then a host port forwarded to the guest ---------------------------
make_ns notap
PORT=18007
guest_start user --net "user,restrict=on,hostfwd=tcp:127.0.0.1:$PORT-:7" -- echo 7 1
peer retry-echo 127.0.0.1 $PORT "hello over user-mode networking" 30
expect_peer "user: the forwarded port echoes (retried while the guest starts)" '^echo ok after'
guest_finish
expect_status "user: the guest exits 0" 0
expect_stdout_has "user: the guest got 10.0.2.15 by DHCP; slirp's host is its peer" \
  '^first connection: local 10\.0\.2\.15:7 peer 10\.0\.2\.2:[0-9]+$'
drop_ns

summary
