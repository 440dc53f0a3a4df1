#!/usr/bin/env bash
# net_apps_guest.sh: the network apps in the guest (build/httpd.elf, iperf3d.elf, sockperfd.elf)
# under unikvm, checked with the same real clients as net_apps_native.sh: curl, wrk, the unchanged
# iperf3 and sockperf clients, and python3 for what those will not send (malformed requests,
# stalled requests, thousands of connections, garbage Ethernet frames).
# - user-mode networking: httpd behind a host forward, inside a namespace of its own (loopback);
# - tap: every guest gets a fresh namespace with tap0 10.77.0.1/24, the guest is 10.77.0.2 (MTU
#   1500, and 65521 for 64 KiB segments);
# - bad input: malformed HTTP, a request that never finishes, 100 000 garbage frames on the tap.
# Every namespace is deleted on exit; every load is bounded in count and time; checks assert on
# what the clients print or receive, never on a timing.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

UNIKVM=build/unikvm
TMPD=$(mktemp -d)
NAMESPACES=()
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null; done
  rm -rf "$TMPD" "$OUT" "$ERR"
}
trap cleanup EXIT

[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: these tests need KVM" >&2; exit 1; }
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
  echo "FATAL: net_apps_guest.sh needs root and ip (it makes network namespaces)" >&2
  exit 1
fi
for tool in curl wrk iperf3 sockperf python3 sha256sum; do
  command -v $tool >/dev/null || {
    echo "FATAL: $tool missing (apt-get install -y curl wrk iperf3 sockperf python3)" >&2
    exit 1
  }
done
for f in $UNIKVM build/unikvm-slirp build/httpd.elf build/iperf3d.elf build/sockperfd.elf; do
  [ -e "$f" ] || { echo "FATAL: $f missing: run 'make integration-test'" >&2; exit 1; }
done

# ---- namespaces and guests ------------------------------------------------------------------
NS_PREFIX=unikvm-nag
. tests/integration/netns.sh

# stop_guest: ends the current guest (by its PID) and deletes its namespace.
stop_guest() {
  kill "$GPID" 2>/dev/null
  wait "$GPID" 2>/dev/null
  ip netns del "$NS"
  NAMESPACES=("${NAMESPACES[@]/$NS/}")
}

# in_ns CMD...: CMD inside $NS.
in_ns() { ip netns exec "$NS" "$@"; }
# run_ns CMD...: lib.sh's run, inside $NS.
run_ns() { run ip netns exec "$NS" "$@"; }

# guest_start NAME IMAGE NETOPTS... -- ARGS...: boots IMAGE in $NS in the background (at most
# 120 s), then waits (20 s at most) for its "listening on port N" line.
guest_start() {
  local name=$1 image=$2 opts=()
  shift 2
  while [ "$1" != -- ]; do opts+=("$1") && shift; done
  shift
  GOUT=$TMPD/$name.out
  GERR=$TMPD/$name.err
  # Not through in_ns: a backgrounded function is a subshell, and killing that would leave
  # unikvm running without printing its --stats.
  ip netns exec "$NS" timeout --kill-after=5 120 $UNIKVM --stats "${opts[@]}" "$image" -- "$@" \
    >"$GOUT" 2>"$GERR" </dev/null &
  GPID=$!
  PIDS+=("$GPID")
  for _ in $(seq 400); do
    grep -q 'listening on port' "$GOUT" && return 0
    kill -0 "$GPID" 2>/dev/null || break
    sleep 0.05
  done
  echo "FATAL: $name did not start in the guest:" >&2
  cat "$GOUT" "$GERR" >&2
  exit 1
}

TAP_OPTS=(--net tap:tap0 --ip 10.77.0.2/24 --gw 10.77.0.1)

# guest_alive NAME: the guest still runs and has reported no error.
guest_alive() {
  check "$1: the guest is still running" "it exited: $(tail -3 "$GERR" | tr '\n' ';')" \
    kill -0 "$GPID"
  check "$1: the guest reported no error" "$(grep -v '^unikvm: stats' "$GERR" | head -3)" \
    bash -c "! grep -v '^unikvm: stats' '$GERR' | grep -q ."
}

# ---- clients (the same as net_apps_native.sh's, with the host as a parameter) ----------------
RAW=tests/integration/http_raw.py
raw() { run ip netns exec "$NS" python3 $RAW "$@"; }

# reuse.py HOST PORT COUNT FIRST_PORT NPORTS: COUNT sequential "Connection: close" requests whose
# source ports cycle through NPORTS fixed ports, so that every SYN after the first round meets the
# server's TIME_WAIT of the last connection from that port (the server closes first). A server
# must take such a SYN as a new connection (RFC 1122 4.2.2.13), as Linux does. Stops after 20
# failures or 60 s. The ports lie below the ephemeral range, where no other client of this script
# leaves a TIME_WAIT that would refuse the bind.
cat >"$TMPD/reuse.py" <<'EOF'
import errno, socket, sys, time
host, port, count, first, nports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4]), int(sys.argv[5])
req = b"GET /bytes/3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
ok = failed = 0
first_error = None
deadline = time.monotonic() + 60
for i in range(count):
    if failed >= 20 or time.monotonic() > deadline:
        break
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(5)
    try:
        s.bind(("0.0.0.0", first + i % nports))
        for _ in range(100):  # our end of the last use of the port may still be closing
            try:
                s.connect((host, port))
                break
            except OSError as e:
                if e.errno != errno.EADDRNOTAVAIL:
                    raise
                time.sleep(0.01)
        s.sendall(req)
        data = b""
        while True:
            c = s.recv(4096)
            if not c:
                break
            data += c
        if data.startswith(b"HTTP/1.1 200 ") and data.endswith(b"abc"):
            ok += 1
        else:
            failed += 1
    except OSError as e:
        failed += 1
        first_error = first_error or "request %d: %s" % (i, e)
    finally:
        s.close()
print("reused ports: %d of %d answered" % (ok, count))
if first_error:
    print("first error:", first_error)
EOF

# pattern_sha N: sha256 of the /bytes/N body.
pattern_sha() { python3 tests/integration/pattern_sha.py "$1"; }

positive() { awk -v v="$1" 'BEGIN { exit !(v + 0 > 0) }'; }

# ==== user-mode networking: httpd behind a host forward ========================================
make_ns notap
HP=$(in_ns python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
guest_start user build/httpd.elf --net "user,restrict=on,hostfwd=tcp:127.0.0.1:$HP-:8080" --
URL=http://127.0.0.1:$HP
# libslirp accepts the host's connection before the guest listens and then drops it: retry.
tries=0
for tries in $(seq 100); do
  code=$(in_ns curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/" 2>/dev/null)
  [ "$code" = 200 ] && break
  sleep 0.1
done
check "user: the forwarded port answers (retried while the guest starts)" \
  "no 200 after $tries attempts" test "${code:-}" = 200

run_ns curl -sS -i --max-time 10 "$URL/"
expect_status "user: GET / exits 0" 0
expect_stdout_has "user: GET / is 200" '^HTTP/1\.1 200 OK'
expect_stdout_has "user: GET / page names httpd" "unikvm's httpd"

run_ns curl -sS --max-time 20 -o "$TMPD/bytes" -w '%{http_code} %{size_download}' "$URL/bytes/1000000"
expect_stdout "user: /bytes/1000000 is 200 with 1000000 bytes" "200 1000000"
want=$(pattern_sha 1000000)
got=$(sha256sum <"$TMPD/bytes" | cut -d' ' -f1)
check "user: /bytes/1000000 body is the pattern" "sha256 $got, expected $want" test "$got" = "$want"

run_ns curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$URL/no/such/page"
expect_stdout "user: unknown path is 404" "404"

raw 127.0.0.1 "$HP" read '"HEAD /bytes/12345 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"'
expect_stdout_has "user: HEAD is 200" '^HTTP/1\.1 200 OK'
expect_stdout_has "user: HEAD gives the GET Content-Length" '^Content-Length: 12345'
expect_stdout_has "user: HEAD sends headers only" '^=== after head: 0 bytes$'
expect_stdout_has "user: HEAD with Connection: close closes" '^=== closed$'

run_ns curl -sS -i -X DELETE --max-time 10 "$URL/"
expect_stdout_has "user: DELETE is 405" '^HTTP/1\.1 405 '
expect_stdout_has "user: 405 says Allow: GET, HEAD" '^Allow: GET, HEAD'
guest_alive user
stop_guest

# ==== tap: httpd ===============================================================================
make_ns
guest_start httpd build/httpd.elf "${TAP_OPTS[@]}" --
G=10.77.0.2
URL=http://$G:8080

run_ns curl -sS -i --max-time 10 "$URL/"
expect_status "tap: GET / exits 0" 0
expect_stdout_has "tap: GET / is 200" '^HTTP/1\.1 200 OK'
expect_stdout_has "tap: GET / page names httpd" "unikvm's httpd"
run_ns curl -sS --max-time 20 -o "$TMPD/bytes" -w '%{http_code} %{size_download}' "$URL/bytes/1000000"
expect_stdout "tap: /bytes/1000000 is 200 with 1000000 bytes" "200 1000000"
got=$(sha256sum <"$TMPD/bytes" | cut -d' ' -f1)
check "tap: /bytes/1000000 body is the pattern" "sha256 $got, expected $want" test "$got" = "$want"

RUN_TIMEOUT=30 run_ns wrk -t2 -c16 -d3s "$URL/"
expect_status "tap: wrk -t2 -c16 -d3s exits 0" 0
expect_stdout_has "tap: wrk completed requests" '^ +[1-9][0-9]* requests in '
check "tap: wrk saw no socket errors" "$(grep 'Socket errors' "$OUT")" \
  bash -c "! grep -q 'Socket errors' '$OUT'"
check "tap: wrk saw no non-2xx answers" "$(grep 'Non-2xx' "$OUT")" bash -c "! grep -q 'Non-2xx' '$OUT'"

RUN_TIMEOUT=60 run_ns python3 tests/integration/http_many.py $G 8080
expect_stdout_has "tap: 1000 sequential connections all answered" '^sequential 1000$'
expect_stdout_has "tap: 200 concurrent connections all answered" '^concurrent 200$'
RUN_TIMEOUT=90 run_ns python3 "$TMPD/reuse.py" $G 8080 5000 20000 4
expect_stdout_has "tap: 5000 Connection: close requests from 4 reused source ports all answered" \
  '^reused ports: 5000 of 5000 answered$'

# ---- bad input: malformed HTTP ----------------------------------------------------------------
for bad in '"GARBAGE\r\n\r\n"' '"GET /\r\n\r\n"' '"GET / HTTP/1.1 extra\r\n\r\n"' \
  '"GET / FTP/1.0\r\n\r\n"' '"GET / HTTP/1.1\r\nNo colon here\r\n\r\n"' \
  '"\x00\xff\x01binary\r\n\r\n"'; do
  raw $G 8080 read "$bad"
  check "tap: 400 and close for $bad" "expected 400 then close" \
    bash -c "grep -q '^HTTP/1.1 400 ' '$OUT' && grep -q '^=== closed' '$OUT'"
done
raw $G 8080 read '"GET /" + "a" * 9000 + " HTTP/1.1\r\nHost: t\r\n\r\n"'
expect_stdout_has "tap: 9000-byte URI is 414" '^HTTP/1\.1 414 '
run_ns curl -sS --max-time 10 "$URL/bytes/5"
expect_stdout "tap: httpd keeps serving after malformed requests" "abcde"

# ---- bad input: a request that never finishes --------------------------------------------------
STALL_MARK=$TMPD/stalled in_ns timeout 30 python3 $RAW $G 8080 stall \
  '"GET /bytes/10 HTTP/1.1\r\nHost: t\r\n"' &
stall_pid=$!
PIDS+=("$stall_pid")
for _ in $(seq 100); do [ -e "$TMPD/stalled" ] && break; sleep 0.05; done
run_ns curl -sS --max-time 5 "$URL/bytes/7"
expect_stdout "tap: httpd serves others while a request is stalled" "abcdefg"
kill "$stall_pid" 2>/dev/null

# ---- bad input: garbage frames on the tap ------------------------------------------------------
# inject.py IFACE GUEST_MAC COUNT SEED: COUNT frames written on IFACE with an AF_PACKET socket (so
# the guest reads them from the tap): random bytes, random Ethernet payloads, truncated frames,
# IPv4 headers with wrong versions, lengths, checksums and options, fragments, and TCP segments
# with valid checksums but random flags, sequence numbers and options (from the host's address,
# so the host's RSTs clean up whatever they open). The tap's queue holds 500 frames and drops
# the rest, so the frames go in bursts of 200, each once the reader (unikvm) has taken all but
# 200 of those before it (the tap's tx_packets counts what its reader took): then nearly every
# frame reaches the guest, as fast as it reads them. At most 60 s.
cat >"$TMPD/inject.py" <<'EOF'
import random, socket, struct, sys, time
iface, gmac, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(seed)
dst = bytes.fromhex(gmac.replace(":", ""))
src = bytes.fromhex(open("/sys/class/net/%s/address" % iface).read().strip().replace(":", ""))
hip, gip = socket.inet_aton("10.77.0.1"), socket.inet_aton("10.77.0.2")
rb = rnd.randbytes
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip(payload, proto=6, good=True, frag=0, ihl=5, ver=4, tlen=None, opts=b""):
    tl = 20 + len(opts) + len(payload) if tlen is None else tlen
    h = struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0, tl & 0xffff, rnd.getrandbits(16), frag,
                    rnd.choice([1, 64, 255]), proto, 0, hip, gip) + opts
    if good: h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    else: h = h[:10] + rb(2) + h[12:]
    return h + payload
def tcp(good=True):
    opts = rb(rnd.choice([0, 4, 8, 12, 40]))
    doff = rnd.choice([5 + len(opts) // 4, rnd.randrange(16)])
    data = rb(rnd.randrange(0, 200))
    h = struct.pack("!HHIIBBHHH", rnd.randrange(1024, 65536), rnd.choice([8080, 8080, 80, 0]),
                    rnd.getrandbits(32), rnd.getrandbits(32), doff << 4, rnd.getrandbits(8),
                    rnd.getrandbits(16), 0, rnd.getrandbits(16)) + opts + data
    if good:
        pseudo = hip + gip + struct.pack("!BBH", 0, 6, len(h))
        h = h[:16] + struct.pack("!H", csum(pseudo + h)) + h[18:]
    return h
def eth(payload, etype=0x0800, to=None):
    return (to or dst) + src + struct.pack("!H", etype) + payload
def frame(kind):
    if kind == 0: return rb(rnd.randrange(14, 1515))                   # random bytes
    if kind == 1: return eth(rb(rnd.randrange(0, 1500)), rnd.getrandbits(16))
    if kind == 2:                                                      # truncated
        f = eth(ip(tcp()))
        return f[:rnd.randrange(14, len(f))]
    if kind == 3:                                                      # bad IPv4 headers
        return eth(ip(tcp(rnd.random() < 0.5), good=rnd.random() < 0.5, ihl=rnd.randrange(16),
                      ver=rnd.choice([4, 4, 6, 0, 15]), tlen=rnd.choice([None, rnd.getrandbits(16)]),
                      opts=rb(rnd.choice([0, 4, 40]))))
    if kind == 4:                                                      # fragments
        return eth(ip(rb(rnd.randrange(8, 1400)), proto=rnd.choice([6, 17, 1]),
                      frag=rnd.getrandbits(13) | rnd.choice([0, 0x2000])))
    if kind == 5: return eth(ip(tcp()))                                # checksummed TCP, random
    if kind == 6: return eth(ip(rb(rnd.randrange(0, 600)), proto=rnd.choice([1, 17, 2, 47, 255])))
    if kind == 7: return eth(rb(rnd.randrange(0, 60)), 0x0806, rnd.choice([dst, b"\xff" * 6]))
    return eth(rb(rnd.randrange(0, 1500)), 0x0800, b"\xff" * 6)       # broadcast garbage
def taken():
    with open("/sys/class/net/%s/statistics/tx_packets" % iface) as f:
        return int(f.read())
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
BURST = 200
sent = failed = 0
start = taken()
deadline = time.monotonic() + 60
for i in range(0, count, BURST):
    while taken() - start < sent - BURST and time.monotonic() < deadline:
        time.sleep(0.0002)
    for k in range(i, min(i + BURST, count)):
        try:
            s.send(frame(k % 9)[:1514])
            sent += 1
        except OSError:
            failed += 1
print("injected %d frames (%d refused by the host kernel)" % (sent, failed))
EOF
GMAC=$(in_ns ip neigh show $G dev tap0 | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p')
check "tap: the host knows the guest's MAC" "ip neigh: $(in_ns ip neigh show dev tap0)" \
  test -n "$GMAC"
# tap_counts: frames unikvm read from tap0, and frames the host dropped on it (queue full).
tap_counts() {
  in_ns cat /sys/class/net/tap0/statistics/{tx_packets,tx_dropped} | paste -sd' '
}
read -r q_before d_before <<<"$(tap_counts)"
RUN_TIMEOUT=90 run_ns python3 "$TMPD/inject.py" tap0 "${GMAC:-52:54:00:00:00:00}" 100000 1
expect_stdout_has "tap: 100000 garbage frames injected" '^injected (99[0-9]{3}|100000) frames'
read -r q_after d_after <<<"$(tap_counts)"
echo "note - tap: during the injection unikvm read $((q_after - q_before)) frames from the tap" \
  "and the host dropped $((d_after - d_before)) (tap queue full)"
check "tap: the guest read at least 99000 of the garbage frames" \
  "read $((q_after - q_before)), dropped $((d_after - d_before))" \
  test $((q_after - q_before)) -ge 99000
run_ns curl -sS --max-time 10 "$URL/bytes/9"
expect_stdout "tap: httpd still answers after the garbage frames" "abcdefghi"
RUN_TIMEOUT=30 run_ns python3 -c "
import socket
ok = 0
for _ in range(50):
    with socket.create_connection(('$G', 8080), timeout=10) as s:
        s.sendall(b'GET /bytes/3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')
        data = b''
        while True:
            c = s.recv(4096)
            if not c: break
            data += c
        ok += data.startswith(b'HTTP/1.1 200 ') and data.endswith(b'abc')
print('after garbage', ok)"
expect_stdout "tap: 50 more connections after the garbage frames all answered" "after garbage 50"
guest_alive "tap httpd"
# --pin auto (the default with rings, on two CPUs or more): the vCPU thread (unikvm's main one)
# runs on one CPU, the ring thread on the others.
if [ "$(nproc)" -ge 2 ]; then
  upid=$(cut -d' ' -f1 "/proc/$GPID/task/$GPID/children")
  cpus_of() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$upid/task/$1/status"; }
  vcpu_cpus=$(cpus_of "$upid")
  # unikvm's own threads (KVM adds a kernel worker, kvm-nx-lpage-recovery, to the process).
  ring_cpus=$(for t in /proc/"$upid"/task/*; do
    [ "${t##*/}" = "$upid" ] || [ "$(cat "$t/comm")" != unikvm ] || cpus_of "${t##*/}"
  done | sort -u | paste -sd' ')
  check "tap httpd: --pin auto keeps the vCPU thread on one CPU, the ring thread off it" \
    "vCPU thread on '$vcpu_cpus', the others on '$ring_cpus'" \
    bash -c "[[ '$vcpu_cpus' =~ ^[0-9]+$ ]] && [ -n '$ring_cpus' ] &&
      ! grep -Eq '(^|[ ,])$vcpu_cpus([ ,]|$)' <<<'$ring_cpus'"
fi
stop_guest
if [ "$(nproc)" -ge 2 ]; then
  check "tap httpd: --stats says where the threads were pinned" "$(tail -2 "$GERR")" \
    grep -Eq "pinned vcpu_cpu=$vcpu_cpus helper_cpus=[1-9]" "$GERR"
fi
# The frames above crossed the shared rings: the host's ring thread moved some of them.
check "tap httpd: the NIC's shared rings were used (--stats)" "$(tail -4 "$GERR")" \
  grep -Eq 'net_ring active=1 tx_by_thread=[1-9]' "$GERR"

# ==== tap: iperf3d ============================================================================
make_ns
guest_start iperf3d build/iperf3d.elf "${TAP_OPTS[@]}" --
# rate: the receiver summary's bitrate.
rate() { grep 'receiver' "$OUT" | tail -1 | sed -n 's/.* \([0-9.]*\) \([KMG]*\)bits\/sec.*/\1/p'; }
RUN_TIMEOUT=30 run_ns iperf3 -c $G -t 3
expect_status "tap: iperf3 -c -t 3 exits 0" 0
check "tap: iperf3 -t 3 reports a non-zero receiver bitrate" "rate '$(rate)'" positive "$(rate)"
RUN_TIMEOUT=30 run_ns iperf3 -c $G -t 3 -R
expect_status "tap: iperf3 -c -t 3 -R exits 0" 0
expect_stdout_has "tap: iperf3 -R runs in reverse" "Reverse mode, remote host $G is sending"
check "tap: iperf3 -R reports a non-zero receiver bitrate" "rate '$(rate)'" positive "$(rate)"
check "tap: iperf3d reports the bytes it really moved" "$(cat "$GOUT")" \
  bash -c "grep -Eq 'test 1: 1 stream\\(s\\), received [1-9][0-9]* bytes' '$GOUT' &&
    grep -Eq 'test 2: 1 stream\\(s\\), received 0 bytes, sent [1-9][0-9]* bytes' '$GOUT'"
guest_alive "tap iperf3d"
stop_guest

# ==== tap with the largest MTU (65521): 64 KiB segments both ways ================================
# lwIP's MSS follows the NIC's MTU up to 65481 bytes, so these move whole 64 KiB frames: a large
# download checked byte for byte, and iperf3 both ways.
make_ns
in_ns ip link set tap0 mtu 65521
guest_start jumbo build/httpd.elf "${TAP_OPTS[@]}" --
RUN_TIMEOUT=60 run_ns curl -sS --max-time 50 -o "$TMPD/big" -w '%{http_code} %{size_download}' \
  "$URL/bytes/67108864"
expect_stdout "tap mtu 65521: /bytes/67108864 is 200 with 67108864 bytes" "200 67108864"
want=$(pattern_sha 67108864)
got=$(sha256sum <"$TMPD/big" | cut -d' ' -f1)
check "tap mtu 65521: the 64 MiB body is the pattern" "sha256 $got, expected $want" \
  test "$got" = "$want"
rm -f "$TMPD/big"
RUN_TIMEOUT=60 run_ns python3 tests/integration/http_many.py $G 8080
expect_stdout_has "tap mtu 65521: 1000 sequential connections all answered" '^sequential 1000$'
expect_stdout_has "tap mtu 65521: 200 concurrent connections all answered" '^concurrent 200$'
guest_alive "tap mtu 65521 httpd"
stop_guest

make_ns
in_ns ip link set tap0 mtu 65521
guest_start jumbo-iperf3d build/iperf3d.elf "${TAP_OPTS[@]}" --
RUN_TIMEOUT=30 run_ns iperf3 -c $G -t 2
expect_status "tap mtu 65521: iperf3 -c -t 2 exits 0" 0
check "tap mtu 65521: iperf3 reports a non-zero receiver bitrate" "rate '$(rate)'" positive "$(rate)"
RUN_TIMEOUT=30 run_ns iperf3 -c $G -t 2 -R
expect_status "tap mtu 65521: iperf3 -c -t 2 -R exits 0" 0
check "tap mtu 65521: iperf3 -R reports a non-zero receiver bitrate" "rate '$(rate)'" \
  positive "$(rate)"
check "tap mtu 65521: iperf3d reports the bytes it really moved" "$(cat "$GOUT")" \
  bash -c "grep -Eq 'test 1: 1 stream\\(s\\), received [1-9][0-9]* bytes' '$GOUT' &&
    grep -Eq 'test 2: 1 stream\\(s\\), received 0 bytes, sent [1-9][0-9]* bytes' '$GOUT'"
guest_alive "tap mtu 65521 iperf3d"
stop_guest

# ==== tap: sockperfd ==========================================================================
make_ns
guest_start sockperfd build/sockperfd.elf "${TAP_OPTS[@]}" --
SP=$(sed -n 's/^.*listening on port \([0-9][0-9]*\).*$/\1/p' "$GOUT")
RUN_TIMEOUT=30 run_ns sockperf ping-pong -i $G -p "$SP" -m 64 -t 3
cat "$ERR" >>"$OUT"
expect_status "tap: sockperf ping-pong udp -m 64 -t 3 exits 0" 0
expect_stdout_has "tap: sockperf ping-pong udp: no dropped, duplicated or reordered messages" \
  '# dropped messages = 0; # duplicated messages = 0; # out-of-order messages = 0'
expect_stdout_has "tap: sockperf ping-pong udp: replies received" \
  '\[Valid Duration\].*ReceivedMessages=[1-9][0-9]*'
expect_stdout_has "tap: sockperf ping-pong udp: latency summary" 'Summary: Latency is [0-9.]+ usec'
guest_alive "tap sockperfd"
stop_guest

# ==== tap deleted under a running guest ===========================================================
# Its fd then reports an error for ever: waiting on it would be a busy loop of wake-ups (and of
# VM exits). unikvm says once that the backend is gone, stops watching it, and the guest idles.
for poll in 200 0; do
  make_ns
  guest_start "gone-$poll" build/httpd.elf "${TAP_OPTS[@]}" --net-poll $poll --
  run_ns curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "http://$G:8080/"
  expect_stdout "tap gone (--net-poll $poll): served before" 200
  in_ns ip link del tap0
  sleep 2
  check "tap gone (--net-poll $poll): the guest still runs" "it exited" kill -0 "$GPID"
  stop_guest
  check "tap gone (--net-poll $poll): said once" "$(cat "$GERR")" \
    test "$(grep -c 'the backend is gone (the tap interface was deleted)' "$GERR")" = 1
  exits=$(sed -n 's/.* exits=\([0-9]*\) .*/\1/p' "$GERR")
  check "tap gone (--net-poll $poll): no busy loop of exits (${exits:-?} in ~2 s idle)" "$(cat "$GERR")" \
    test "${exits:-999999}" -lt 2000
done

summary
