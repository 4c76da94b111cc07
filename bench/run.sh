#!/bin/sh
# bench/run.sh - `make bench`: how long nnlint takes on a directory of YAML
# model specs, against a bare libyaml event parse of the same files timed
# in the same run (docs/benchmarks.md says how to read the figures).
#
#   1. builds bench/gen_specs.c, bench/yaml_baseline.c and bench/timeit.c
#      into $B/bench/ (plain cc, pkg-config yaml-0.1);
#   2. generates BENCH_FILES specs (default 2000) into $B/bench/specs/ from
#      BENCH_SEED (default 1): same seed, same bytes;
#   3. one untimed pass of each side (warms the page cache, checks that both
#      saw every file, counts nnlint's findings per rule);
#   4. BENCH_ROUNDS rounds (default 5), each timing both sides, the order
#      alternating from round to round;
#   5. instruction counts (perf stat, else callgrind on the first 100 files),
#      unless BENCH_INSTR=0;
#   6. prints the table; "TARGET MISSED" when the ratio of the medians is
#      above BENCH_TARGET (default 1.5).  Exit 0 either way; 2 only when the
#      harness itself cannot run.
#
# Other knobs: B (build folder, default build), NNLINT (the binary, default
# $B/nnlint), NNLINT_ARGS (options for nnlint; default -j 1: the baseline
# parses on one core, so nnlint is measured on one core too), BENCH_PROFILE=1 (perf
# record nnlint over the corpus and print the hottest functions).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
B=${B:-build}
NNLINT=${NNLINT:-$B/nnlint}
NNLINT_ARGS=${NNLINT_ARGS:--j 1}
N=${BENCH_FILES:-2000}
SEED=${BENCH_SEED:-1}
ROUNDS=${BENCH_ROUNDS:-5}
TARGET=${BENCH_TARGET:-1.5}
INSTR=${BENCH_INSTR:-1}
PROFILE=${BENCH_PROFILE:-0}
CC=${CC:-cc}
OUT=$B/bench
SPECS=$OUT/specs
export NO_COLOR=1 LC_ALL=C

die() { printf 'bench: %s\n' "$*" >&2; exit 2; }

case $N in '' | *[!0-9]*) die "BENCH_FILES must be a number, not '$N'" ;; esac
case $ROUNDS in '' | *[!0-9]* | 0) die "BENCH_ROUNDS must be a positive number" ;; esac
[ -x "$NNLINT" ] || die "$NNLINT not built (run make, or set NNLINT)"
pkg-config --exists yaml-0.1 || die "pkg-config does not know yaml-0.1 (make deps)"
mkdir -p "$OUT" || die "cannot create $OUT"

# ---- 1. tools, rebuilt when their source is newer ----
BFLAGS="-O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra"
build() { # name [libs...]
  src=bench/$1.c bin=$OUT/$1
  if [ ! -x "$bin" ] || [ -n "$(find "$src" -newer "$bin")" ]; then
    shift
    # shellcheck disable=SC2086,SC2046
    $CC $BFLAGS $(pkg-config --cflags yaml-0.1) -o "$bin" "$src" "$@" ||
      die "cannot build $bin"
  fi
}
build gen_specs
build timeit
# shellcheck disable=SC2046
build yaml_baseline $(pkg-config --libs yaml-0.1)

# ---- 2. corpus ----
rm -rf "$SPECS"
GEN=$("$OUT/gen_specs" "$SPECS" "$N" "$SEED") || die "gen_specs failed"
# shellcheck disable=SC2086
set -- $GEN
FILES=$1 BYTES=$2

# ---- 3. untimed pass: warm the cache, check both sides, count findings ----
# shellcheck disable=SC2046
set -- $("$OUT/yaml_baseline" -v "$SPECS" 2>"$OUT/baseline.err")
[ "${1:-0}" = "$FILES" ] || die "baseline parsed ${1:-0} of $FILES files (see $OUT/baseline.err)"
EVENTS=$3
# -v lists the files nnlint skipped (not recognized as model specs) on stderr
# shellcheck disable=SC2086
"$NNLINT" -v $NNLINT_ARGS "$SPECS" >"$OUT/nnlint.out" 2>"$OUT/nnlint.verbose"
NNSTATUS=$?
if [ "$NNSTATUS" = 2 ] && [ ! -s "$OUT/nnlint.out" ]; then # no -v: plain run
  # shellcheck disable=SC2086
  "$NNLINT" $NNLINT_ARGS "$SPECS" >"$OUT/nnlint.out" 2>"$OUT/nnlint.verbose"
  NNSTATUS=$?
fi
SKIPPED=$(grep -c ': skipped' "$OUT/nnlint.verbose")
[ "$SKIPPED" = 0 ] ||
  printf 'bench: warning: nnlint skipped %s of %s files, e.g. %s\n' "$SKIPPED" "$FILES" \
    "$(grep -m1 ': skipped' "$OUT/nnlint.verbose")" >&2
case $NNSTATUS in
  0 | 1) ;;
  2) printf 'bench: warning: nnlint exited 2 (a file could not be read or parsed): %s\n' \
       "$(grep -m1 'NN000' "$OUT/nnlint.out" || sed -n 1p "$OUT/nnlint.out")" >&2 ;;
  *) die "nnlint exited $NNSTATUS on the corpus (see $OUT/nnlint.out)" ;;
esac
FINDINGS=$(grep -cE '^[^ ].*:[0-9]+:[0-9]+: (error|warning|info): ' "$OUT/nnlint.out")
FFILES=$(grep -E '^[^ ].*:[0-9]+:[0-9]+: (error|warning|info): ' "$OUT/nnlint.out" |
  sed 's/:[0-9][0-9]*:[0-9][0-9]*: .*//' | sort -u | wc -l | tr -d ' ')
BYRULE=$(grep -oE '\[NN[0-9]{3}[] ]' "$OUT/nnlint.out" | tr -d '[] ' | sort | uniq -c |
  awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')

# ---- 4. timed rounds, order alternating ----
: >"$OUT/times.baseline"
: >"$OUT/times.nnlint"
run_base() { "$OUT/timeit" "$OUT/baseline.err" "$OUT/yaml_baseline" "$SPECS" >>"$OUT/times.baseline"; }
# shellcheck disable=SC2086
run_nnlint() { "$OUT/timeit" "$OUT/nnlint.run.out" "$NNLINT" $NNLINT_ARGS "$SPECS" >>"$OUT/times.nnlint"; }
r=1
while [ "$r" -le "$ROUNDS" ]; do
  if [ $((r % 2)) -eq 1 ]; then run_base; run_nnlint; else run_nnlint; run_base; fi
  r=$((r + 1))
done
# column $1 of a times file: median (and min, max)
median() { cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR] = $1} END {
  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "%.1f %.1f %.1f\n", m, v[1], v[NR] }'; }
cpu() { awk '{print $2 + $3}' "$1" | sort -n | awk '{v[NR] = $1} END {
  printf "%.1f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# shellcheck disable=SC2046
set -- $(median "$OUT/times.baseline" 1); BMED=$1 BMIN=$2 BMAX=$3
# shellcheck disable=SC2046
set -- $(median "$OUT/times.nnlint" 1); NMED=$1 NMIN=$2 NMAX=$3
BCPU=$(cpu "$OUT/times.baseline")
NCPU=$(cpu "$OUT/times.nnlint")
BRSS=$(cut -d' ' -f4 "$OUT/times.baseline" | sort -n | tail -1)
NRSS=$(cut -d' ' -f4 "$OUT/times.nnlint" | sort -n | tail -1)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
RATIO=$(ratio "$NMED" "$BMED")
# the same, round by round (each pair ran back to back), and of the fastest runs
PAIRED=$(paste -d" " "$OUT/times.baseline" "$OUT/times.nnlint" |
  awk "\$1 > 0 {print \$6 / \$1}" | sort -n | awk '{v[NR] = $1} END {
  printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
MINRATIO=$(ratio "$NMIN" "$BMIN")
CRATIO=$(ratio "$NCPU" "$BCPU")

# ---- 5. instruction counts: stable where wall time is not ----
BINS="" NINS="" INSNOTE=""
perf_ins() { # outfile cmd... -> user-space instructions of cmd
  perf stat -x, -e instructions:u -o "$OUT/perf.stat" "$@" >/dev/null 2>&1 || return 1
  awk -F, '$3 ~ /instructions/ && $1 ~ /^[0-9]+$/ {print $1; found = 1} END {exit !found}' "$OUT/perf.stat"
}
cg_ins() { # cmd... -> instructions counted by callgrind
  valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" "$@" \
    >/dev/null 2>"$OUT/callgrind.err" || true
  awk '/^(summary|totals):/ {print $2; exit}' "$OUT/callgrind.out" 2>/dev/null
}
if [ "$INSTR" != 0 ]; then
  # shellcheck disable=SC2086
  if command -v perf >/dev/null 2>&1 && BINS=$(perf_ins "$OUT/yaml_baseline" "$SPECS") &&
     NINS=$(perf_ins "$NNLINT" $NNLINT_ARGS "$SPECS"); then
    INSNOTE="perf stat -e instructions:u, all $FILES files"
  elif command -v valgrind >/dev/null 2>&1; then
    SUB=$SPECS/g00
    BINS=$(cg_ins "$OUT/yaml_baseline" "$SUB")
    # shellcheck disable=SC2086
    NINS=$(cg_ins "$NNLINT" $NNLINT_ARGS "$SUB")
    INSNOTE="callgrind, the first $(find "$SUB" -name "*.yaml" | wc -l | tr -d " ") files"
  fi
fi

# ---- 6. report ----
CPUS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
VERSION=$("$NNLINT" --version 2>/dev/null | head -1)
[ -n "$VERSION" ] || VERSION=$NNLINT
printf '\nnnlint bench: %s (%s), %s cpus, load %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  "$VERSION" "$CPUS" "$LOAD"
printf '%-24s %s\n' "files" "$FILES (seed $SEED, $EVENTS YAML events)"
printf '%-24s %s\n' "total bytes" "$BYTES"
printf '%-24s %s\n' "rounds" "$ROUNDS (alternating order)"
printf '%-24s %14s %14s %8s\n' "" "baseline" "nnlint" "ratio"
printf '%-24s %14s %14s %8s\n' "median wall ms" "$BMED" "$NMED" "$RATIO"
printf '%-24s %14s %14s %8s\n' "min..max wall ms" "$BMIN..$BMAX" "$NMIN..$NMAX" "$MINRATIO"
printf '%-24s %14s %14s %8s\n' "paired rounds, median" "" "" "$PAIRED"
printf '%-24s %14s %14s %8s\n' "median user+sys ms" "$BCPU" "$NCPU" "$CRATIO"
printf '%-24s %14s %14s\n' "peak RSS KB" "$BRSS" "$NRSS"
if [ -n "$BINS" ] && [ -n "$NINS" ]; then
  printf '%-24s %14s %14s %8s\n' "instructions" "$BINS" "$NINS" "$(ratio "$NINS" "$BINS")"
  printf '%-24s %s\n' "" "($INSNOTE)"
fi
printf '%-24s %s\n' "nnlint findings" "$FINDINGS in $FFILES files, exit $NNSTATUS"
[ "$SKIPPED" = 0 ] || printf '%-24s %s\n' "SKIPPED by nnlint" "$SKIPPED files (not linted: the figures mean little)"
[ -n "$BYRULE" ] && printf '%-24s %s\n' "by rule" "$BYRULE"
if [ "$SKIPPED" != 0 ]; then
  printf 'TARGET NOT MEASURED: nnlint skipped %s of the %s files\n' "$SKIPPED" "$FILES"
elif awk -v r="$RATIO" -v t="$TARGET" 'BEGIN { exit !(r != "n/a" && r + 0 <= t + 0) }'; then
  printf 'target: nnlint within %sx of the baseline: met (%sx)\n' "$TARGET" "$RATIO"
else
  printf 'TARGET MISSED: nnlint takes %sx the baseline (target %sx)\n' "$RATIO" "$TARGET"
fi

# ---- optional: where nnlint's time goes ----
if [ "$PROFILE" != 0 ]; then
  if command -v perf >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    perf record -q -e cpu-clock -F 4999 -g -o "$OUT/perf.data" "$NNLINT" $NNLINT_ARGS "$SPECS" >/dev/null 2>&1
    printf '\nhottest functions (self time, perf report; full data in %s):\n' "$OUT/perf.data"
    perf report -i "$OUT/perf.data" --no-children --stdio --percent-limit 1.5 \
      --sort dso,symbol -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -30
  else
    printf '\nBENCH_PROFILE: perf is not installed\n'
  fi
fi
exit 0
