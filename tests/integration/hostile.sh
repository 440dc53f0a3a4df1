#!/usr/bin/env bash
# hostile.sh: a hostile guest (tests/guest/hostile.c) attacks the host one attempt per run: bad
# hypercall addresses and lengths, bad ports, inconsistent batches, privileged instructions,
# writes to the host-owned low memory, and the host's own hypercalls used to rewrite it.
#
# For every attempt, under build/unikvm and again under build/asan/unikvm (AddressSanitizer +
# UndefinedBehaviorSanitizer): unikvm ends it with a one-line "unikvm: what: why" error (plus the
# register dump of a guest fault) and the documented status, or the guest gets an error code and
# prints it; never a signal exit, never a hang (every run is bounded), no sanitizer report.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

H=build/tests/hostile.elf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$OUT" "$ERR"' EXIT
[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: these tests need KVM" >&2; exit 1; }

LIMIT=20 # seconds per run; the slowest attempt takes well under one
DISK=$TMP/disk.img
truncate -s 64K "$DISK"
NET="--net user,restrict=on" # frames stay inside the helper's user-mode stack
HELP=$(build/unikvm --help 2>&1)
has_option() { grep -q -- "$1" <<<"$HELP"; }

# Sets FLAGS (unikvm options), WANT (allowed statuses, a regex) and WHY (a regex that the first
# stderr line must match for unikvm's own statuses, or stdout for a guest that exits 0).
expectation() {
  local a=$1
  FLAGS=
  WANT=
  WHY=
  case $a in
  # Inside RAM but misaligned: refused since 81b98fb (it was undefined behaviour in the host).
  arg-misaligned:*) WANT=124 WHY='hypercall [a-z_]+: address 0x[0-9a-f]+ not [0-9]+-byte aligned' ;;
  arg-*) WANT=124 WHY="hypercall [a-z_]+: address 0x[0-9a-f]+\+[0-9]+ outside guest RAM" ;;
  console-zero-at-end) WANT=0 WHY='ret=0 \(want 0\)' ;;
  console-stream) WANT=124 WHY='console_write: unknown stream 9$' ;;
  console-*) WANT=124 WHY='console_write: address 0x[0-9a-f]+\+[0-9]+ outside guest RAM' ;;
  abort-len-huge) WANT=134 WHY='^unikvm: guest aborted: hostile guest message$' ;;
  # Regression: inner newlines and escapes once went out raw, forging a second "unikvm:" line.
  abort-forged-lines)
    WANT=134 WHY='^unikvm: guest aborted: first line\\x0aunikvm: forged: a second line\\x0d\\x1b\[2Kthird$'
    ;;
  abort-*) WANT=124 WHY='hypercall abort: address .* outside guest RAM' ;;
  poll-forever) WANT=124 WHY='poll: waits forever with no device' ;;
  net-tx-array-misaligned) FLAGS=$NET WANT=124 WHY='net_io: address 0x[0-9a-f]+ not [0-9]+-byte aligned' ;;
  net-none) WANT=124 WHY='net_io: no network device' ;;
  net-tx-count | net-rx-count) FLAGS=$NET WANT=124 WHY='net_io: batch of [0-9]+/[0-9]+ frames, at most 256' ;;
  net-tx-over-mtu | net-tx-runt | net-count-mismatch | net-rx-small)
    FLAGS=$NET WANT=0 WHY='ret=-22 \(want -22\)'
    ;;
  net-*) FLAGS=$NET WANT=124 WHY='net_io: address 0x[0-9a-f]+\+[0-9]+ outside guest RAM' ;;
  # The shared rings: offered badly (the NET_RING call fails), or filled badly (the host's ring
  # thread notices, and the guest's next POLL ends the VM).
  ring-none) WANT=124 WHY='net_ring: no network device' ;;
  ring-declined) FLAGS="$NET --net-poll 0" WANT=0 WHY='ret=-95 \(want -95\)' ;;
  ring-outside | ring-host-tables) FLAGS=$NET WANT=124 WHY='net_ring: address 0x[0-9a-f]+\+[0-9]+ outside guest RAM' ;;
  ring-misaligned) FLAGS=$NET WANT=124 WHY='net_ring: rings at 0x[0-9a-f]+ not 64-byte aligned' ;;
  ring-slots-*) FLAGS=$NET WANT=124 WHY='net_ring: [0-9]+ slots \(a power of two up to 256\)' ;;
  ring-twice) FLAGS=$NET WANT=124 WHY='net_ring: rings offered twice' ;;
  ring-net-io) FLAGS=$NET WANT=124 WHY="net_io: the NIC's rings are in use" ;;
  ring-tx-outside | ring-tx-host-tables | ring-rx-outside)
    FLAGS=$NET WANT=124 WHY='[tr]x ring: buffer 0x[0-9a-f]+\+[0-9]+ outside guest RAM'
    ;;
  ring-tx-runt | ring-tx-over-mtu) FLAGS=$NET WANT=124 WHY='tx ring: [0-9]+-byte frame \(frames are 14\.\.[0-9]+ bytes\)' ;;
  ring-rx-small) FLAGS=$NET WANT=124 WHY='rx ring: [0-9]+-byte buffer \(frames are 14\.\.[0-9]+ bytes\)' ;;
  ring-tx-far) FLAGS=$NET WANT=124 WHY='tx ring: head 1000 is 1000 entries past tail 0 \(64 slots\)' ;;
  ring-rx-far) FLAGS=$NET WANT=124 WHY='rx ring: 1000 buffers posted past 0 \(64 slots\)' ;;
  ring-tx-flip) FLAGS=$NET WANT='0|124' WHY='ring-tx-flip: tx_tail=1|tx ring: buffer 0x[0-9a-f]+\+60 outside guest RAM' ;;
  blk-reqs-misaligned) FLAGS="--disk $DISK" WANT=124 WHY='blk_io: address 0x[0-9a-f]+ not [0-9]+-byte aligned' ;;
  blk-none) WANT=124 WHY='blk_io: no block device' ;;
  blk-count | blk-count-max) FLAGS="--disk $DISK" WANT=124 WHY='blk_io: batch of [0-9]+ requests, at most 256' ;;
  blk-ro-write) FLAGS="--disk $DISK,ro" WANT=0 WHY='ret=-30 \(want -30\)' ;;
  blk-async-in-flight-exit) FLAGS="--disk $DISK" WANT=0 WHY='^blk-async-in-flight-exit: posted [0-9]+$' ;;
  blk-past-end | blk-straddle-end | blk-sector-wrap | blk-sector-huge | blk-unaligned | blk-zero-len | blk-bad-op | blk-async-past-end)
    FLAGS="--disk $DISK" WANT=0 WHY='ret=-22 \(want -22\)'
    ;;
  blk-count-mismatch) FLAGS="--disk $DISK" WANT=0 WHY='rets=0,-22,-22$' ;;
  blk-*) FLAGS="--disk $DISK" WANT=124 WHY='blk_io: address 0x[0-9a-f]+\+[0-9]+ outside guest RAM' ;;
  port-unknown-*) WANT=124 WHY='write to unknown I/O port 0x5[01][0-9a-f]$' ;;
  port-byte | port-word) WANT=124 WHY='console_write: [12]-byte out, expected 4' ;;
  port-in) WANT=124 WHY='unsupported access to I/O port 0x503' ;;
  # KVM may split a string out into single exits: then the first exit hypercall ends the VM.
  port-rep-outs) WANT='77|124' WHY='^port-rep-outs$|unsupported access to I/O port' ;;
  # Outside the TSS bitmap: #GP. On a host where IOPL 3 is real, the access reaches unikvm.
  port-*) WANT='123|124' WHY='general protection \(#GP\)|unknown I/O port|unsupported access' ;;
  sidt) WANT='0|123' WHY='sidt base=|general protection' ;; # #GP where CR4.UMIP is set
  cpl3-*) WANT='0|123' WHY='guest fault: [a-z ]+ \(#[A-Z]+\) at rip=0x|allowed on this host' ;;
  write-* | read-* | exec-*) WANT=123 WHY='guest fault: page fault \(#PF\) at rip=0x[0-9a-f]+ address=0x' ;;
  stack-overflow) WANT=134 WHY='guest aborted: thread 1 \(main\): stack overflow$' ;;
  stack-runaway) WANT='123|134' WHY='guest fault: |stack overflow' ;;
  # Hypercalls aimed at the host's tables (TSS, GDT, IDT, page directory) below 1 MiB: a
  # walltime written over the TSS's RSP0, a disk sector read into the page directory (which
  # once mapped the low 2 MiB for the guest and let it run code at CPL 0). The host refuses
  # every guest-supplied range there, so each attempt ends at the hypercall.
  smash-*) WANT=124 WHY='walltime: address 0x[0-9a-f]+\+8 outside guest RAM' ;;
  alias-* | cpl0-*) FLAGS="--disk $DISK" WANT=124 WHY='blk_io: address 0x[0-9a-f]+\+[0-9]+ outside guest RAM' ;;
  poll-huge | spin)
    # Endless by design: only --timeout ends them. Without it they are skipped.
    if has_option --timeout; then
      FLAGS="--timeout 1" WANT='12[0-9]' WHY='.'
    fi
    ;;
  *) WANT=none ;;
  esac
}

# Runs one attempt under the host binary $1 and checks everything about how it ended.
attempt() {
  local host=$1 a=$2 label=$3
  expectation "$a"
  if [ -z "$WANT" ]; then
    echo "skip - $label: needs --timeout, which this unikvm lacks"
    return
  fi
  if [ "$WANT" = none ]; then
    STATUS=-1
    fail "$label" "hostile.sh has no expectation for this attempt"
    return
  fi
  local start=$SECONDS
  # SIGKILL after LIMIT, and --preserve-status: a hang shows as 137, never as timeout's 124.
  # shellcheck disable=SC2086
  timeout --preserve-status -s KILL "$LIMIT" $host $FLAGS $EXTRA $H "$a" >"$OUT" 2>"$ERR" </dev/null
  STATUS=$?
  # --no-seccomp says so on stderr first; the error line that matters comes after it.
  [ -z "$EXTRA" ] || sed -i '1{/^unikvm: warning: --no-seccomp/d}' "$ERR"
  local first
  first=$(head -n 1 "$ERR")
  if [ "$STATUS" -eq 137 ] && [ $((SECONDS - start)) -ge "$LIMIT" ]; then
    fail "$label" "hung: killed after ${LIMIT}s"
  elif grep -Eq 'Sanitizer|runtime error:|SUMMARY: ' "$ERR"; then
    fail "$label" "sanitizer report"
  elif ! [[ "$STATUS" =~ ^($WANT)$ ]]; then
    fail "$label" "status $STATUS, expected $WANT"
  elif [ "$STATUS" -eq 0 ] || [ "$STATUS" -eq 77 ]; then
    # The guest ended itself: it printed what the host answered.
    if grep -Eq -- "$WHY" "$OUT"; then pass "$label"; else fail "$label" "stdout lacks /$WHY/"; fi
  elif ! [[ "$first" =~ ^unikvm:\ [^:]+:\ .+ ]]; then
    fail "$label" "first stderr line is not 'unikvm: <what>: <why>'"
  elif ! grep -Eq -- "$WHY" <<<"$first"; then
    fail "$label" "first stderr line lacks /$WHY/"
  elif [ "$STATUS" -eq 123 ] && tail -n +2 "$ERR" | grep -qv '^  '; then
    fail "$label" "a guest fault prints one line and an indented register dump, nothing else"
  elif [ "$STATUS" -ne 123 ] && [ "$(wc -l <"$ERR")" -ne 1 ]; then
    fail "$label" "more than one line on stderr"
  else
    pass "$label"
  fi
}

# ONLY=REGEX runs only the attempts it matches (while working on one group).
mapfile -t ATTEMPTS < <(build/unikvm $H list | grep -E -- "${ONLY:-.}")
[ -n "${ONLY:-}" ] || check "the hostile guest lists its attempts" "got ${#ATTEMPTS[@]}" test "${#ATTEMPTS[@]}" -gt 100

EXTRA=
for a in "${ATTEMPTS[@]}"; do
  attempt build/unikvm "$a" "$a"
done

# The same list under the sanitizers. Leak checking is off: unikvm deliberately leaves its
# memory to exit. ASan and seccomp do not mix, so the filter is off when unikvm has one.
EXTRA=
has_option --no-seccomp && EXTRA=--no-seccomp
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1
export UNIKVM_SLIRP=build/unikvm-slirp
for a in "${ATTEMPTS[@]}"; do
  attempt build/asan/unikvm "$a" "asan: $a"
done

summary
