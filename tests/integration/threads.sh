#!/usr/bin/env bash
# threads.sh: integration tests of threads, pthreads, fork/wait, pipes, stack overflow and
# deadlock reports: boot build/tests/threadtest.elf under build/unikvm and check what it prints.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

UNIKVM=build/unikvm
TT=build/tests/threadtest.elf

[ -c /dev/kvm ] || { echo "FATAL: /dev/kvm missing: these tests need KVM" >&2; exit 1; }

# group GROUP [ARGS...]: runs one group; it must exit 0 and print no FAILED check.
group() {
  run $UNIKVM --stats $TT "$@"
  expect_status "$1: exits 0" 0
  if grep -q 'FAILED' "$OUT"; then
    fail "$1: every check passes" "$(grep FAILED "$OUT" | head -3 | tr '\n' ';')"
  else
    pass "$1: every check passes"
  fi
}

# has NAME: the group's output reports check NAME as ok.
has() {
  expect_stdout_has "$1" "^$(sed 's/[][().*^$]/\\&/g' <<<"$1"): ok$"
}

# exits_below N: the last run made fewer than N VM exits (switches and forks cost none).
exits_below() {
  local exits
  exits=$(sed -n 's/.* exits=\([0-9]*\).*/\1/p' "$ERR")
  check "$1: fewer than $2 VM exits" "exits=${exits:-?}" test "${exits:-999999}" -lt "$2"
}

# ---- scheduler and pthreads ---------------------------------------------------------
group yield
has "yield runs threads round robin"
expect_stdout_has "yield: order is ABCABCABC" '^order=ABCABCABC$'

group mutex
has "mutex excludes across yields"
has "mutex was contended"
expect_stdout_has "mutex: 4 threads x 1000 increments" '^counter=4000 '
has "errorcheck relock is EDEADLK"
has "errorcheck unlock unlocked is EPERM"
has "recursive lock three times"
has "recursive unlock once more is EPERM"
has "trylock of a held mutex is EBUSY"
has "unlock by a non-owner is EPERM"
has "timedlock of a held mutex times out"
exits_below mutex 20

group cond
has "producer/consumer through two condvars"
has "realtime timedwait returns ETIMEDOUT"
has "realtime timedwait does not return before its deadline"
has "monotonic timedwait returns ETIMEDOUT"
has "timedwait woken by a signal returns 0"
has "signal wakes one waiter"
has "broadcast wakes the others"

group join
has "join returns each thread's value"
has "join returns pthread_exit's value"
has "join of a detached thread is EINVAL"
has "join of self is EDEADLK"
has "a 64 KiB stack holds 48 KiB of locals"
has "1000 threads created and joined"

group tsd
has "each thread sees its own value"
has "destructors ran at thread exit"
expect_stdout_has "tsd: destructors ran 4 times (one re-set value)" '^destroyed=4 sum=106$'
has "a recreated key starts with NULL"

group once
has "pthread_once runs init once and others wait for it"

group errno
has "errno is per thread"
has "a failing call sets only its thread's errno"

group sleepers
has "sleepers wake in deadline order"
polls=$(sed -n 's/.*hypercalls.* poll=\([0-9]*\).*/\1/p' "$ERR")
check "sleepers: the idle guest waits in poll, once per wakeup" "poll=${polls:-?}" \
  test "${polls:-0}" -ge 1 -a "${polls:-99}" -le 6

# ---- processes ------------------------------------------------------------------------
group fork
has "fork returns a pid"
has "waitpid returns the child's pid"
has "getpid in the child is that pid"
has "waitpid sees the child's exit status"
expect_stdout_has "fork: the child's exit(42) arrives" '^child status=42$'
has "exit statuses 0 1 3 127 255 and 265 (low 8 bits) arrive"
has "the child changed only its copy of the stack"
has "wait collects every child"
has "wait without children is ECHILD"
has "WNOHANG while the child runs returns 0"
has "WNOHANG collects a zombie"
expect_stdout_has "fork: getppid in the child is the parent" '^child: getppid matches: yes$'
atexits=$(grep -c '^atexit ran' "$OUT")
check "fork: atexit handlers run once, in pid 1 only" "$atexits atexit lines" \
  test "$atexits" -eq 1
expect_stdout_has "fork: atexit ran in pid 1" '^atexit ran in pid 1$'

has "a pthread forks and waits for its child"

run $UNIKVM $TT mainexit
expect_status "mainexit: the last thread's exit ends pid 1 with status 0" 0
expect_stdout_has "mainexit: threads outlive main's pthread_exit" '^the last thread exits after main$'
expect_stdout_has "mainexit: atexit handlers run then" '^atexit ran in pid 1$'

group forkfork
has "fork inside fork: the grandchild's status reaches its parent"
has "fork inside fork: the grandchild writes through an inherited pipe"
has "an orphan's parent becomes 1"
has "fork with 200 KiB of live stack: each side keeps its own"

for range in "100 1000" "1 1" "1 2" "-50 50" "7 1000"; do
  # shellcheck disable=SC2086
  group forksum $range
  has "forksum equals the arithmetic sum"
done
group forksum 1 2000
expect_stdout_has "forksum 1..2000: about 4000 forks complete" '^forksum 1\.\.2000 = 2001000 \(forks=3998,'
exits_below "forksum 1..2000" 10

group forkloop 4000
has "every forked child's status was collected"
expect_stdout_has "forkloop: 4000 forks" '^forkloop n=4000 ok=4000 '
exits_below "forkloop 4000" 10

group killthreads
has "a child with blocked threads exits"

# ---- pipes and stdio --------------------------------------------------------------------
group pipe
has "read with all writers closed is EOF"
has "write with no reader is EPIPE (no SIGPIPE)"
has "nonblocking read of an empty pipe is EAGAIN"
has "nonblocking write to a full pipe is EAGAIN"
has "a pipe holds 64 KiB"
has "dup takes the lowest free fd"
has "1.2 MB through a pipe arrive intact"
has "EOF after both writers exit"

group stdio
has "all of the child's printf output arrives through the pipe"
has "the parent's unflushed output is not repeated"
has "a thread of the child prints to the child's stdout"
expect_stdout_has "stdio: the parent's own line is whole" '^parent has unflushed output: done$'

# ---- failures are reported, not silent ----------------------------------------------------
for how in overflow overflow-exit; do
  run $UNIKVM $TT $how
  expect_status "$how: a thread overflowing its stack ends the VM with 134" 134
  expect_one_line_error "$how: the overflow is reported with the thread" \
    'guest aborted: thread [0-9]+ \(overflower\): stack overflow$'
  expect_stdout_has "$how: the guest ran up to the overflow" '^overflowing a 16384-byte stack$'
done

run $UNIKVM $TT overflow-main
expect_status "overflow-main: the main thread overflowing its stack ends the VM with 134" 134
expect_one_line_error "overflow-main: reported" 'guest aborted: thread 1 \(main\): stack overflow$'

for how in pipe mutex; do
  run $UNIKVM $TT deadlock-$how
  expect_status "deadlock-$how: ends the VM with 134" 134
  expect_one_line_error "deadlock-$how: reported" 'guest aborted: deadlock: all threads blocked'
  expect_stdout_has "deadlock-$how: the guest ran up to it" '^about to deadlock$'
done

summary
