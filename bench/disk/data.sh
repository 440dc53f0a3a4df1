# data.sh: the disk benchmarks' inputs, made once and cached in build/bench/disk/ (sourced by
# run.sh): a seeded random file, an ext4 image holding it, and a fully laid-out write target.
# shellcheck shell=bash

DATA_DIR=${DATA_DIR:-build/bench/disk}

# bytes SIZE: 64M, 1G... as a byte count (powers of 1024).
bytes() { numfmt --from=iec "$1"; }

# seeded_file SIZE SEED: prints the path of SIZE bytes from Python's Mersenne Twister seeded with
# SEED (randbytes is defined in terms of getrandbits, so every Python >= 3.9 makes the same bytes),
# and caches the host sha256sum's digest beside it as PATH.sha256.
seeded_file() {
  local n f
  n=$(bytes "$1") && f=$DATA_DIR/seeded-$1-$2.bin
  if [ ! -f "$f.sha256" ]; then
    mkdir -p "$DATA_DIR"
    echo "bench/disk: making $f (once)" >&2
    python3 -c 'import random, sys
r, n, out = random.Random(int(sys.argv[1])), int(sys.argv[2]), sys.stdout.buffer
while n > 0:
    k = min(n, 1 << 20)
    out.write(r.randbytes(k))
    n -= k' "$2" "$n" >"$f.tmp" && mv "$f.tmp" "$f" &&
      sha256sum <"$f" | cut -d' ' -f1 >"$f.sha256.tmp" && mv "$f.sha256.tmp" "$f.sha256" || return 1
  fi
  echo "$f"
}

# ext4_image FILE: prints the path of an ext4 image (mke2fs -d) whose root holds FILE as
# /seeded.bin, with room to spare for the file system's own metadata.
ext4_image() {
  local img=${1%.bin}.ext4 dir mib
  if [ ! -f "$img" ]; then
    echo "bench/disk: making $img (once)" >&2
    dir=$(mktemp -d -p "$DATA_DIR") || return 1
    ln "$1" "$dir/seeded.bin" || cp "$1" "$dir/seeded.bin" || return 1
    mib=$(($(stat -c %s "$1") * 9 / 8 / 1048576 + 64))
    mke2fs -q -F -t ext4 -d "$dir" "$img.tmp" "${mib}M" >&2 && mv "$img.tmp" "$img"
    local status=$?
    rm -rf "$dir"
    [ $status -eq 0 ] || return 1
  fi
  echo "$img"
}

# write_target SIZE: prints the path of a SIZE-byte file (a whole number of MiB) written through
# once (zeros, fsync'd), so random writes overwrite allocated blocks, as fio's layout leaves its file.
write_target() {
  local f=$DATA_DIR/target-$1.img
  [ $(($(bytes "$1") % 1048576)) -eq 0 ] || { echo "bench/disk: $1 is not whole MiB" >&2 && return 1; }
  if [ ! -f "$f" ] || [ "$(stat -c %s "$f")" != "$(bytes "$1")" ]; then
    mkdir -p "$DATA_DIR"
    echo "bench/disk: laying out $f" >&2
    dd if=/dev/zero of="$f.tmp" bs=1M count=$(($(bytes "$1") / 1048576)) conv=fsync status=none &&
      mv "$f.tmp" "$f" || return 1
  fi
  echo "$f"
}
