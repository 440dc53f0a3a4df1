#!/usr/bin/env bash
# net_apps_native.sh: the network apps (httpd, iperf3d, sockperfd) built natively for Linux,
# checked on 127.0.0.1 with real clients: curl, wrk, the unchanged iperf3 and sockperf
# clients, and raw sockets (python3) for what those clients will not send. Servers listen
# on ports the kernel picks (-p 0) and are killed on exit. Every load is bounded in count
# and time; every check asserts what the clients print or receive, never a timing.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

NATIVE=${NATIVE_DIR:-build/native} # NATIVE_DIR: e.g. sanitizer builds of the same apps
TMPD=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$TMPD"
  rm -f "$OUT" "$ERR"
}
trap cleanup EXIT

for tool in curl wrk iperf3 sockperf python3 sha256sum; do
  command -v $tool >/dev/null || {
    echo "FATAL: $tool missing (apt-get install -y curl wrk iperf3 sockperf python3)" >&2
    exit 1
  }
done
for app in httpd iperf3d sockperfd; do
  [ -x "$NATIVE/$app" ] || make --no-print-directory APP=$app PLATFORM=native >/dev/null || {
    echo "FATAL: cannot build $NATIVE/$app" >&2
    exit 1
  }
done

# start NAME CMD...: starts a server in the background; sets PORT from its first line
# ("...: listening on port N") and LOG to its output file.
start() {
  local name=$1
  shift
  LOG=$TMPD/$name.log
  "$@" >"$LOG" 2>&1 &
  PIDS+=($!)
  PORT=
  for _ in $(seq 100); do
    PORT=$(sed -n 's/^.*listening on port \([0-9][0-9]*\).*$/\1/p' "$LOG")
    [ -n "$PORT" ] && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.05
  done
  echo "FATAL: $name did not start:" >&2
  cat "$LOG" >&2
  exit 1
}

RAW=tests/integration/http_raw.py
raw() { run python3 $RAW 127.0.0.1 "$@"; }

# pattern_sha N: sha256 of the /bytes/N body.
pattern_sha() { python3 tests/integration/pattern_sha.py "$1"; }

positive() { awk -v v="$1" 'BEGIN { exit !(v + 0 > 0) }'; }

# ==== httpd ==================================================================================
start httpd "$NATIVE/httpd" -p 0
HP=$PORT
HTTPD_PID=${PIDS[-1]}
URL=http://127.0.0.1:$HP

check "httpd prints its port at start" "log: $(head -1 "$LOG")" \
  grep -Eq '^httpd: listening on port [0-9]+$' "$LOG"

run curl -sS -i --max-time 10 $URL/
expect_status "httpd GET / exits 0" 0
expect_stdout_has "httpd GET / is 200" '^HTTP/1\.1 200 OK'
expect_stdout_has "httpd GET / page names httpd" "unikvm's httpd"
expect_stdout_has "httpd GET / sends Content-Length" '^Content-Length: [0-9]+'

run curl -sS --max-time 20 -o "$TMPD/bytes" -w '%{http_code} %{size_download}' $URL/bytes/1000000
expect_stdout "httpd /bytes/1000000 is 200 with 1000000 bytes" "200 1000000"
want=$(pattern_sha 1000000)
got=$(sha256sum <"$TMPD/bytes" | cut -d' ' -f1)
check "httpd /bytes/1000000 body is the pattern" "sha256 $got, expected $want" test "$got" = "$want"

run curl -sS --max-time 60 -o "$TMPD/big" -w '%{http_code} %{size_download}' $URL/bytes/536870912
expect_stdout "httpd /bytes/536870912 (512 MiB) arrives whole" "200 536870912"
got=$(tail -c 26 "$TMPD/big")
want=$(python3 -c "n = 536870912 - 26; print(''.join(chr(97 + (n + i) % 26) for i in range(26)))")
check "httpd /bytes/536870912 ends where the pattern says" "last 26 bytes: $got, not $want" \
  test "$got" = "$want"
rm -f "$TMPD/big"

raw $HP read '"HEAD /bytes/12345 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"'
expect_stdout_has "httpd HEAD is 200" '^HTTP/1\.1 200 OK'
expect_stdout_has "httpd HEAD gives the GET Content-Length" '^Content-Length: 12345'
expect_stdout_has "httpd HEAD sends no body" '^=== after head: 0 bytes$'

run curl -sS -o /dev/null -w '%{http_code}' --max-time 10 $URL/no/such/page
expect_stdout "httpd unknown path is 404" "404"
run curl -sS -o /dev/null -w '%{http_code}' --max-time 10 $URL/bytes/lots
expect_stdout "httpd /bytes/NOT-A-NUMBER is 404" "404"

run curl -sS -i -X DELETE --max-time 10 $URL/
expect_stdout_has "httpd DELETE is 405" '^HTTP/1\.1 405 '
expect_stdout_has "httpd 405 says Allow: GET, HEAD" '^Allow: GET, HEAD'
raw $HP read '"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"'
check "httpd skips a refused request's body and answers the next request" \
  "expected a 405, then a 200, then close" \
  bash -c "grep -c '^HTTP/1.1 ' '$OUT' | grep -qx 2 && grep -q '^HTTP/1.1 405' '$OUT' &&
    grep -q '^HTTP/1.1 200' '$OUT' && grep -q '^=== closed' '$OUT'"

for bad in '"GARBAGE\r\n\r\n"' '"GET /\r\n\r\n"' '"GET / HTTP/1.1 extra\r\n\r\n"' \
  '"GET / FTP/1.0\r\n\r\n"' '"GET / HTTP/1.1\r\nNo colon here\r\n\r\n"' \
  '"GET / HTTP/1.1\r\nHost : t\r\n\r\n"' '"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"'; do
  raw $HP read "$bad"
  check "httpd answers 400 and closes for $bad" "expected 400 then close" \
    bash -c "grep -q '^HTTP/1.1 400 ' '$OUT' && grep -q '^=== closed' '$OUT'"
done

raw $HP read '"GET /" + "a" * 9000 + " HTTP/1.1\r\nHost: t\r\n\r\n"'
expect_stdout_has "httpd 9000-byte URI is 414" '^HTTP/1\.1 414 '
raw $HP read '"GET /" + "a" * 40000'
expect_stdout_has "httpd endless request line is 414" '^HTTP/1\.1 414 '
raw $HP read '"GET / HTTP/1.1\r\nHost: t\r\n" + "X-Filler: " + "b" * 20000 + "\r\n\r\n"'
expect_stdout_has "httpd 20 KiB of headers is 431" '^HTTP/1\.1 431 '
raw $HP read '"GET /" + "a" * 9000 + " HTTP/1.1\r\n" + "X-More: yes\r\n" * 20000 + "\r\n"'
check "httpd 414 reaches a client that is still sending (no reset)" "expected 414, then close" \
  bash -c "grep -q '^HTTP/1.1 414 ' '$OUT' && grep -q '^=== closed' '$OUT'"

run curl -sS -v --max-time 10 -o /dev/null -o /dev/null $URL/ $URL/bytes/10
check "httpd keeps the connection alive (curl reuses it)" "no 'Re-using existing connection'" \
  grep -q 'Re-using existing connection' "$ERR"
check "httpd answers both keep-alive requests" "expected 2 '< HTTP/1.1 200'" \
  test "$(grep -c '^< HTTP/1.1 200' "$ERR")" = 2

raw $HP read '"GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /bytes/3 HTTP/1.1\r\nHost: t\r\n\r\n"'
check "httpd answers pipelined requests in order and keeps the connection" \
  "expected two 200s, the last body abc, connection open" \
  bash -c "test \$(grep -c '^HTTP/1.1 200' '$OUT') = 2 && grep -q '^abc\$' '$OUT' &&
    grep -q '^=== open' '$OUT'"

raw $HP read '"GET /bytes/5 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"'
expect_stdout_has "httpd Connection: close is answered" '^abcde$'
expect_stdout_has "httpd Connection: close says so" '^Connection: close'
expect_stdout_has "httpd Connection: close really closes" '^=== closed'
raw $HP read '"GET / HTTP/1.0\r\n\r\n"'
expect_stdout_has "httpd HTTP/1.0 closes by default" '^=== closed'
raw $HP read '"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"'
expect_stdout_has "httpd HTTP/1.0 keep-alive is confirmed" '^Connection: keep-alive'
expect_stdout_has "httpd HTTP/1.0 keep-alive stays open" '^=== open'

# A request that never finishes must not hold up anyone else.
STALL_MARK=$TMPD/stalled python3 $RAW 127.0.0.1 $HP stall '"GET /bytes/10 HTTP/1.1\r\nHost: t\r\n"' &
stall_pid=$!
PIDS+=("$stall_pid")
for _ in $(seq 100); do [ -e "$TMPD/stalled" ] && break; sleep 0.05; done
run curl -sS --max-time 5 $URL/bytes/7
expect_stdout "httpd serves others while a request is stalled" "abcdefg"
kill $stall_pid 2>/dev/null

RUN_TIMEOUT=60 run python3 tests/integration/http_many.py 127.0.0.1 $HP
expect_stdout_has "httpd answers 1000 sequential connections" '^sequential 1000$'
expect_stdout_has "httpd answers 200 concurrent connections" '^concurrent 200$'

run wrk -t2 -c16 -d2s $URL/
expect_status "wrk -t2 -c16 -d2s exits 0" 0
expect_stdout_has "wrk completed requests" '^ +[1-9][0-9]* requests in '
check "wrk saw no socket errors" "$(grep 'Socket errors' "$OUT")" \
  bash -c "! grep -q 'Socket errors' '$OUT'"
check "wrk saw no non-2xx answers" "$(grep 'Non-2xx' "$OUT")" bash -c "! grep -q 'Non-2xx' '$OUT'"
run wrk -t1 -c4 -d1s -H "Connection: close" $URL/bytes/100
check "wrk with Connection: close: requests, no errors, no non-2xx" "$(tail -5 "$OUT")" \
  bash -c "grep -Eq '^ +[1-9][0-9]* requests in ' '$OUT' && ! grep -Eq 'Socket errors|Non-2xx' '$OUT'"

# Static files, and the paths that must not leave the root.
mkdir -p "$TMPD/www/sub" "$TMPD/www/empty"
echo "hello from a file" >"$TMPD/www/hello.txt"
echo "<p>index</p>" >"$TMPD/www/sub/index.html"
echo "secret" >"$TMPD/secret.txt"
start httpd-root "$NATIVE/httpd" -p 0 -r "$TMPD/www"
FURL=http://127.0.0.1:$PORT
run curl -sS -i --max-time 10 $FURL/hello.txt
expect_stdout_has "httpd -r serves a file" '^hello from a file'
expect_stdout_has "httpd -r gives its length" '^Content-Length: 18'
expect_stdout_has "httpd -r gives its type" '^Content-Type: text/plain'
run curl -sS --max-time 10 $FURL/sub/
expect_stdout "httpd -r serves a directory's index.html" "<p>index</p>"
for path in /missing.txt /empty/ /../secret.txt /sub/../../secret.txt /%2e%2e/secret.txt \
  /sub/%2E%2E/%2e%2e/secret.txt; do
  run curl -sS --path-as-is -o "$TMPD/body" -w '%{http_code}' --max-time 10 "$FURL$path"
  check "httpd -r refuses $path" "status $(cat "$OUT"), body $(head -c 40 "$TMPD/body")" \
    bash -c "grep -Eq '^(400|404)\$' '$OUT' && ! grep -q secret '$TMPD/body'"
done
run curl -sS -o /dev/null -w '%{http_code}' --max-time 10 $FURL/
expect_stdout "httpd -r still serves the built-in page at /" "200"

# -n: exit after N requests.
start httpd-n "$NATIVE/httpd" -p 0 -n 2
npid=${PIDS[-1]}
curl -s -o /dev/null --max-time 5 http://127.0.0.1:$PORT/
curl -s -o /dev/null --max-time 5 http://127.0.0.1:$PORT/bytes/1
RUN_TIMEOUT=10 run bash -c "while kill -0 $npid 2>/dev/null; do sleep 0.05; done"
wait $npid
STATUS=$?
expect_status "httpd -n 2 exits 0 after two requests" 0

# ==== iperf3d ================================================================================
start iperf3d "$NATIVE/iperf3d" -p 0
IP=$PORT
IPERF3D_PID=${PIDS[-1]}
# rate: the receiver summary's bitrate (the last "receiver" line: [SUM] with -P).
rate() { grep 'receiver' "$OUT" | tail -1 | sed -n 's/.* \([0-9.]*\) \([KMG]*\)bits\/sec.*/\1/p'; }

RUN_TIMEOUT=30 run iperf3 -c 127.0.0.1 -p $IP -t 2
expect_status "iperf3 -t 2 exits 0" 0
check "iperf3 -t 2 reports a non-zero receiver bitrate" "rate '$(rate)'" positive "$(rate)"
RUN_TIMEOUT=30 run iperf3 -c 127.0.0.1 -p $IP -t 2 -P 4
expect_status "iperf3 -t 2 -P 4 exits 0" 0
check "iperf3 -P 4 reports 4 receiver streams" "$(grep -c 'receiver' "$OUT") receiver lines" \
  test "$(grep -c '^\[ *[0-9]*\].*receiver' "$OUT")" = 4
check "iperf3 -P 4 reports a non-zero total" "rate '$(rate)'" positive "$(rate)"
RUN_TIMEOUT=30 run iperf3 -c 127.0.0.1 -p $IP -t 2 -R
expect_status "iperf3 -t 2 -R exits 0" 0
expect_stdout_has "iperf3 -R runs in reverse" 'Reverse mode, remote host 127.0.0.1 is sending'
check "iperf3 -R reports a non-zero receiver bitrate" "rate '$(rate)'" positive "$(rate)"
RUN_TIMEOUT=30 run iperf3 -c 127.0.0.1 -p $IP -t 1 -P 2 --json
expect_status "iperf3 --json exits 0" 0
check "iperf3 --json: sum_received is non-zero, no error" "$(head -c 300 "$OUT")" \
  python3 -c "import json,sys; d=json.load(open('$OUT')); assert 'error' not in d
assert d['end']['sum_received']['bits_per_second'] > 0 and d['end']['sum_received']['bytes'] > 0"
RUN_TIMEOUT=30 run iperf3 -c 127.0.0.1 -p $IP -t 1 -R -P 2 --json
check "iperf3 -R --json: sum_received is non-zero" "$(head -c 300 "$OUT")" \
  python3 -c "import json; d=json.load(open('$OUT')); assert 'error' not in d
assert d['end']['sum_received']['bits_per_second'] > 0"
RUN_TIMEOUT=30 run iperf3 -c 127.0.0.1 -p $IP -u -t 1
check "iperf3 -u is refused with a clear error" "$(cat "$OUT" "$ERR" | tail -2)" \
  bash -c "cat '$OUT' '$ERR' | grep -q 'not implemented'"
RUN_TIMEOUT=30 run iperf3 -c 127.0.0.1 -p $IP -t 1
expect_status "iperf3d still serves after a refused test" 0
check "iperf3d reports the bytes it really moved" "$(cat "$TMPD/iperf3d.log")" \
  bash -c "grep -Eq 'test 1: 1 stream\\(s\\), received [1-9][0-9]* bytes' '$TMPD/iperf3d.log' &&
    grep -Eq 'test 3: 1 stream\\(s\\), received 0 bytes, sent [1-9][0-9]* bytes' '$TMPD/iperf3d.log'"

# ==== sockperfd ==============================================================================
start sockperfd "$NATIVE/sockperfd" -p 0
SP=$PORT
for proto in udp tcp; do
  flag=
  [ $proto = tcp ] && flag=--tcp
  RUN_TIMEOUT=30 run sockperf ping-pong -i 127.0.0.1 -p $SP -t 2 -m 64 $flag
  cat "$ERR" >>"$OUT"
  expect_status "sockperf ping-pong $proto exits 0" 0
  expect_stdout_has "sockperf ping-pong $proto: no dropped, duplicated or reordered messages" \
    '# dropped messages = 0; # duplicated messages = 0; # out-of-order messages = 0'
  expect_stdout_has "sockperf ping-pong $proto: replies received" \
    '\[Valid Duration\].*ReceivedMessages=[1-9][0-9]*'
  expect_stdout_has "sockperf ping-pong $proto: latency summary" 'Summary: Latency is [0-9.]+ usec'
done
RUN_TIMEOUT=30 run sockperf ping-pong -i 127.0.0.1 -p $SP -t 1 -m 1400
cat "$ERR" >>"$OUT"
expect_stdout_has "sockperf ping-pong 1400-byte messages: all answered" \
  '# dropped messages = 0; # duplicated'
RUN_TIMEOUT=30 run sockperf ping-pong -i 127.0.0.1 -p $SP -t 1 -m 60000 --tcp
cat "$ERR" >>"$OUT"
expect_stdout_has "sockperf ping-pong --tcp 60000-byte messages: all answered" \
  '\[Valid Duration\].*ReceivedMessages=[1-9][0-9]*'

# ==== after all that =========================================================================
for name in httpd:$HTTPD_PID iperf3d:$IPERF3D_PID sockperfd:${PIDS[-1]}; do
  check "${name%%:*} is still running after every test" "it exited: $(tail -3 "$TMPD/${name%%:*}.log")" \
    kill -0 "${name#*:}"
done

summary
