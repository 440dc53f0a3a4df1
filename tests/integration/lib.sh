# lib.sh: tiny test harness for the integration tests: run a command, assert on what it did.
# Each check prints "ok - NAME" or "not ok - NAME" with the evidence; summary() prints
# "N passed, N failed" and returns non-zero when anything failed.

PASSED=0
FAILED=0
OUT=$(mktemp)
ERR=$(mktemp)
STATUS=0
trap 'rm -f "$OUT" "$ERR"' EXIT

# run CMD...: runs with a time limit, capturing stdout, stderr and the exit status.
run() {
  timeout --kill-after=5 "${RUN_TIMEOUT:-60}" "$@" >"$OUT" 2>"$ERR" </dev/null
  STATUS=$?
}

pass() {
  PASSED=$((PASSED + 1))
  echo "ok - $1"
}

fail() {
  FAILED=$((FAILED + 1))
  echo "not ok - $1: $2"
  echo "  status: $STATUS"
  sed 's/^/  stdout: /' "$OUT" | head -20
  sed 's/^/  stderr: /' "$ERR" | head -20
}

expect_status() { # NAME WANT
  if [ "$STATUS" -eq "$2" ]; then pass "$1"; else fail "$1" "exit status $STATUS, expected $2"; fi
}

expect_stdout() { # NAME EXACT-TEXT
  if [ "$(cat "$OUT")" = "$2" ]; then pass "$1"; else fail "$1" "stdout differs from: $2"; fi
}

expect_stdout_has() { # NAME REGEX
  if grep -Eq -- "$2" "$OUT"; then pass "$1"; else fail "$1" "stdout lacks /$2/"; fi
}

expect_stderr_has() { # NAME REGEX
  if grep -Eq -- "$2" "$ERR"; then pass "$1"; else fail "$1" "stderr lacks /$2/"; fi
}

# The first line of stderr must be one "unikvm: what: why" line.
expect_one_line_error() { # NAME REGEX (the line may come from unikvm or its helper)
  local first
  first=$(head -n 1 "$ERR")
  if [[ "$first" =~ ^unikvm(-slirp)?:\ .+:\ .+ ]] && grep -Eq -- "$2" <<<"$first"; then
    pass "$1"
  else
    fail "$1" "first stderr line is not 'unikvm: <what>: <why>' matching /$2/"
  fi
}

check() { # NAME CONDITION-DESCRIPTION TEST-COMMAND...
  local name=$1 why=$2
  shift 2
  if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

summary() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
