#!/usr/bin/env bash
# run.sh: integration tests: boot real images under build/unikvm and check what they print,
# return and how unikvm reacts to bad images, bad options and misbehaving guests.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

UNIKVM=build/unikvm
HELLO=build/hello.elf
GT=build/tests/guesttest.elf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$OUT" "$ERR"' EXIT

[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: these tests need KVM" >&2; exit 1; }

# ---- hello -----------------------------------------------------------------
run $UNIKVM $HELLO -- one "two words" ''
expect_status "hello exits 0" 0
expect_stdout "hello prints greeting and argv" "Hello from unikvm!
argv[0] = build/hello.elf
argv[1] = one
argv[2] = two words
argv[3] = "

run $UNIKVM --stats $HELLO
expect_stderr_has "--stats reports exits" '^unikvm: stats: .*exits=[0-9]+ .*exit\.io=[0-9]+'
expect_stderr_has "--stats reports hypercalls" '^unikvm: stats: hypercalls console_write=[1-9][0-9]* exit=1 '

# ---- exit status, CPL, argv, constructors --------------------------------------
for n in 0 1 42 200 255; do
  run $UNIKVM $GT exit $n
  expect_status "exit status $n propagates" "$n"
done

run $UNIKVM $GT cpl
expect_stdout_has "guest runs at CPL 3" '^cpl=3$'
# IOPL is not asserted: on PVM hosts the guest's pushfq shows the real user-mode flags
# (IOPL 0); `out` works there through the TSS I/O bitmap instead.

run $UNIKVM $GT argv x 'y z'
expect_stdout_has "argc reaches main" '^argc=4$'
expect_stdout_has "argv with spaces reaches main" '^argv\[3\]=y z$'
expect_stdout_has "environ is empty" 'environ\[0\]=NULL'

run $UNIKVM $GT ctor
expect_stdout_has "constructors run before main" '^ctor=42$'

run $UNIKVM $GT stdin
expect_stdout_has "stdin reads EOF" '^stdin bytes=0$'

# ---- time ----------------------------------------------------------------------
run $UNIKVM $GT time
expect_stdout_has "monotonic time advances" '^monotonic advances: yes$'
guest_now=$(sed -n 's/^realtime=//p' "$OUT")
host_now=$(date +%s)
check "realtime matches the host clock" "guest ${guest_now:-none} vs host $host_now" \
  test -n "$guest_now" -a "$((host_now - ${guest_now:-0}))" -le 5 -a "$((${guest_now:-0} - host_now))" -le 5

start=$(date +%s%N)
run $UNIKVM --stats $GT sleep
end=$(date +%s%N)
expect_stdout_has "sleep(1) returns" '^slept'
check "sleep(1) takes at least 1 s of host time" "took $(((end - start) / 1000000)) ms" \
  test $((end - start)) -ge 1000000000
polls=$(sed -n 's/.*hypercalls.* poll=\([0-9]*\).*/\1/p' "$ERR")
exits=$(sed -n 's/.* exits=\([0-9]*\).*/\1/p' "$ERR")
check "sleep waits in the poll hypercall, not spinning" "poll=${polls:-?} exits=${exits:-?}" \
  test "${polls:-0}" -ge 1 -a "${exits:-999}" -lt 50

# SIGTERM stops the VM cleanly: one line, --stats still printed, status 128 + 15.
$UNIKVM --stats $GT sleep >"$OUT" 2>"$ERR" &
pid=$!
sleep 0.3
kill -TERM "$pid"
wait "$pid"
STATUS=$?
expect_status "SIGTERM ends unikvm with 143" 143
expect_one_line_error "SIGTERM is reported" '^unikvm: stopped: Terminated$'
expect_stderr_has "SIGTERM still prints --stats" '^unikvm: stats: hypercalls '

# ---- memory --------------------------------------------------------------------
run $UNIKVM --mem 32M $GT malloc
blocks=$(sed -n 's/^blocks=//p' "$OUT")
again=$(sed -n 's/^again=//p' "$OUT")
expect_status "malloc until NULL does not crash" 0
check "malloc gets most of RAM, then NULL" "blocks=${blocks:-none}" \
  test "${blocks:-0}" -ge 20 -a "${blocks:-99}" -le 31
check "malloc works again after free" "again=${again:-none} blocks=${blocks:-none}" \
  test -n "$again" -a "$again" = "$blocks"

# ---- guest crashes ------------------------------------------------------------
crash() { # SUBCOMMAND NAME-REGEX
  run $UNIKVM $GT "$1"
  expect_status "$1: unikvm exits 123" 123
  expect_one_line_error "$1: reported with its RIP" "guest fault: $2"
  expect_stderr_has "$1: registers dumped" '^  rax=[0-9a-f]{16}'
}
crash div0 'divide error \(#DE\) at rip=0x[0-9a-f]+$'
crash ud2 'invalid opcode \(#UD\) at rip=0x[0-9a-f]+$'
crash segv 'page fault \(#PF\) at rip=0x[0-9a-f]+ address=0x7f0000000000 '
crash null 'page fault \(#PF\) at rip=0x[0-9a-f]+ address=0x0 '

run $UNIKVM $GT abort
expect_status "abort() ends the VM with 134" 134
expect_one_line_error "abort() is reported" 'guest aborted: '

run $UNIKVM $GT assert
expect_status "failed assert ends the VM with 134" 134
expect_stderr_has "failed assert message reaches stderr" 'guesttest assert'

# ---- hostile hypercalls ---------------------------------------------------------
run $UNIKVM $GT badhc
expect_status "bad hypercall pointer: exit 124" 124
expect_one_line_error "bad hypercall pointer is reported" 'console_write: address 0xfff00000\+16 outside guest RAM'

run $UNIKVM $GT badhc-wrap
expect_status "wrapping hypercall length: exit 124" 124
expect_one_line_error "wrapping hypercall length is reported" 'outside guest RAM'

run $UNIKVM $GT badport
expect_status "unknown port: exit 124" 124
expect_one_line_error "unknown port is reported" 'unknown I/O port 0x514'

# ---- the raw block device ---------------------------------------------------------
DISK=$TMP/disk.img
dd if=/dev/zero of="$DISK" bs=1M count=1 status=none
run $UNIKVM --disk "$DISK" $GT blk-info
expect_stdout_has "disk geometry reaches the guest" '^sectors=2048 sector_size=512 ro=0$'
run $UNIKVM --disk "$DISK" $GT blk-write 5 "hello disk"
expect_stdout_has "guest disk write succeeds" '^write ret=0$'
expect_stdout_has "guest disk flush succeeds" '^flush ret=0$'
sector5=$(dd if="$DISK" bs=512 skip=5 count=1 status=none | head -n 1 | tr -d '\0')
check "the write is in the image at sector 5" "sector 5 starts with '$sector5'" test "$sector5" = "hello disk"
run $UNIKVM --disk "$DISK,ro" $GT blk-read 5
expect_stdout_has "a ro disk reads back what was written" '^read ret=0 data=hello disk$'
run $UNIKVM --disk "$DISK,ro" $GT blk-write 6 nope
expect_stdout_has "a ro disk refuses writes with EROFS" '^write ret=-30$'
run $UNIKVM --disk "$DISK" $GT blk-bad
expect_stdout_has "a read past the end gets EINVAL" '^past end ret=-22$'
expect_stdout_has "a read straddling the end gets EINVAL" '^straddling end ret=-22$'
expect_stdout_has "a partial-sector read gets EINVAL" '^partial sector ret=-22$'
expect_stdout_has "a good request after bad ones works" '^good after bad ret=0$'
run $UNIKVM --disk "$TMP/missing.img" $GT blk-info
expect_status "a missing --disk file: exit 122" 122
expect_one_line_error "a missing --disk file is reported" '^unikvm: --disk: .*missing.img: No such file'
run $UNIKVM --disk "$DISK,bogus" $GT blk-info
expect_status "a bad --disk option: exit 120" 120
expect_one_line_error "a bad --disk option is reported" "unknown option 'bogus'"

# ---- bad options and bad images ----------------------------------------------
run $UNIKVM --mem 4M $HELLO
expect_status "--mem 4M is refused" 120
expect_one_line_error "--mem 4M error is one line" '^unikvm: --mem 4M: too small'

run $UNIKVM --frobnicate $HELLO
expect_status "unknown option is refused" 120
run $UNIKVM
expect_status "missing image is refused" 120

run $UNIKVM --net bridge $HELLO
expect_status "unknown --net backend is refused" 120
expect_one_line_error "unknown --net backend is reported" '^unikvm: --net bridge: expected'

run $UNIKVM --net tap:nosuchtap0 $HELLO
expect_status "missing tap interface: exit 122" 122
expect_one_line_error "missing tap interface is reported" 'tap:nosuchtap0: no such interface'

run $UNIKVM --net user,hostfwd=tcp:xyz $HELLO
expect_status "bad hostfwd is refused" 120
expect_one_line_error "bad hostfwd is reported" "hostfwd tcp:xyz: "
check "bad hostfwd stops before the guest runs" "stdout: $(head -c 80 "$OUT")" test ! -s "$OUT"

# The helper under a name of this run's own, so other unikvm runs on the machine do not count.
PROBE=$TMP/unikvm-slirp-probe-$$
ln -s "$PWD/build/unikvm-slirp" "$PROBE"
run env UNIKVM_SLIRP="$PROBE" $UNIKVM --net user,restrict=on $HELLO
expect_status "hello runs with a user-mode NIC" 0
# ("[u]": the pattern must not match the command line of the pgrep that looks for it)
check "the user-mode helper is gone after unikvm exits" "$(pgrep -af "$TMP/[u]nikvm-slirp-probe")" \
  bash -c "! pgrep -f '$TMP/[u]nikvm-slirp-probe-$$'"

# An image that links the network stack declares a NIC in its manifest: user mode by default.
run $UNIKVM --stats build/tests/nettest.elf no-such-command
expect_stderr_has "an image that wants a NIC gets user mode by default" '^unikvm: stats: net '
run $UNIKVM --stats --net none build/tests/nettest.elf no-such-command
check "--net none gives no NIC" "$(grep 'stats: net' "$ERR")" bash -c "! grep -q 'stats: net ' '$ERR'"

run $UNIKVM --help
expect_status "--help exits 0" 0
expect_stdout_has "--help shows usage" '^usage: unikvm'
run $UNIKVM --version
expect_stdout_has "--version names the ABI" '^unikvm [0-9.]+ \(guest ABI 1\)$'

run $UNIKVM --stats --pin 0 $HELLO
expect_status "--pin 0 runs the guest" 0
expect_stderr_has "--pin 0: --stats says the vCPU thread was pinned there" '^unikvm: stats: pinned vcpu_cpu=0 '
run $UNIKVM --pin 1023 $HELLO
expect_status "--pin to a CPU this process may not use: exit 122" 122
expect_one_line_error "--pin to a CPU this process may not use is reported" \
  '^unikvm: --pin: CPU 1023 is not one this process may run on'
run $UNIKVM --pin fast $HELLO
expect_status "--pin fast: usage error" 120

run $UNIKVM /nonexistent.elf
expect_status "missing file: exit 121" 121
expect_one_line_error "missing file is reported" '/nonexistent.elf: No such file'

echo '#!/bin/sh' >"$TMP/script"
run $UNIKVM "$TMP/script"
expect_status "not an ELF: exit 121" 121
expect_one_line_error "not an ELF is reported" 'not an ELF file'

head -c 3000 $HELLO >"$TMP/truncated.elf"
run $UNIKVM "$TMP/truncated.elf"
expect_status "truncated image: exit 121" 121
expect_one_line_error "truncated image is reported" 'truncated'

run $UNIKVM /bin/true
expect_status "a Linux executable is refused" 121
expect_one_line_error "a Linux executable is reported" 'not a static executable|dynamically linked|no unikvm ABI note'

# An image whose bss is larger than guest RAM.
python3 - "$HELLO" "$TMP/huge.elf" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], 'rb').read())
phoff, = struct.unpack_from('<Q', data, 32)
phentsize, phnum = struct.unpack_from('<HH', data, 54)
last = None
for i in range(phnum):
    off = phoff + i * phentsize
    if struct.unpack_from('<I', data, off)[0] == 1:
        last = off
struct.pack_into('<Q', data, last + 40, 200 << 20)  # p_memsz
open(sys.argv[2], 'wb').write(data)
PY
run $UNIKVM --mem 64M "$TMP/huge.elf"
expect_status "image bigger than --mem: exit 121" 121
expect_one_line_error "image bigger than --mem is reported" 'raise --mem'

summary
