#!/usr/bin/env bash
# fs.sh: integration tests of the guest's file system and raw disk: images made by `make image`
# (mke2fs -d), booted with build/tests/fstest.elf, checked with sha256sum, e2fsck and debugfs.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

UNIKVM=build/unikvm
FT=build/tests/fstest.elf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$OUT" "$ERR"' EXIT
export PATH=$PATH:/sbin:/usr/sbin

[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: these tests need KVM" >&2; exit 1; }
for tool in mke2fs e2fsck debugfs dumpe2fs; do
  command -v $tool >/dev/null || { echo "FATAL: $tool missing (apt-get install e2fsprogs)" >&2; exit 1; }
done

# image DIR IMG: an ext4 image of DIR through the make target users run (a make of its own,
# not a job of the `make test` that may be running this).
image() {
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s image DIR="$1" IMAGE="$2" \
    SIZE=64M >/dev/null
}

# fsck_clean NAME IMG: e2fsck finds nothing to fix.
fsck_clean() {
  local log=$TMP/fsck.log
  if e2fsck -fn "$2" >"$log" 2>&1; then
    pass "$1"
  else
    fail "$1" "e2fsck -fn exit $?: $(grep -v '^Pass\|^e2fsck\|^Checking\|blocks$' "$log" | head -5 | tr '\n' ';')"
  fi
}

# dcat IMG PATH: a file's bytes, as the host's debugfs reads them.
dcat() {
  debugfs -R "cat \"$2\"" "$1" 2>/dev/null
}

# host_listing DIR: what `fstest tree /` prints for the same tree (plus lost+found).
host_listing() {
  (
    cd "$1" || exit 1
    find . -mindepth 1 -type d -printf 'd /%P type=1\n'
    find . -type f -printf '%P\n' | while IFS= read -r f; do
      printf 'f /%s %s %s stsize=%s\n' "$f" "$(stat -c %s "$f")" \
        "$(sha256sum <"$f" | cut -d' ' -f1)" "$(stat -c %s "$f")"
    done
  ) | sort
}

# ---- a tree made on the host: listed and hashed by the guest ---------------------------
SRC=$TMP/src
mkdir -p "$SRC/a/b/c" "$SRC/empty dir" "$SRC/d/e"
: >"$SRC/zero"
printf x >"$SRC/one"
for n in 4095 4096 4097; do head -c $n /dev/urandom >"$SRC/a/f$n"; done
head -c 1048577 /dev/urandom >"$SRC/a/b/mib-plus-one"
head -c $((3 * 1048576 + 5)) /dev/urandom >"$SRC/a/b/c/three-mib"
head -c $((5 * 1048576)) /dev/urandom >"$SRC/d/e/five-mib"
printf 'spaces\n' >"$SRC/a/with space.txt"
IMG=$TMP/tree.img
image "$SRC" "$IMG"
features=$(debugfs -R features "$IMG" 2>/dev/null)
check "make image builds an ext4 image with 4 KiB blocks" "$features" \
  bash -c "grep -q 'extent' <<<'$features' && dumpe2fs -h '$IMG' 2>/dev/null | grep -Eq '^Block size: +4096'"

run $UNIKVM --mem 128M --disk "$IMG" $FT tree /
expect_status "tree: guest walks the image" 0
grep -v '^d /lost+found' "$OUT" | sort >"$TMP/guest.txt"
host_listing "$SRC" >"$TMP/host.txt"
if cmp -s "$TMP/guest.txt" "$TMP/host.txt"; then
  pass "tree: names, sizes and sha256 equal the host's ($(wc -l <"$TMP/host.txt") entries)"
else
  fail "tree: names, sizes and sha256 equal the host's" \
    "$(diff "$TMP/host.txt" "$TMP/guest.txt" | head -6 | tr '\n' ';')"
fi
expect_stdout_has "tree: lost+found is a directory" '^d /lost\+found type=1$'
fsck_clean "tree: e2fsck clean after a read-only walk" "$IMG"

# The same tree on ext2: files mapped by block maps, not extents, read through the same windows.
IMG=$TMP/tree-ext2.img
mke2fs -q -F -t ext2 -d "$SRC" "$IMG" 64M >/dev/null
run $UNIKVM --mem 128M --disk "$IMG,ro" $FT tree /
grep -v '^d /lost+found' "$OUT" | sort >"$TMP/guest.txt"
if cmp -s "$TMP/guest.txt" "$TMP/host.txt"; then
  pass "tree on ext2: names, sizes and sha256 equal the host's"
else
  fail "tree on ext2: names, sizes and sha256 equal the host's" \
    "$(diff "$TMP/host.txt" "$TMP/guest.txt" | head -6 | tr '\n' ';')"
fi

# ---- read-ahead windows: writes and truncates through another fd, random and unaligned reads --
IMG=$TMP/ra.img
image "$SRC" "$IMG"
run $UNIKVM --mem 128M --disk "$IMG" $FT ra
expect_status "read-ahead: every guest check passes" 0
if grep -q '^FAIL' "$OUT"; then
  fail "read-ahead: no FAIL line" "$(grep '^FAIL' "$OUT" | head -5 | tr '\n' ';')"
fi
fsck_clean "read-ahead: e2fsck clean" "$IMG"

# ---- create, append, rename, truncate, delete: checked by e2fsck and debugfs ------------
IMG=$TMP/ops.img
image "$SRC" "$IMG"
run $UNIKVM --mem 128M --disk "$IMG" $FT ops
expect_status "ops: every guest check passes" 0
expect_stdout_has "ops: failures=0" '^failures=0$'
if grep -q '^FAIL' "$OUT"; then
  fail "ops: no FAIL line" "$(grep '^FAIL' "$OUT" | head -5 | tr '\n' ';')"
fi
fsck_clean "ops: e2fsck clean after the guest's changes" "$IMG"
check "ops: appended file has the exact content" "debugfs: $(dcat "$IMG" /work/sub/b.txt | od -c | head -2)" \
  test "$(dcat "$IMG" /work/sub/b.txt)" = "$(printf 'hello\nworld')"
check "ops: rename replaced the old file" "debugfs: $(dcat "$IMG" /work/old.txt)" \
  test "$(dcat "$IMG" /work/old.txt)" = "new"
want=$(sed -n 's|^sha256 /work/big.bin ||p' "$OUT")
got=$(dcat "$IMG" /work/big.bin | sha256sum | cut -d' ' -f1)
check "ops: 3 MiB file written by the guest reads back on the host" "guest ${want:-none} host $got" \
  test -n "$want" -a "$want" = "$got"
check "ops: truncated file has its size" "size $(dcat "$IMG" /work/trunc.bin | wc -c)" \
  test "$(dcat "$IMG" /work/trunc.bin | wc -c)" -eq 8192
check "ops: sparse file has its size and tail" "tail $(dcat "$IMG" /work/sparse.bin | tail -c 3)" \
  test "$(dcat "$IMG" /work/sparse.bin | wc -c)" -eq 100003 -a "$(dcat "$IMG" /work/sparse.bin | tail -c 3)" = end
debugfs -R 'ls -l /work' "$IMG" >"$TMP/ls.txt" 2>/dev/null
check "ops: deleted and renamed names are gone" "$(tr -s ' \n' ' ' <"$TMP/ls.txt" | head -c 300)" \
  sh -c "! grep -Eq ' (gone\.txt|a\.txt|new\.txt|emptydir|held\.txt)\$' '$TMP/ls.txt' && grep -q ' deep2\$' '$TMP/ls.txt'"
# (An entry whose inode is 0 is a removed one that starts a block: debugfs shows it, nobody else.)
count=$(debugfs -R 'ls -p /work/many' "$IMG" 2>/dev/null | grep -v '^/0/' | grep -c 'file-with-a-longish-name')
check "ops: 150 of 300 files left in the big directory" "found $count" test "$count" -eq 150
# Everything the guest left, extracted by the host, listed the way the guest lists it.
mkdir "$TMP/dump"
debugfs -R "rdump / $TMP/dump" "$IMG" >/dev/null 2>&1
run $UNIKVM --mem 128M --disk "$IMG" $FT tree /
grep -v '^d /lost+found' "$OUT" | sort >"$TMP/guest.txt"
rm -rf "$TMP/dump/lost+found"
host_listing "$TMP/dump" >"$TMP/host.txt"
if cmp -s "$TMP/guest.txt" "$TMP/host.txt"; then
  pass "ops: the guest's tree equals debugfs rdump's ($(wc -l <"$TMP/host.txt") entries)"
else
  fail "ops: the guest's tree equals debugfs rdump's" "$(diff "$TMP/host.txt" "$TMP/guest.txt" | head -6 | tr '\n' ';')"
fi
fsck_clean "ops: e2fsck clean after a second boot" "$IMG"

# The same on a disk the host opens with O_DIRECT: every buffer the guest hands over is aligned.
IMG=$TMP/direct.img
image "$SRC" "$IMG"
run $UNIKVM --mem 128M --disk "$IMG,direct" $FT ops
expect_stdout_has "direct disk: every guest check passes" '^failures=0$'
fsck_clean "direct disk: e2fsck clean" "$IMG"

# ---- durability: every record acknowledged by fsync survives kill -9 ------------------------
IMG=$TMP/sync.img
mkdir "$TMP/empty"
image "$TMP/empty" "$IMG"
acked=0
for round in 1 2 3 4 5; do
  target=$((round * 3))
  log=$TMP/sync-$round.out
  $UNIKVM --disk "$IMG" $FT sync 100000 "run$round" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1000); do # at most 10 s
    grep -q "^synced $target\$" "$log" && break
    sleep 0.01
  done
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  # What this run acknowledged: its records since the last run's, all in the log now.
  last=$(sed -n 's/^synced //p' "$log" | tail -n 1)
  acked=$((acked + ${last:--1} + 1))
  dcat "$IMG" /durable.log >"$TMP/durable.txt"
  missing=$(sed -n 's/^synced //p' "$log" | while read -r i; do
    grep -qx "run$round record $i" "$TMP/durable.txt" || echo "$i"
  done | head -3)
  check "durability round $round: records 0..${last:-none} acknowledged before kill -9 are on disk" \
    "missing: ${missing:-none}, last acknowledged ${last:-none}" test -n "$last" -a -z "$missing" -a "${last:-0}" -ge $target
done
lines=$(dcat "$IMG" /durable.log | wc -l)
check "durability: the log holds at least every acknowledged record" "$lines lines, $acked acknowledged" \
  test "$lines" -ge "$acked"
fsck_clean "durability: e2fsck clean after kill -9 at an fsync" "$IMG"

# ---- the raw disk's queue: threads and forked children write at once, the host checks ---------
# blocks_hold IMG FIRST LAST [BLOCK...]: the blocks listed (or FIRST..LAST) hold fstest blkq's
# pattern (word i of block b is b * 2654435761 + 4i, little-endian); prints the first bad ones.
blocks_hold() {
  python3 - "$@" <<'PY'
import struct, sys
img, first, last, listed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
data = open(img, "rb").read()
blocks = [int(b) for b in listed] if listed else range(first, last + 1)
bad = [b for b in blocks if data[b * 4096:(b + 1) * 4096] != b"".join(
    struct.pack("<I", (b * 2654435761 + i) & 0xFFFFFFFF) for i in range(0, 4096, 4))]
print(" ".join(map(str, bad[:5])))
PY
}

RAW=$TMP/queue.img
head -c 4M /dev/zero >"$RAW"
run $UNIKVM --stats --disk "$RAW,direct" $FT blkq 8 8 40
expect_status "queued raw disk: 8 threads and 8 forked children write and read back" 0
expect_stdout_has "queued raw disk: every block reads back in the guest" \
  '^ok every write went in and every block read back$'
bad=$(blocks_hold "$RAW" 0 639)
check "queued raw disk: the image holds all 640 blocks as written" "bad blocks: ${bad:-none}" \
  test -z "$bad"
check "queued raw disk: nothing past them was written" "$(cmp -n $((4096 * 384)) \
  -i $((640 * 4096)):0 "$RAW" /dev/zero 2>&1)" cmp -s -n $((4096 * 384)) -i $((640 * 4096)):0 "$RAW" /dev/zero
# 640 writes and 600 reads: one exit each without the queue, about 80 with it.
exits=$(sed -n 's/^unikvm: stats: .* exits=\([0-9]*\) .*/\1/p' "$ERR")
check "queued raw disk: requests of different writers share exits" "$exits exits for 1240 requests" \
  test "${exits:-99999}" -lt 320
inflight=$(sed -n 's/.* max_in_flight=\([0-9]*\).*/\1/p' "$ERR")
check "queued raw disk: the host has them in flight together" "max_in_flight=$inflight" \
  test "${inflight:-0}" -ge 8

# Durability through the queue: each writer fsyncs after each write; after kill -9 every block
# acknowledged is in the image.
for round in 1 2 3; do
  head -c 4M /dev/zero >"$RAW"
  log=$TMP/blkq-sync-$round.out
  $UNIKVM --disk "$RAW" $FT blkq 4 4 120 sync >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1000); do # at most 10 s
    [ "$(grep -c '^synced ' "$log")" -ge $((round * 40)) ] && break
    sleep 0.01
  done
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  mapfile -t acked < <(sed -n 's/^synced \([0-9]*\)$/\1/p' "$log")
  bad=$(blocks_hold "$RAW" 0 0 "${acked[@]}")
  check "queued durability round $round: ${#acked[@]} blocks acknowledged by fsync before kill -9 are on disk" \
    "bad: ${bad:-none}" test "${#acked[@]}" -ge $((round * 40)) -a -z "$bad"
done

# ---- a full disk: ENOSPC, then room again once the file that filled it is gone ---------------
IMG=$TMP/full.img
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s image DIR="$TMP/empty" \
  IMAGE="$IMG" SIZE=8M >/dev/null
run $UNIKVM --disk "$IMG" $FT full
expect_status "full disk: every guest check passes" 0
expect_stdout_has "full disk: write fails with ENOSPC" '^ok writing past the free space fails with ENOSPC$'
fsck_clean "full disk: e2fsck clean after filling and emptying the disk" "$IMG"
check "full disk: the file written after is there" "debugfs: $(dcat "$IMG" /more/after)" \
  test "$(dcat "$IMG" /more/after)" = room

# ---- bad input -------------------------------------------------------------------------------
IMG=$TMP/nosb.img
image "$SRC" "$IMG"
dd if=/dev/zero of="$IMG" bs=1024 seek=1 count=1 conv=notrunc status=none
run $UNIKVM --disk "$IMG" $FT open /zero
expect_status "zeroed superblock: the guest exits with its own status" 1
expect_stdout_has "zeroed superblock: open fails with ENODEV" '^open /zero: errno=19 '
expect_stderr_has "zeroed superblock: the guest says why" 'fs: /dev/blk0: cannot mount the file system: .*[Mm]agic'

IMG=$TMP/nogdt.img
image "$SRC" "$IMG"
bs=$(dumpe2fs -h "$IMG" 2>/dev/null | sed -n 's/^Block size: *//p')
gdt=$(dumpe2fs "$IMG" 2>/dev/null | sed -n 's/.*Group descriptors at \([0-9]*\)-.*/\1/p' | head -n 1)
dd if=/dev/zero of="$IMG" bs="${bs:-4096}" seek="${gdt:-1}" count=1 conv=notrunc status=none
run $UNIKVM --disk "$IMG" $FT open /zero
expect_status "zeroed group descriptors: the guest exits with its own status" 1
expect_stdout_has "zeroed group descriptors: open fails with EIO" '^open /zero: errno=5 '
expect_stderr_has "zeroed group descriptors: the guest says why" 'fs: /dev/blk0: cannot mount the file system: '

IMG=$TMP/ro.img
image "$SRC" "$IMG"
sum=$(sha256sum <"$IMG")
run $UNIKVM --disk "$IMG,ro" $FT ro
expect_status "ro disk: every guest check passes" 0
expect_stdout_has "ro disk: create fails with EROFS" '^ok create on a read-only disk'
check "ro disk: the image is unchanged" "sha256 changed" test "$(sha256sum <"$IMG")" = "$sum"

run $UNIKVM $FT open /anything
expect_stdout_has "no disk: every path is missing" '^open /anything: errno=2 '

# ---- the raw disk ------------------------------------------------------------------------
RAW=$TMP/raw.img
head -c $((8 * 1048576)) /dev/zero >"$RAW"
run $UNIKVM --disk "$RAW" $FT blk
expect_status "raw disk: every guest check passes" 0
expect_stdout_has "raw disk: st_size is the disk's size" "^size=$((8 * 1048576))\$"
check "raw disk: unaligned bytes are on the host disk" "bytes differ" \
  python3 -c "import sys; d=open('$RAW','rb').read(); \
sys.exit(d[1000:1700] != bytes((i*7 + i//4096 + 3) & 0xff for i in range(700)) \
or d[999] != 0 or d[1700] != 0 or d[8192:8196] != b'raw!')"

out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s image IMAGE="$TMP/x.img" 2>&1)
check "make image without DIR says how to call it" "said: $out" grep -q 'DIR=' <<<"$out"

summary
