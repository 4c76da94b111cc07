# tests/lib.sh - shared by every tests/suite_*.sh (sourced by tests/run.sh).
#
#   pass NAME                 record a passing check
#   fail NAME [DETAIL...]     record a failing check and print why
#   check NAME CMD...         pass if CMD exits 0, else fail
#   golden NAME EXPECTED_FILE ACTUAL_FILE   compare, print a diff on mismatch
#   expect_status NAME WANT CMD...          run CMD, compare its exit status
#
# Variables: NNLINT (the binary), ROOT (the checkout), CORPUS (../shared/corpus
# when present), TMP (a scratch folder removed at the end).

pass() { PASSED=$((PASSED + 1)); [ -n "${VERBOSE:-}" ] && printf 'ok   %s\n' "$1"; return 0; }
fail() {
  FAILED=$((FAILED + 1))
  printf 'FAIL %s\n' "$1"
  shift
  [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/     /'
  return 0
}
check() {
  name=$1; shift
  if "$@" >"$TMP/check.out" 2>&1; then pass "$name"; else fail "$name" "$(head -20 "$TMP/check.out")"; fi
}
golden() {
  if [ ! -f "$2" ]; then fail "$1" "missing expected file $2"; return; fi
  if diff -u "$2" "$3" >"$TMP/golden.diff" 2>&1; then pass "$1"; else fail "$1" "$(head -40 "$TMP/golden.diff")"; fi
}
expect_status() {
  name=$1; want=$2; shift 2
  "$@" >"$TMP/status.out" 2>&1
  got=$?
  if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "exit status $got, want $want" "$(head -20 "$TMP/status.out")"; fi
}
