#!/usr/bin/env bash
# run.sh: disk benchmarks on each platform, interleaved run by run (native, unikvm, then the QEMU
# platforms in their first QEMU_RUNS runs): sha256 of a seeded file (digest checked) and random
# 4 KiB writes (diskbench, with fio as the reference row); medians with min/max, ratios to
# native, unikvm's VM exits, host syscalls per write (strace -c, a separate run), one time,value
# CSV per benchmark and platform.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
SUITE=disk
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. bench/lib/stats.sh
. bench/lib/qemu.sh
. bench/disk/data.sh

QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then RUNS=${RUNS:-1} SHA_SIZE=${SHA_SIZE:-64M} DISK_SIZE=${DISK_SIZE:-64M}; fi
RUNS=${RUNS:-3}
SHA_SIZE=${SHA_SIZE:-1G}   # the seed report's file size
DISK_SIZE=${DISK_SIZE:-1G} # fio's --size in the seed report; every run writes SIZE/4k blocks
QEMU_RUNS=${QEMU_RUNS:-1}  # runs with the QEMU platforms too (TCG hashes at about 40 MB/s)
QEMU_DISK_SIZE=${QEMU_DISK_SIZE:-64M} # diskbench's device under QEMU (TCG: about 6000 writes/s)
STRACE_SIZE=${STRACE_SIZE:-16M} # the write target of the strace -c runs
SEED=${SEED:-20261122}
QDEPTH=64
GUEST_MEM=${GUEST_MEM:-256M}
RESULTS=${RESULTS:-bench/results}
LIMIT=${LIMIT:-900} # a hung run fails its cell instead of stopping the suite
mkdir -p "$RESULTS"

for f in build/unikvm build/sha256sum.elf build/native/sha256sum build/native/diskbench; do
  [ -e "$f" ] || {
    echo "bench/disk: $f missing: run 'make bench' (it builds everything first)" >&2
    exit 1
  }
done
# Private copies: a rebuild during the run cannot change what is being measured.
BIN=$TMP/bin
mkdir -p "$BIN/native"
cp build/unikvm build/sha256sum.elf "$BIN/" && cp build/native/sha256sum build/native/diskbench \
  "$BIN/native/" || exit 1
[ -f build/diskbench.elf ] && cp build/diskbench.elf "$BIN/"
qemu_setup sha256sum diskbench

data=$(seeded_file "$SHA_SIZE" "$SEED") || exit 1
want=$(cat "$data.sha256")
image=$(ext4_image "$data") || exit 1
target=$(write_target "$DISK_SIZE") || exit 1
qtarget=$target
if measures qemu-tcg || measures qemu-kvm; then qtarget=$(write_target "$QEMU_DISK_SIZE") || exit 1; fi
writes=$(($(bytes "$DISK_SIZE") / 4096))
cat "$data" >/dev/null # both platforms then read it from the host's page cache

# Why a guest cell is empty, said in the cell instead of failing the suite.
diskbench_na=""
if [ ! -f "$BIN/diskbench.elf" ]; then
  missing=$(for sym in pread pwrite fsync ftruncate; do
    nm build/guest/libunikvm.a 2>/dev/null | grep -Eq " [TW] $sym$" || echo -n "$sym "
  done)
  diskbench_na="n/a (diskbench.elf does not link yet: the guest lacks ${missing% })"
fi

# record BENCH PLATFORM VALUE ERRFILE: keeps the value, and unikvm's VM exits from --stats.
record() {
  echo "$3" >>"$TMP/$1.0.$2"
  [ "$2" = unikvm ] && sed -n 's/.* exits=\([0-9]*\).*/\1/p' "$4" >>"$TMP/$1.exits"
  return 0
}

# why BENCH PLATFORM STATUS ERRFILE: the failure in the cell: n/a while the guest lacks a piece.
why() {
  local text
  if is_qemu "$2" && ! grep -q . "$4"; then
    text=$(qemu_why "$TMP/raw" "$3")
  elif grep -q '/dev/blk0: No such file or directory' "$4"; then
    text="n/a (no /dev/blk0 in the guest yet)"
  elif grep -q '/seeded.bin: No such file or directory' "$4"; then
    text="n/a (filesystem not landed: the guest cannot open /seeded.bin)"
  else
    text="failed (exit $3: $(grep -v '^unikvm: stats' "$4" | head -1 | cut -c1-80))"
  fi
  echo "$text" >"$TMP/$1.$2.fail"
}

# guest_run PLATFORM OUT ERR CMD...: runs CMD bounded by LIMIT; for the QEMU platforms the
# kernel's console (stdout and stderr both) goes to OUT and ERR alike, its raw capture to $TMP/raw.
guest_run() {
  local platform=$1 out=$2 err=$3 status
  shift 3
  if is_qemu "$platform"; then
    timeout --kill-after=5 "$LIMIT" "$@" >"$TMP/raw" 2>"$err" </dev/null
    status=$?
    qemu_output "$TMP/raw" >"$out"
    cat "$out" >>"$err"
  else
    timeout --kill-after=5 "$LIMIT" "$@" >"$out" 2>"$err" </dev/null
    status=$?
  fi
  return $status
}

# sha BENCH PLATFORM CMD...: one sha256sum run; its seconds count only with the right digest.
sha() {
  local bench=$1 platform=$2 out=$TMP/out err=$TMP/err status got secs
  shift 2
  measures "$platform" || return 0
  guest_run "$platform" "$out" "$err" "$@"
  status=$?
  got=$(grep -v '^sha256sum: ' "$out" | cut -d' ' -f1 | head -1)
  secs=$(sed -n 's/^sha256sum: [0-9]* bytes in \([0-9.]*\) s .*/\1/p' "$err")
  sed -n 's/^sha256sum: .* MB\/s) \(.*\)/\1/p' "$err" >"$TMP/$bench.$platform.impl"
  if [ "$status" -ne 0 ] || [ -z "$secs" ]; then
    why "$bench" "$platform" "$status" "$err"
  elif [ "$got" != "$want" ]; then
    echo "failed (digest $got, host sha256sum says $want)" >"$TMP/$bench.$platform.fail"
  else
    record "$bench" "$platform" "$secs" "$err"
  fi
}

# writes BENCH PLATFORM CMD...: one diskbench or fio run; keeps its IOPS.
iops() {
  local bench=$1 platform=$2 out=$TMP/out err=$TMP/err status value
  shift 2
  [ "$platform" = fio ] || measures "$platform" || return 0
  guest_run "$platform" "$out" "$err" "$@"
  status=$?
  if [ "$platform" = fio ]; then
    value=$(python3 -c 'import json, sys; print(round(json.load(sys.stdin)["jobs"][0]["write"]["iops"]))' \
      <"$out" 2>/dev/null)
  else
    value=$(sed -n 's/^diskbench: .* IOPS \([0-9]*\)$/\1/p' "$out")
    sed -n 's/.* at most \([0-9]*\) writes in flight.*/\1/p' "$out" >>"$TMP/$bench.$platform.inflight"
  fi
  if [ "$status" -ne 0 ] || [ -z "$value" ]; then
    why "$bench" "$platform" "$status" "$err"
  else
    record "$bench" "$platform" "$value" "$err"
  fi
}

GUEST=("$BIN/unikvm" --stats --mem "$GUEST_MEM")

diskbench_guest() { # BENCH QDEPTH
  if [ -n "$diskbench_na" ]; then
    measures unikvm && echo "$diskbench_na" >"$TMP/$1.unikvm.fail"
  else
    iops "$1" unikvm "${GUEST[@]}" --disk "$target,direct" "$BIN/diskbench.elf" -- -d -q "$2" -S "$SEED" \
      /dev/blk0
  fi
}

# qemu_runs BENCH...: true while this run also measures the QEMU platforms, whose cells then say
# how many runs they had.
qemu_runs() {
  local b p note=""
  [ "$run" -le "$QEMU_RUNS" ] || return 1
  [ "$QEMU_RUNS" -lt "$RUNS" ] && note="n=$QEMU_RUNS"
  [ -n "$NOTE" ] && note+="${note:+, }$NOTE"
  [ -n "$note" ] || return 0
  for p in qemu-tcg qemu-kvm; do
    for b in "$@"; do echo "$note" >"$TMP/$b.$p.note"; done
  done
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
for ((run = 1; run <= RUNS; run++)); do
  echo "bench/disk: run $run of $RUNS" >&2
  # The host reclaims cold page cache (kdamond here) between runs: each input is read into it
  # right before it is hashed, so every platform hashes from memory as the table says.
  cat "$data" >/dev/null
  sha sha256 native "$BIN/native/sha256sum" "$data"
  # The guest reads the same file as its raw disk (its size is a whole number of sectors).
  cat "$data" >/dev/null
  sha sha256 unikvm "${GUEST[@]}" --disk "$data,ro" "$BIN/sha256sum.elf" -- /dev/blk0
  cat "$image" >/dev/null
  sha sha256-ext4 unikvm "${GUEST[@]}" --disk "$image,ro" "$BIN/sha256sum.elf" -- /seeded.bin
  if NOTE='' qemu_runs sha256 sha256-ext4; then
    for p in qemu-tcg qemu-kvm; do
      # shellcheck disable=SC2046 # qemu_cmd is words on purpose
      sha sha256 $p $(qemu_cmd $p) --disk "$data" "$BIN/sha256sum-virtio.elf" /dev/blk0
      # shellcheck disable=SC2046
      sha sha256-ext4 $p $(qemu_cmd $p) --disk "$image" "$BIN/sha256sum-virtio.elf" /seeded.bin
    done
  fi
  for q in "$QDEPTH" 1; do
    iops diskbench-q$q native "$BIN/native/diskbench" -d -q "$q" -S "$SEED" -s "$DISK_SIZE" "$target"
    diskbench_guest diskbench-q$q "$q"
    if NOTE="$QEMU_DISK_SIZE device" qemu_runs diskbench-q$q; then
      for p in qemu-tcg qemu-kvm; do
        # shellcheck disable=SC2046
        iops diskbench-q$q $p $(qemu_cmd $p) --disk "$qtarget" "$BIN/diskbench-virtio.elf" -d -q "$q" \
          -S "$SEED" /dev/blk0
      done
    fi
  done
  if ! command -v fio >/dev/null; then
    echo "n/a (fio not installed: apt-get install -y fio)" >"$TMP/fio.fio.fail"
  else
    iops fio fio fio --name=rw --filename="$target" --size="$DISK_SIZE" --bs=4k --iodepth=$QDEPTH \
      --rw=randwrite --direct=1 --ioengine=libaio --randrepeat=1 --gtod_reduce=1 --output-format=json
  fi
done
cp "$TMP/sha256.0.native" "$TMP/sha256-ext4.0.native" 2>/dev/null # one native run serves both rows

# ---- host syscalls per write: strace -c -f of a separate, shorter diskbench run ---------------
# syscalls PLATFORM CMD...: "N per write (busiest calls per write)" into $TMP/sys.PLATFORM.
swrites=$(($(bytes "$STRACE_SIZE") / 4096))
syscalls() {
  local platform=$1 v total top
  shift
  measures "$platform" || return 0
  if ! command -v strace >/dev/null; then
    echo "n/a (strace not installed)" >"$TMP/sys.$platform"
    return
  fi
  timeout --kill-after=5 "$LIMIT" strace -c -f -o "$TMP/strace.txt" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  if ! grep -q "^diskbench: $swrites writes" "$TMP/out" ||
    ! v=$(python3 bench/net/parse.py strace <"$TMP/strace.txt" 2>/dev/null); then
    echo "n/a (the strace run failed: $(grep -v '^unikvm: stats' "$TMP/err" | head -1 | cut -c1-60))" >"$TMP/sys.$platform"
    return
  fi
  read -r total top <<<"$v"
  awk -v t="$total" -v n="$swrites" -v top="$top" 'BEGIN { printf "%.2f per write (", t / n
    k = split(top, c, ","); for (i = 1; i <= k; i++) { split(c[i], f, "=");
      printf "%s%s %.2f", (i > 1 ? ", " : ""), f[1], f[2] / n } print ")" }' >"$TMP/sys.$platform"
}
echo "bench/disk: host syscalls per write (strace -c, $swrites writes)" >&2
starget=$(write_target "$STRACE_SIZE") || exit 1
syscalls native "$BIN/native/diskbench" -d -q $QDEPTH -S "$SEED" -s "$STRACE_SIZE" "$starget"
[ -z "$diskbench_na" ] && syscalls unikvm "${GUEST[@]}" --disk "$starget,direct" "$BIN/diskbench.elf" -- \
  -d -q $QDEPTH -S "$SEED" /dev/blk0

# inflight BENCH PLATFORM: the most writes diskbench ever had in flight at once.
inflight() { sort -n "$TMP/$1.$2.inflight" 2>/dev/null | tail -1 | grep . || echo "–"; }
# impl PLATFORM: the compressor sha256sum used.
impl() { sort -u "$TMP/sha256.$1.impl" 2>/dev/null | head -1 | grep . || echo "–"; }

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
results_reset
mb=$(($(bytes "$SHA_SIZE") / 1048576))
{
  echo "Disk: $RUNS run(s) of each, interleaved; $now; $(nproc) CPUs," \
    "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), Linux $(uname -r)," \
    "$(df -T "$target" | awk 'NR == 2 { print $2 }') under build/; load average at start $load"
  echo
  echo "| benchmark |$(platform_header) target (unikvm) | unikvm VM exits per run |"
  echo "| --- |$(platform_rule) --- | --- |"
  row sha256 0 "sha256sum of a $mb MiB seeded file, seconds, lower is better (guests: the file as raw /dev/blk0)" \
    %.3f lower 1.05 sha256
  row sha256-ext4 0 "sha256sum of the same file, seconds (guests: /seeded.bin on an ext4 image)" \
    %.3f lower 1.05 sha256-ext4
  row diskbench-q$QDEPTH 0 "diskbench random 4 KiB writes, IOPS, higher is better (-d -q $QDEPTH, $writes writes over $DISK_SIZE + fsync; guests: /dev/blk0, unikvm's on the same file, --disk ...,direct)" \
    %.0f higher 0.8 diskbench
  row diskbench-q1 0 "diskbench as above with -q 1 (one write in flight)" %.0f higher "" diskbench-q1
  echo "| fio reference: \`--bs=4k --iodepth=$QDEPTH --rw=randwrite --direct=1 --ioengine=libaio --randrepeat=1 --gtod_reduce=1 --size=$DISK_SIZE\`, IOPS | $(cell fio 0 fio %.0f) | – | – | – | – | – |"
  if [ -s "$TMP/fio.0.fio" ]; then
    echo "$now,$(median "$TMP/fio.0.fio")" >>"$RESULTS/fio-randwrite-native.csv"
    printf 'fio-randwrite\tnative\t%s\t–\thigher\n' "$(median "$TMP/fio.0.fio")" >>"$RESULTS/$SUITE-medians.tsv"
  fi
  echo
  echo "sha256sum compressor: native $(impl native), unikvm $(impl unikvm), qemu-tcg $(impl qemu-tcg);" \
    "it reads 4 MiB at a time into page-aligned memory (unikvm: one exit per read, the host's copy" \
    "straight into that buffer, made by the vCPU thread and the disk's read thread together, 256 KiB" \
    "pieces each); the file (seed $SEED, sha256 ${want:0:16}…) is in the host's page" \
    "cache for all."
  echo "Writes in flight at most (diskbench -q $QDEPTH): native $(inflight diskbench-q$QDEPTH native)," \
    "unikvm $(inflight diskbench-q$QDEPTH unikvm) (in the guest: what its block driver had queued at once)."
  echo "VM exits per write (diskbench -q $QDEPTH): unikvm $(awk -v e="$(median "$TMP/diskbench-q$QDEPTH.exits" 2>/dev/null)" \
    -v n="$writes" 'BEGIN { if (e == "") print "–"; else printf "%.3f", e / n }')."
  echo "Host syscalls per write (\`strace -c -f\` of a separate diskbench -d -q $QDEPTH run, $swrites writes" \
    "over $STRACE_SIZE): unikvm $(cat "$TMP/sys.unikvm" 2>/dev/null || echo –);" \
    "native $(cat "$TMP/sys.native" 2>/dev/null || echo –)."
  echo "qemu-*: the apps linked for the virtio platform, booted by \`boot/efi/qemu-run.sh\` with the" \
    "disk as a virtio-blk drive (QEMU's default cache, not O_DIRECT); *n=…* marks fewer runs than the" \
    "others, *$QEMU_DISK_SIZE device* a smaller write target (IOPS, so the rate still compares)."
  echo
  platform_notes
} | tee "$RESULTS/disk.md"
