#!/bin/sh
# bench/onnx_text.sh - nnlint on a generated 60,000-node model in the ONNX
# textual syntax, against onnx.parser.parse_model (Debian's python3-onnx)
# on the same file, timed in the same run.
#
#   1. builds bench/timeit.c into $B/bench/;
#   2. generates $B/bench/onnx_text/model.onnxtxt (BENCH_NODES nodes,
#      default 60000; bench/gen_onnx_text.py, BENCH_SEED default 1);
#   3. one untimed pass of each side (warms the cache; both must succeed);
#   4. BENCH_ROUNDS rounds (default 5), each timing both sides, the order
#      alternating from round to round; the medians are compared;
#   5. prints the table (wall time, CPU time = user + sys, peak RSS);
#      "TARGET MISSED" when nnlint's median CPU time is not at least
#      BENCH_TARGET (default 10) times lower (CPU time, because the machines
#      are shared and wall time follows their load).  Exit 0 either way; 2 only
#      when the harness itself cannot run (python3-onnx missing: install it
#      with `apt-get install -y python3-onnx`).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
B=${B:-build}
NNLINT=${NNLINT:-$B/nnlint}
NODES=${BENCH_NODES:-60000}
SEED=${BENCH_SEED:-1}
ROUNDS=${BENCH_ROUNDS:-5}
TARGET=${BENCH_TARGET:-10}
CC=${CC:-cc}
OUT=$B/bench/onnx_text
export NO_COLOR=1 LC_ALL=C

die() { printf 'bench onnx_text: %s\n' "$*" >&2; exit 2; }

case $ROUNDS in '' | *[!0-9]* | 0) die "BENCH_ROUNDS must be a positive number" ;; esac
[ -x "$NNLINT" ] || die "$NNLINT not built (run make, or set NNLINT)"
# Debian's python3-onnx is in the system python, which may not be first on PATH
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for c in /usr/bin/python3 python3; do
    if "$c" -c "import onnx.parser" 2>/dev/null; then PY=$c; break; fi
  done
fi
[ -n "$PY" ] && "$PY" -c "import onnx.parser" 2>/dev/null ||
  die "no python3 can import onnx.parser (apt-get install -y python3-onnx)"
mkdir -p "$OUT" || die "cannot create $OUT"

# ---- 1. timer ----
TIMEIT=$B/bench/timeit
if [ ! -x "$TIMEIT" ] || [ -n "$(find bench/timeit.c -newer "$TIMEIT")" ]; then
  $CC -O2 -std=c11 -D_GNU_SOURCE -o "$TIMEIT" bench/timeit.c || die "cannot build timeit"
fi

# ---- 2. model ----
MODEL=$OUT/model.onnxtxt
# shellcheck disable=SC2046
set -- $(python3 bench/gen_onnx_text.py "$MODEL" "$NODES" "$SEED") || die "generator failed"
GOT_NODES=$1 BYTES=$2

PARSE="import onnx.parser, sys; m = onnx.parser.parse_model(open(sys.argv[1]).read()); assert len(m.graph.node) == $GOT_NODES, len(m.graph.node)"

ONNX_VERSION=$("$PY" -c "import onnx; print(onnx.__version__)")

# ---- 3. untimed pass ----
"$PY" -c "$PARSE" "$MODEL" >"$OUT/onnx.out" 2>&1 || die "onnx.parser failed on $MODEL (see $OUT/onnx.out)"
"$NNLINT" "$MODEL" >"$OUT/nnlint.out" 2>&1
st=$?
[ $st -le 1 ] || die "nnlint exit status $st on $MODEL (see $OUT/nnlint.out)"
grep -q NN000 "$OUT/nnlint.out" && die "nnlint reported NN000 on $MODEL"

# ---- 4. rounds ----
: >"$OUT/nn.times"
: >"$OUT/py.times"
i=0
while [ $i -lt "$ROUNDS" ]; do
  if [ $((i % 2)) = 0 ]; then
    "$TIMEIT" "$OUT/nnlint.out" "$NNLINT" "$MODEL" >>"$OUT/nn.times"
    "$TIMEIT" "$OUT/onnx.out" "$PY" -c "$PARSE" "$MODEL" >>"$OUT/py.times"
  else
    "$TIMEIT" "$OUT/onnx.out" "$PY" -c "$PARSE" "$MODEL" >>"$OUT/py.times"
    "$TIMEIT" "$OUT/nnlint.out" "$NNLINT" "$MODEL" >>"$OUT/nn.times"
  fi
  i=$((i + 1))
done

# ---- 5. table ----
median() { # file column
  awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{a[NR]=$1} END {
    if (NR % 2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2 }'
}
# CPU time of a round: user + sys (columns 2 and 3)
awk '{ printf "%.1f\n", $2 + $3 }' "$OUT/nn.times" >"$OUT/nn.cpu"
awk '{ printf "%.1f\n", $2 + $3 }' "$OUT/py.times" >"$OUT/py.cpu"
NN_MS=$(median "$OUT/nn.times" 1)
PY_MS=$(median "$OUT/py.times" 1)
NN_CPU=$(median "$OUT/nn.cpu" 1)
PY_CPU=$(median "$OUT/py.cpu" 1)
NN_RSS=$(median "$OUT/nn.times" 4)
PY_RSS=$(median "$OUT/py.times" 4)
WRATIO=$(awk -v a="$PY_MS" -v b="$NN_MS" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
RATIO=$(awk -v a="$PY_CPU" -v b="$NN_CPU" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
printf 'ONNX text: %s nodes, %s bytes, median of %s rounds\n' "$GOT_NODES" "$BYTES" "$ROUNDS"
printf '  %-40s %10s %10s %12s\n' "" "wall ms" "CPU ms" "max RSS KiB"
printf '  %-40s %10s %10s %12s\n' "nnlint $MODEL" "$NN_MS" "$NN_CPU" "$NN_RSS"
printf '  %-40s %10s %10s %12s\n' "onnx.parser.parse_model (python3-onnx $ONNX_VERSION)" "$PY_MS" "$PY_CPU" "$PY_RSS"
printf '  nnlint is %sx faster in CPU time, %sx in wall time (target: %sx)' "$RATIO" "$WRATIO" "$TARGET"
if awk -v r="$RATIO" -v t="$TARGET" 'BEGIN { exit !(r >= t) }'; then
  printf '\n'
else
  printf '  TARGET MISSED\n'
fi
exit 0
