#!/usr/bin/env bash
# disk_apps.sh: integration tests of sha256sum and diskbench: natively against coreutils and their
# own checks, then under unikvm on a raw disk and an ext4 image as far as the guest supports them.
# Asserts output, never speed.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

UNIKVM=${UNIKVM:-build/unikvm}
SUM=build/native/sha256sum
BENCH=build/native/diskbench
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$OUT" "$ERR"' EXIT
SKIPPED=0

[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: these tests need KVM" >&2; exit 1; }

# A check that cannot run yet: visible in the output and the summary, never counted as passed.
skip() { # NAME WHY
  SKIPPED=$((SKIPPED + 1))
  echo "skip - $1: $2 (not yet)"
}

# run_stdin FILE CMD...: like run, with FILE on stdin.
run_stdin() {
  local input=$1
  shift
  timeout --kill-after=5 "${RUN_TIMEOUT:-60}" "$@" >"$OUT" 2>"$ERR" <"$input"
  STATUS=$?
}

expect_same_stdout() { # NAME FILE-WITH-EXPECTED-STDOUT
  if cmp -s "$OUT" "$2"; then pass "$1"; else fail "$1" "stdout differs: $(diff "$2" "$OUT" | head -5)"; fi
}

# ---- test files: the padding boundaries of SHA-256 (55/56, 63/64/65), the NIST vectors, odd names
F=$TMP/files
mkdir -p "$F/sub/deeper"
for n in 0 1 55 56 63 64 65 1048576 10485763; do head -c $n /dev/urandom >"$F/r$n"; done
printf abc >"$F/abc"
printf abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq >"$F/nist448"
head -c 1000000 /dev/zero | tr '\0' a >"$F/sub/million-a"
head -c 777 /dev/urandom >"$F/sub/deeper/nested"
printf 1 >"$F/back\\slash" && printf 2 >"$F/new"$'\n'"line" && printf 3 >"$F/carriage"$'\r'"return"
printf 4 >"$F/with space"
NAMES=(r0 r1 r55 r56 r63 r64 r65 r1048576 r10485763 abc nist448 sub/million-a sub/deeper/nested
  "back\\slash" "new"$'\n'"line" "carriage"$'\r'"return" "with space")
(cd "$F" && sha256sum -- "${NAMES[@]}") >"$TMP/host.out"
total=$(cd "$F" && cat -- "${NAMES[@]}" | wc -c)

# ---- sha256sum (native) ----------------------------------------------------------------------
for impl in default c; do
  run env -C "$F" SHA256SUM_IMPL=$impl "$PWD/$SUM" -- "${NAMES[@]}"
  expect_status "sha256sum ($impl compressor) exits 0" 0
  expect_same_stdout "sha256sum ($impl compressor) prints what coreutils prints, byte for byte" \
    "$TMP/host.out"
  expect_stderr_has "sha256sum ($impl) reports bytes, seconds and MB/s on stderr" \
    "^sha256sum: $total bytes in [0-9]+\.[0-9]{3} s \([0-9]+\.[0-9] MB/s\) (sha-ni|portable C)$"
done
expect_stderr_has "SHA256SUM_IMPL=c selects the portable compressor" 'portable C$'

# Known answers (FIPS 180-4 examples), not only agreement with the host.
run $SUM "$F/abc" "$F/nist448" "$F/sub/million-a"
expect_stdout "sha256sum gives the NIST digests" \
  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  $F/abc
248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1  $F/nist448
cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0  $F/sub/million-a"

sha256sum - <"$F/r10485763" >"$TMP/stdin.out"
run_stdin "$F/r10485763" $SUM -
expect_same_stdout "sha256sum - reads stdin" "$TMP/stdin.out"
run_stdin "$F/r10485763" $SUM
expect_same_stdout "sha256sum without files reads stdin" "$TMP/stdin.out"

run $SUM "$F/abc" "$TMP/missing" "$F/r1"
expect_status "sha256sum with a missing file exits 1" 1
expect_stdout "sha256sum goes on past a missing file" \
  "$(sha256sum "$F/abc" "$F/r1")"
expect_stderr_has "sha256sum names the missing file" \
  "^sha256sum: $TMP/missing: No such file or directory$"
run $SUM "$F/sub"
expect_status "sha256sum of a directory exits 1" 1
expect_stderr_has "sha256sum says a directory is one" "^sha256sum: $F/sub: Is a directory$"
run $SUM -b "$F/abc"
expect_status "sha256sum refuses options it does not have" 1

# ---- diskbench (native) ----------------------------------------------------------------------
D=$TMP/bench.img
run $BENCH -s 4M -n 3000 -q 8 -S 7 -v "$D"
expect_status "diskbench -v exits 0" 0
expect_stdout_has "diskbench reports IOPS" \
  '^diskbench: 3000 writes of 4096 bytes in [0-9]+\.[0-9]{3} s: IOPS [0-9]+$'
expect_stdout_has "diskbench -v verifies every block written" \
  '^diskbench: verified [0-9]+ blocks of 4096 bytes \(seed 7\)$'
verified=$(sed -n 's/^diskbench: verified \([0-9]*\) .*/\1/p' "$OUT")
check "diskbench extends a new file to SIZE" "size $(stat -c %s "$D")" \
  test "$(stat -c %s "$D")" = 4194304
run $BENCH -V -s 4M -n 3000 -S 7 "$D"
expect_stdout_has "diskbench -V finds the same blocks in a later run" \
  "^diskbench: verified $verified blocks"
run $BENCH -V -s 4M -n 3000 -S 8 "$D"
expect_status "diskbench -V with another seed fails" 1
expect_stderr_has "diskbench -V names the first bad block" '^diskbench: verify .*: block [0-9]+ '

# One write into zeros: find its block, flip one byte in it, and -V must point at that block.
head -c 1M /dev/zero >"$TMP/one.img"
run $BENCH -s 1M -n 1 -q 1 -S 3 "$TMP/one.img"
block=$(python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
print(next((i // 4096 for i, c in enumerate(d) if c), -1))' "$TMP/one.img")
printf '\377' | dd of="$TMP/one.img" bs=1 seek=$((block * 4096 + 100)) conv=notrunc status=none
run $BENCH -V -s 1M -n 1 -S 3 "$TMP/one.img"
expect_status "diskbench -V catches one flipped byte" 1
expect_stderr_has "diskbench -V names the corrupted block and byte" \
  "block $block \\(offset $((block * 4096))\\) differs at byte 96 "

for q in 1 4; do
  run $BENCH -d -q $q -s 2M -n 1000 -v "$D"
  expect_stdout_has "diskbench -d -q $q (O_DIRECT) verifies" '^diskbench: verified [0-9]+ blocks'
  expect_stdout_has "diskbench -d -q $q says what it did" \
    "^diskbench: $q writer threads, at most [1-$q] writes in flight, O_DIRECT, fsync "
done
for bad in "-b 1000 $D" "-q 0 $D" "-s 1x $D" "-s 4M" "-V $TMP/missing.img"; do
  # shellcheck disable=SC2086 # split the arguments on purpose
  run $BENCH $bad
  expect_status "diskbench refuses '${bad//$TMP\//}'" 1
done

# ---- sha256sum (unikvm) ----------------------------------------------------------------------
GSUM=build/sha256sum.elf
run $UNIKVM $GSUM -- -
expect_stdout "sha256sum (unikvm) - hashes the empty stdin" \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -"
run $UNIKVM $GSUM -- /missing
expect_status "sha256sum (unikvm) with a missing file exits 1" 1
expect_stderr_has "sha256sum (unikvm) names the missing file" \
  '^sha256sum: /missing: No such file or directory$'

# The raw disk: a disk whose size is whole sectors (not whole 128 KiB reads) hashes like the file.
for size in 65024 1050112; do
  head -c $size /dev/urandom >"$TMP/raw.img"
  run $UNIKVM --disk "$TMP/raw.img,ro" $GSUM -- /dev/blk0
  if grep -q '/dev/blk0: No such file or directory' "$ERR"; then
    skip "sha256sum (unikvm) of /dev/blk0 ($size bytes)" "the guest has no /dev/blk0"
  else
    expect_stdout "sha256sum (unikvm) of /dev/blk0 ($size bytes) equals the host's of the image" \
      "$(sha256sum <"$TMP/raw.img" | cut -d' ' -f1)  /dev/blk0"
  fi
done

# 40 MiB and 3 sectors: sha256sum's reads (4 MiB, aligned) go straight into its buffer, one exit
# each. fstest's 128 KiB reads into an unaligned buffer come from chunks the host's read thread
# fills while the guest works (async_reads), each chunk refilled several times, a few exits per
# chunk at most; in a small VM the chunks are smaller and fewer (their memory budget).
head -c $(((40 << 20) + 1536)) /dev/urandom >"$TMP/raw40.img"
want40="$(sha256sum <"$TMP/raw40.img" | cut -d' ' -f1)"
crc40=$(python3 -c 'import sys, zlib; print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' \
  "$TMP/raw40.img")
run $UNIKVM --stats --disk "$TMP/raw40.img,ro" $GSUM -- /dev/blk0
expect_stdout "sha256sum (unikvm) of a 40 MiB /dev/blk0 equals the host's" "$want40  /dev/blk0"
exits=$(sed -n 's/^unikvm: stats: .* exits=\([0-9]*\) .*/\1/p' "$ERR")
check "sha256sum (unikvm) of a 40 MiB /dev/blk0: one exit per 4 MiB read" "$exits exits" \
  test "${exits:-999}" -lt 20
# Those reads are copied by the vCPU thread and the read thread together, which --pin auto puts
# on different CPUs.
shared=$(sed -n 's/^unikvm: stats: blk .* shared_reads=\([0-9]*\).*/\1/p' "$ERR")
check "sha256sum (unikvm): the 4 MiB reads were shared with the read thread" \
  "shared_reads=$shared" test "${shared:-0}" -ge 10
if [ "$(nproc)" -ge 2 ]; then
  expect_stderr_has "sha256sum (unikvm): the vCPU thread and the read thread were pinned apart" \
    '^unikvm: stats: pinned vcpu_cpu=[0-9]+ helper_cpus=[1-9]'
fi
# An O_DIRECT disk is no reason to pin: its completions would wake a pinned vCPU across CPUs.
run $UNIKVM --stats --disk "$TMP/raw40.img,ro,direct" $GSUM -- /dev/blk0
expect_stdout "sha256sum (unikvm) of a 40 MiB /dev/blk0 opened O_DIRECT equals the host's" \
  "$want40  /dev/blk0"
check "an O_DIRECT disk alone does not pin the vCPU thread" "$(grep pinned "$ERR")" \
  bash -c "! grep -q 'stats: pinned' '$ERR'"
for mem in 64M 16M; do
  run $UNIKVM --stats --mem $mem --disk "$TMP/raw40.img,ro" build/tests/fstest.elf -- crc /dev/blk0 \
    131072
  expect_stdout "128 KiB reads (unikvm, --mem $mem) of a 40 MiB /dev/blk0 read what the host has" \
    "crc=$crc40 bytes=$(((40 << 20) + 1536))"
  async=$(sed -n 's/^unikvm: stats: blk .* async_reads=\([0-9]*\).*/\1/p' "$ERR")
  exits=$(sed -n 's/^unikvm: stats: .* exits=\([0-9]*\) .*/\1/p' "$ERR")
  check "128 KiB reads (unikvm, --mem $mem) of a 40 MiB /dev/blk0 are read ahead asynchronously" \
    "async_reads=$async, $exits exits" test "${async:-0}" -gt 0 -a "${exits:-999}" -lt 200
done

# The disk's read thread exists before the system-call filter and must be under it too: every
# thread of a unikvm with a disk (a guest that sleeps for a second) runs filtered.
$UNIKVM --disk "$TMP/raw40.img,ro" build/tests/guesttest.elf -- sleep >/dev/null 2>&1 &
pid=$!
threads=0 filtered=0
for _ in $(seq 40); do # the filter is in once the guest runs
  threads=$(find /proc/$pid/task -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  filtered=$(grep -l '^Seccomp:[[:space:]]*2' /proc/$pid/task/*/status 2>/dev/null | wc -l)
  [ "$threads" -ge 2 ] && [ "$filtered" -eq "$threads" ] && break
  sleep 0.02
done
wait $pid
check "every thread of unikvm with a disk runs under seccomp" "$filtered of $threads threads" \
  test "$threads" -ge 2 -a "$filtered" -eq "$threads"

# ext4: the same files through a host-made image (names are absolute paths in the guest).
IMG=$TMP/files.ext4
mke2fs -q -F -t ext4 -d "$F" "$IMG" 32M >/dev/null
GNAMES=("${NAMES[@]/#//}")
(cd "$F" && sha256sum -- "${NAMES[@]}") | sed 's|^\(\\\?[0-9a-f]*  \)|\1/|' >"$TMP/guest-want.out"
run $UNIKVM --disk "$IMG,ro" $GSUM -- "${GNAMES[@]}"
if [ "$(grep -c ': No such file or directory$' "$ERR")" -eq "${#NAMES[@]}" ]; then
  skip "sha256sum (unikvm) of files on ext4" "no file system in the guest: every open is ENOENT"
else
  expect_status "sha256sum (unikvm) of files on ext4 exits 0" 0
  expect_same_stdout "sha256sum (unikvm) of files on ext4 equals the host's" "$TMP/guest-want.out"
  # Three reads of 4 MiB straight into sha256sum's buffer and one short one through the read-ahead:
  # a few exits (plus the mount's), not one per block.
  run $UNIKVM --stats --disk "$IMG,ro" $GSUM -- /r10485763
  expect_stdout "sha256sum (unikvm) of a 10 MiB file on ext4" "$(grep ' r10485763$' "$TMP/host.out" |
    sed 's|  |  /|')"
  exits=$(sed -n 's/^unikvm: stats: .* exits=\([0-9]*\) .*/\1/p' "$ERR")
  check "sha256sum (unikvm) of a 10 MiB file on ext4 takes few exits" "$exits exits" \
    test "${exits:-999}" -lt 30
fi

# The same 40 MiB as a file on ext4: sha256sum's large reads, and 128 KiB reads through the
# read-ahead (its extents mapped chunk by chunk).
mkdir -p "$TMP/big" && cp "$TMP/raw40.img" "$TMP/big/big.bin"
mke2fs -q -F -t ext4 -d "$TMP/big" "$TMP/big.ext4" 64M >/dev/null
run $UNIKVM --stats --disk "$TMP/big.ext4,ro" $GSUM -- /big.bin
if grep -q '/big.bin: No such file or directory' "$ERR"; then
  skip "sha256sum (unikvm) of a 40 MiB file on ext4" "no file system in the guest"
else
  expect_stdout "sha256sum (unikvm) of a 40 MiB file on ext4 equals the host's" "$want40  /big.bin"
  run $UNIKVM --stats --disk "$TMP/big.ext4,ro" build/tests/fstest.elf -- crc /big.bin 131072
  expect_stdout "128 KiB reads (unikvm) of a 40 MiB file on ext4 read what the host has" \
    "crc=$crc40 bytes=$(((40 << 20) + 1536))"
  async=$(sed -n 's/^unikvm: stats: blk .* async_reads=\([0-9]*\).*/\1/p' "$ERR")
  check "128 KiB reads (unikvm) of a 40 MiB file on ext4 are read ahead asynchronously" \
    "async_reads=$async" test "${async:-0}" -gt 0
fi

# ---- diskbench (unikvm) ----------------------------------------------------------------------
# diskbench.elf links once the guest has pread, pwrite, fsync and ftruncate; until then a missing
# image is a skip, afterwards a failure.
missing=$(for sym in pread pwrite fsync ftruncate; do
  nm build/guest/libunikvm.a 2>/dev/null | grep -Eq " [TW] $sym$" || echo -n "$sym "
done)
if [ ! -f build/diskbench.elf ] && [ -n "$missing" ]; then
  skip "diskbench (unikvm)" "build/diskbench.elf cannot link: the guest lacks ${missing% }"
elif [ ! -f build/diskbench.elf ]; then
  STATUS=0 # for fail's report: no command ran
  fail "diskbench (unikvm)" "build/diskbench.elf missing though the guest has pread/pwrite/fsync/ftruncate"
else
  head -c 4M /dev/zero >"$TMP/guest.img"
  run $UNIKVM --disk "$TMP/guest.img" build/diskbench.elf -- -d -q 8 -s 4M -n 3000 -S 9 -v /dev/blk0
  if grep -q '/dev/blk0: No such file or directory' "$ERR"; then
    skip "diskbench (unikvm) on /dev/blk0" "the guest has no /dev/blk0"
  else
    expect_status "diskbench (unikvm) -d -v on /dev/blk0 exits 0" 0
    expect_stdout_has "diskbench (unikvm) reports IOPS" \
      '^diskbench: 3000 writes of 4096 bytes in [0-9]+\.[0-9]{3} s: IOPS [0-9]+$'
    expect_stdout_has "diskbench (unikvm) verifies its writes" '^diskbench: verified [0-9]+ blocks'
    # What the guest wrote is in the image, where the native build expects it.
    run $BENCH -V -s 4M -n 3000 -S 9 "$TMP/guest.img"
    expect_stdout_has "the guest's writes are in the image (native diskbench -V)" \
      '^diskbench: verified [0-9]+ blocks'
    # And the other way round: the guest reads back what the native build wrote.
    run $BENCH -s 4M -n 3000 -S 10 "$TMP/guest.img"
    run $UNIKVM --disk "$TMP/guest.img,ro" build/diskbench.elf -- -V -s 4M -n 3000 -S 10 /dev/blk0
    expect_stdout_has "the guest reads back the native build's writes (diskbench -V)" \
      '^diskbench: verified [0-9]+ blocks'
    # Without -s a device is used whole.
    run $UNIKVM --disk "$TMP/guest.img" build/diskbench.elf -- -n 10 /dev/blk0
    expect_stdout_has "diskbench (unikvm) without -s takes the device's size" \
      ' 1024 blocks of 4096 in 4194304 bytes, seed 1$'
  fi
fi

[ "$SKIPPED" -eq 0 ] || echo "$SKIPPED skipped (not passed)"
summary
