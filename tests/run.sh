#!/bin/sh
# tests/run.sh - the whole test suite: runs every tests/suite_*.sh (or the
# ones named in SUITES="cli rules") and ends with "N passed, N failed".
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NNLINT=${NNLINT:-$ROOT/build/nnlint}
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
[ -d "$CORPUS" ] || CORPUS=
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PASSED=0
FAILED=0
export NO_COLOR=1
unset GITHUB_ACTIONS
. "$ROOT/tests/lib.sh"
cd "$ROOT"
for suite in tests/suite_*.sh; do
  s=${suite#tests/suite_}; s=${s%.sh}
  if [ -n "${SUITES:-}" ]; then
    case " $SUITES " in *" $s "*) ;; *) continue ;; esac
  fi
  printf '== %s\n' "$s"
  . "$ROOT/$suite"
done
printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
[ "$FAILED" -eq 0 ]
