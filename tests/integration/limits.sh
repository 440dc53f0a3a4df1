#!/usr/bin/env bash
# limits.sh: the host's own defences: the seccomp filter (a host made to attempt a forbidden
# call dies with one line), --no-seccomp, --timeout on a spinning guest, --console-limit on a
# flooding guest, and host memory bounded by --mem however much the guest touches.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

UNIKVM=build/unikvm
HOOKS=build/test-hooks/unikvm # + a test-only hypercall that makes a forbidden system call
LT=build/tests/limitstest.elf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$OUT" "$ERR"' EXIT

[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: these tests need KVM" >&2; exit 1; }

# ---- seccomp ------------------------------------------------------------------------
run $HOOKS $LT forbidden-syscall
expect_status "a forbidden host system call ends unikvm with 159 (SIGSYS)" 159
expect_one_line_error "the denied call is named in one line" \
  '^unikvm: seccomp: denied system call 257 \(openat\): not on'
check "the guest did not go on after the forbidden call" "stdout: $(cat "$OUT")" \
  bash -c "! grep -q survived '$OUT'"
check "the report is the only stderr line" "$(wc -l <"$ERR") lines" test "$(wc -l <"$ERR")" -eq 1

run $HOOKS --no-seccomp $LT forbidden-syscall
expect_status "--no-seccomp: the same call is allowed" 0
expect_one_line_error "--no-seccomp says so on stderr" '^unikvm: warning: --no-seccomp: running without'
expect_stderr_has "--no-seccomp: the hook really opened the file" 'open\(/etc/hostname\) returned [0-9]+$'
expect_stdout_has "--no-seccomp: the guest went on" 'survived'

# A clone runs on a thread of its own, made before the filter: the filter covers it too.
run $HOOKS --snapshot-out "$TMP/snap" $LT forbidden-after-snapshot
expect_status "a snapshot for the clone test is taken" 0
UNIKVM_SLIRP=build/unikvm-slirp run $HOOKS --net user,restrict=on --clones 1 --restore "$TMP/snap"
expect_status "a clone's forbidden host system call ends unikvm with 159 (SIGSYS)" 159
expect_stderr_has "the clone's denied call is named" 'denied system call 257 \(openat\): not on'
check "the clone did not go on after the forbidden call" "stdout: $(cat "$OUT")" \
  bash -c "! grep -q survived '$OUT'"

run $UNIKVM $LT forbidden-syscall
expect_status "an ordinary host does not answer the test hook" 124
expect_one_line_error "the test hook is an unknown port there" 'unknown I/O port 0x51c'

# ---- --timeout --------------------------------------------------------------------
RUN_TIMEOUT=20 run $UNIKVM --timeout 1 $LT spin
expect_status "--timeout stops a spinning guest with 125" 125
expect_stdout_has "the spinning guest had started" '^spinning$'
expect_stderr_has "--timeout says why in one line" '^unikvm: --timeout: the guest was still running after 1 s$'

RUN_TIMEOUT=20 run $UNIKVM --stats --timeout 0.3 build/tests/guesttest.elf sleep
expect_status "--timeout also ends a guest asleep in a host wait" 125
expect_stderr_has "--stats still prints after a timeout" '^unikvm: stats: '

run $UNIKVM --timeout 30 build/hello.elf
expect_status "a guest that ends in time keeps its own status" 0

for bad in 0 -1 abc 1e9 ''; do
  run $UNIKVM --timeout "$bad" build/hello.elf
  expect_status "--timeout '$bad' is refused" 120
  expect_one_line_error "--timeout '$bad' is reported" '^unikvm: --timeout .*: expected seconds'
done

# ---- --console-limit --------------------------------------------------------------
run $UNIKVM --console-limit 1M $LT flood 4
# limitstest exits 1 if any write fails: the guest is told its dropped output was written.
expect_status "a flooding guest under --console-limit ends normally, every write succeeded" 0
check "the file holds exactly the first 1 MiB" "$(wc -c <"$OUT") bytes" \
  test "$(wc -c <"$OUT")" -eq 1048576
check "what was kept is the guest's output, unmangled" "$(head -c 64 "$OUT" | od -c | head -2)" \
  test "$(head -n 1 "$OUT")" = "$(printf 'x%.0s' $(seq 63))"
expect_stderr_has "the limit is reported once" 'reached --console-limit \(1048576 bytes\); the rest is dropped'
check "only once" "$(grep -c console-limit "$ERR") notices" test "$(grep -c console-limit "$ERR")" -eq 1

run $UNIKVM --console-limit 0 $LT flood 3
check "--console-limit 0 keeps everything" "$(wc -c <"$OUT") bytes" test "$(wc -c <"$OUT")" -eq 3145728

run $UNIKVM --console-limit lots build/hello.elf
expect_status "a bad --console-limit is refused" 120
expect_one_line_error "a bad --console-limit is reported" '^unikvm: --console-limit lots: not a size'

# ---- memory: the guest cannot grow the host beyond --mem ---------------------------
# The guest mallocs and writes every page it can get, then holds it for 2 s while the
# test reads unikvm's peak resident set (VmHWM) from /proc.
for mem in 32 128; do
  out=$TMP/touch-$mem.out
  timeout 60 $UNIKVM --mem ${mem}M $LT touch-all >"$out" 2>&1 &
  runner=$!
  pid=""
  for _ in $(seq 200); do
    pid=$(pgrep -P $runner unikvm | head -n 1)
    [ -n "$pid" ] && grep -q touched "$out" && break
    sleep 0.05
  done
  hwm=$(awk '/^VmHWM:/{print $2}' "/proc/$pid/status" 2>/dev/null)
  wait $runner
  touched=$(sed -n 's/^touched MiB=//p' "$out")
  check "--mem ${mem}M: the guest touched most of its RAM" "touched ${touched:-?} MiB" \
    test "${touched:-0}" -ge $((mem - 8))
  # Overhead measured on these machines: about 1 MiB (unikvm's own code and data).
  check "--mem ${mem}M: unikvm's peak RSS stays within --mem + 4 MiB" "VmHWM ${hwm:-?} KiB" \
    test -n "$hwm" -a "${hwm:-0}" -le $(((mem + 4) * 1024))
done

summary
