#!/bin/sh
# bench/keras_py.sh - nnlint on a generated ~19,000-line Keras Python
# program, against a bare tree-sitter-python parse of the same file
# (bench/ts_parse.c: read, ts_parser_parse_string, nothing else), timed in
# the same run.
#
#   1. builds bench/timeit.c and bench/ts_parse.c (with the grammar objects
#      of $B) into $B/bench/;
#   2. generates $B/bench/keras_py/model.py (BENCH_LINES lines, default
#      19000; bench/gen_keras_py.py, BENCH_SEED default 1);
#   3. one untimed pass of each side (nnlint must not report NN000);
#   4. BENCH_ROUNDS rounds (default 7), each timing both sides, the order
#      alternating; the medians are compared;
#   5. prints the table (wall, user+sys CPU and peak RSS medians, and the
#      CPU ratio); "TARGET MISSED" when nnlint's median wall time is more
#      than BENCH_TARGET (default 1.3) times the bare parse's.  Exit 0 either way;
#      2 only when the harness cannot run.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
B=${B:-build}
NNLINT=${NNLINT:-$B/nnlint}
LINES=${BENCH_LINES:-19000}
SEED=${BENCH_SEED:-1}
ROUNDS=${BENCH_ROUNDS:-7}
TARGET=${BENCH_TARGET:-1.3}
CC=${CC:-cc}
OUT=$B/bench/keras_py
export NO_COLOR=1 LC_ALL=C

die() { printf 'bench keras_py: %s\n' "$*" >&2; exit 2; }

case $ROUNDS in '' | *[!0-9]* | 0) die "BENCH_ROUNDS must be a positive number" ;; esac
[ -x "$NNLINT" ] || die "$NNLINT not built (run make, or set NNLINT)"
GOBJ="$B/obj/grammars/python/parser.o $B/obj/grammars/python/scanner.o"
for o in $GOBJ; do [ -f "$o" ] || die "$o missing (run make B=$B)"; done
mkdir -p "$OUT" || die "cannot create $OUT"

# ---- 1. programs ----
TIMEIT=$B/bench/timeit
if [ ! -x "$TIMEIT" ] || [ -n "$(find bench/timeit.c -newer "$TIMEIT")" ]; then
  $CC -O2 -std=c11 -D_GNU_SOURCE -o "$TIMEIT" bench/timeit.c || die "cannot build timeit"
fi
TSP=$B/bench/ts_parse
# shellcheck disable=SC2086
$CC -O2 -std=c11 -o "$TSP" bench/ts_parse.c $GOBJ $(pkg-config --libs tree-sitter) ||
  die "cannot build ts_parse"

# ---- 2. program ----
MODEL=$OUT/model.py
# shellcheck disable=SC2046
set -- $(python3 bench/gen_keras_py.py "$MODEL" "$LINES" "$SEED") || die "generator failed"
GOT_LINES=$1 BYTES=$2

# ---- 3. untimed pass ----
"$TSP" "$MODEL" >"$OUT/ts.out" 2>&1 || die "ts_parse failed on $MODEL"
"$NNLINT" "$MODEL" >"$OUT/nnlint.out" 2>&1
st=$?
[ $st -le 1 ] || die "nnlint exit status $st on $MODEL (see $OUT/nnlint.out)"
grep -q NN000 "$OUT/nnlint.out" && die "nnlint reported NN000 on $MODEL"
MODELS=$("$NNLINT" --verbose "$MODEL" 2>&1 | grep -c "model" || true)

# ---- 4. rounds ----
: >"$OUT/nn.times"
: >"$OUT/ts.times"
i=0
while [ $i -lt "$ROUNDS" ]; do
  if [ $((i % 2)) = 0 ]; then
    "$TIMEIT" "$OUT/nnlint.out" "$NNLINT" "$MODEL" >>"$OUT/nn.times"
    "$TIMEIT" "$OUT/ts.out" "$TSP" "$MODEL" >>"$OUT/ts.times"
  else
    "$TIMEIT" "$OUT/ts.out" "$TSP" "$MODEL" >>"$OUT/ts.times"
    "$TIMEIT" "$OUT/nnlint.out" "$NNLINT" "$MODEL" >>"$OUT/nn.times"
  fi
  i=$((i + 1))
done

# ---- 5. table ----
median() { # file column ("cpu": user + sys)
  awk -v c="$2" '{print (c == "cpu" ? $2 + $3 : $c)}' "$1" | sort -n | awk '{a[NR]=$1} END {
    if (NR % 2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2 }'
}
NN_MS=$(median "$OUT/nn.times" 1)
TS_MS=$(median "$OUT/ts.times" 1)
NN_CPU=$(median "$OUT/nn.times" cpu)
TS_CPU=$(median "$OUT/ts.times" cpu)
NN_RSS=$(median "$OUT/nn.times" 4)
TS_RSS=$(median "$OUT/ts.times" 4)
RATIO=$(awk -v a="$NN_MS" -v b="$TS_MS" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
CPU_RATIO=$(awk -v a="$NN_CPU" -v b="$TS_CPU" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
printf 'Keras Python: %s lines, %s bytes, median of %s rounds\n' "$GOT_LINES" "$BYTES" "$ROUNDS"
printf '  %-40s %10s %12s %12s\n' "" "wall ms" "user+sys ms" "max RSS KiB"
printf '  %-40s %10s %12s %12s\n' "nnlint $MODEL" "$NN_MS" "$NN_CPU" "$NN_RSS"
printf '  %-40s %10s %12s %12s\n' "tree-sitter-python parse only" "$TS_MS" "$TS_CPU" "$TS_RSS"
printf '  CPU (user+sys) ratio: %sx\n' "$CPU_RATIO"
printf '  nnlint takes %sx the bare parse (target: at most %sx)' "$RATIO" "$TARGET"
if awk -v r="$RATIO" -v t="$TARGET" 'BEGIN { exit !(r <= t) }'; then
  printf '\n'
else
  printf '  TARGET MISSED\n'
fi
exit 0
