#!/usr/bin/env bash
# qemu.sh: integration tests of the virtio platform: images boot under QEMU/OVMF (TCG) through the
# UEFI loader and must print, return, serve and hash what they do under unikvm; gdb stops at main.
# Boots run two at a time (each is a QEMU with OVMF: seconds under TCG). Asserts output, not speed.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

RUNNER=boot/efi/qemu-run.sh
TMP=$(mktemp -d)
LIB_OUT=$OUT LIB_ERR=$ERR
trap 'rm -rf "$TMP" "$LIB_OUT" "$LIB_ERR"; jobs -p | xargs -r kill 2>/dev/null' EXIT
SKIPPED=0
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}

skip() { # NAME WHY
  SKIPPED=$((SKIPPED + 1))
  echo "skip - $1: $2"
}

for tool in qemu-system-x86_64 mkfs.fat mcopy gdb ss; do
  command -v $tool >/dev/null || { echo "FATAL: $tool missing: apt-get install qemu-system-x86 ovmf mtools dosfstools gdb" >&2; exit 1; }
done
[ -r build/efi/BOOTX64.EFI ] || { echo "FATAL: build/efi/BOOTX64.EFI missing: make it first" >&2; exit 1; }

# boot NAME [runner options] KERNEL [ARGS...]: starts one boot in the background; its serial
# output (without the terminal's \r and escape sequences), stderr and status land in $TMP/NAME.*.
# TCG unless the test itself is about choosing.
boot() {
  local name=$1
  shift
  (
    QEMU_ACCEL=${QEMU_ACCEL-tcg} timeout --kill-after=5 "$BOOT_TIMEOUT" \
      "$RUNNER" --esp "$TMP/$name.esp" "$@" </dev/null >"$TMP/$name.raw" 2>"$TMP/$name.err"
    echo $? >"$TMP/$name.rc"
    tr -d '\r' <"$TMP/$name.raw" | sed 's/\x1b\[[0-9;=?]*[a-zA-Z]//g' >"$TMP/$name.out"
  ) &
  # Two QEMUs at a time: one core each.
  while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
}

# result NAME: points lib.sh's OUT, ERR and STATUS at a finished boot.
result() {
  OUT=$TMP/$1.out ERR=$TMP/$1.err STATUS=$(cat "$TMP/$1.rc" 2>/dev/null || echo 255)
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

GT=build/tests/guesttest-virtio.elf
have_app() { [ -d "apps/$1" ] && [ -r "build/$1-virtio.elf" ]; }

# ---- boots ------------------------------------------------------------------------------------
# hello chooses its accelerator itself: KVM where it runs the firmware, else TCG, saying why.
QEMU_ACCEL='' boot hello build/hello-virtio.elf a 'b c'
boot exit7 $GT exit 7
boot exit200 $GT exit 200
boot cpl $GT cpl
boot abort $GT abort
boot ud2 $GT ud2
boot null $GT null
boot nokernel -
head -c 4096 /dev/urandom >"$TMP/garbage.elf"
boot garbage "$TMP/garbage.elf"
boot native build/native/hello
have_app forksum && boot forksum build/forksum-virtio.elf 100 1000
if have_app sha256sum && command -v mke2fs >/dev/null; then
  mkdir -p "$TMP/files/sub"
  head -c 1000003 /dev/urandom >"$TMP/files/sub/data.bin"
  mke2fs -q -F -t ext4 -d "$TMP/files" "$TMP/files.ext4" 16M >/dev/null 2>&1
  head -c 1048576 /dev/urandom >"$TMP/raw.img"
  boot sumfile --disk "$TMP/files.ext4" build/sha256sum-virtio.elf /sub/data.bin
  boot sumraw --disk "$TMP/raw.img" build/sha256sum-virtio.elf /dev/blk0
fi
truncate -s 1M "$TMP/blk.img"
boot blkwrite --disk "$TMP/blk.img" $GT blk-write 5 hello-disk
wait

# ---- hello, argv, exit statuses -----------------------------------------------------------------
result hello
expect_status "hello exits 0" 0
expect_stdout_has "hello prints its greeting" '^Hello from unikvm!$'
expect_stdout_has "hello gets argv[0] from the ESP's command line" '^argv\[0\] = build/hello-virtio.elf$'
expect_stdout_has "hello gets argv[1]" '^argv\[1\] = a$'
expect_stdout_has "hello gets a quoted argument whole" '^argv\[2\] = b c$'
expect_stdout_has "the loader prints the firmware's boot time" '^unikvm-efi: firmware \(reset to loader\): [0-9]+\.[0-9]{3} ms$'
expect_stdout_has "the loader prints its own time to the kernel's entry" '^unikvm-efi: loader \(start to kernel entry\): [0-9]+\.[0-9]{3} ms$'
if grep -q "using TCG" "$ERR"; then
  expect_stderr_has "without KVM for the firmware, qemu-run falls back to TCG and says why" \
    '^qemu-run: using TCG: (no usable /dev/kvm|KVM cannot run the firmware here)'
else
  check "qemu-run picked KVM (it runs the firmware here)" "stderr: $(head -c 200 "$ERR")" true
fi

result exit7
expect_status "exit(7) reaches the shell as 7" 7
result exit200
expect_status "exit(200) reaches the shell as 200 (beyond isa-debug-exit's 7 bits)" 200
result cpl
expect_stdout_has "the kernel runs at CPL 3" '^cpl=3$'
expect_stdout_has "the kernel runs with IOPL 3" '^iopl=3$'
expect_stdout_has "the kernel runs with interrupts off" '^if=0$'
result abort
expect_status "abort() ends the VM with 134, as under unikvm" 134
expect_stdout_has "abort() says so on the console" '^unikvm: guest aborted: '

# ---- CPU exceptions ---------------------------------------------------------------------------
result ud2
expect_status "ud2 ends the VM with 123" 123
expect_stdout_has "ud2 is reported with its RIP at CPL 3" \
  '^unikvm: guest crashed: invalid opcode \(#UD\) \(vector 6\) at rip=0x[0-9a-f]+, .* CPL 3$'
result null
expect_status "a NULL read ends the VM with 123" 123
expect_stdout_has "a NULL read is a page fault at cr2=0 (user read of a missing page)" \
  '^unikvm: guest crashed: page fault \(#PF\) \(vector 14\) at rip=0x[0-9a-f]+, error code 0x4, cr2=0x0, CPL 3$'

# ---- the loader refuses what it cannot boot, and stops --------------------------------------
result nokernel
expect_status "a missing kernel ends QEMU with 121" 121
expect_stdout_has "a missing kernel is named on the console" \
  '^unikvm-efi: \\unikvm\\kernel\.elf: not found on the EFI system partition$'
result garbage
expect_status "a corrupt kernel ends QEMU with 121" 121
expect_stdout_has "a corrupt kernel is refused with the reason" \
  '^unikvm-efi: \\unikvm\\kernel\.elf: rejected: not an ELF file$'
result native
expect_status "a Linux executable is refused with 121" 121
expect_stdout_has "a Linux executable is refused for its missing ABI note" \
  'rejected: no unikvm ABI note'

# ---- apps -------------------------------------------------------------------------------------
if have_app forksum; then
  result forksum
  expect_status "forksum 100 1000 exits 0" 0
  check "forksum 100 1000 prints 495550" "output: $(grep -v '^\(BdsDxe\|unikvm-efi\)' "$OUT" | head -3)" \
    grep -qx 495550 "$OUT"
else
  skip "forksum under QEMU" "build/forksum-virtio.elf missing (apps/forksum not landed)"
fi

if [ -r "$TMP/sumfile.rc" ]; then
  result sumfile
  check "sha256sum of a file on an ext4 data disk (virtio-blk) equals the host's" \
    "output: $(grep data.bin "$OUT")" \
    grep -qx "$(sha256sum <"$TMP/files/sub/data.bin" | cut -d' ' -f1)  /sub/data.bin" "$OUT"
  result sumraw
  check "sha256sum of /dev/blk0 (virtio-blk) equals the host's of the image" \
    "output: $(grep blk0 "$OUT")" grep -qx "$(sha256sum <"$TMP/raw.img" | cut -d' ' -f1)  /dev/blk0" "$OUT"
else
  skip "sha256sum on a data disk under QEMU" "build/sha256sum-virtio.elf or mke2fs missing"
fi

result blkwrite
expect_stdout_has "a sector written through virtio-blk reports success" '^write ret=0$'
check "the sector written through virtio-blk is on the disk" \
  "sector 5: $(dd if="$TMP/blk.img" bs=512 skip=5 count=1 status=none | head -c 20 | tr -d '\0')" \
  test "$(dd if="$TMP/blk.img" bs=512 skip=5 count=1 status=none | head -c 10)" = hello-disk

# ---- gdb: stop at main, backtrace ---------------------------------------------------------
port=$(free_port)
QEMU_ACCEL=tcg timeout --kill-after=5 "$BOOT_TIMEOUT" "$RUNNER" --esp "$TMP/gdb.esp" \
  --debug "$port" build/hello-virtio.elf </dev/null >"$TMP/gdb-qemu.out" 2>&1 &
# gdb may connect once QEMU listens (a probe connection of our own could resume it).
for _ in $(seq 100); do
  ss -ltn "sport = :$port" | grep -q LISTEN && break
  sleep 0.1
done
run gdb -batch -ex "set \$gdb_port = $port" -x boot/efi/unikvm.gdb -x tests/qemu/break-main.gdb \
  build/hello-virtio.elf
expect_stdout_has "gdb stops at the app's main" '^Breakpoint 1, main \(argc=1, argv=0x9000\) at apps/hello/hello\.c:[0-9]+$'
expect_stdout_has "gdb's backtrace contains main" '^#0  main \(argc=1, argv=0x9000\) at apps/hello/hello\.c'
expect_stdout_has "the kernel runs at CPL 3 under gdb (cs 0x23)" '^cs +0x23 '
wait

# ---- httpd through the host forward -------------------------------------------------------
if have_app httpd && command -v curl >/dev/null; then
  port=$(free_port)
  boot httpd --net "user,hostfwd=tcp:127.0.0.1:$port-:8080" build/httpd-virtio.elf -n 2
  for _ in $(seq 600); do
    grep -q "^httpd: listening on port 8080" "$TMP/httpd.raw" 2>/dev/null && break
    sleep 0.1
  done
  run curl -s -m 30 -i "http://127.0.0.1:$port/"
  expect_stdout_has "httpd (virtio-net) answers GET / through the host forward" '^HTTP/1\.1 200 OK'
  run curl -s -m 30 "http://127.0.0.1:$port/bytes/100000"
  check "httpd (virtio-net) sends 100000 bytes" "got $(wc -c <"$OUT") bytes" test "$(wc -c <"$OUT")" = 100000
  wait
  result httpd
  expect_status "httpd -n 2 exits 0 after two requests" 0
else
  skip "httpd under QEMU" "build/httpd-virtio.elf or curl missing"
fi

[ "$SKIPPED" -gt 0 ] && echo "$SKIPPED skipped"
summary
