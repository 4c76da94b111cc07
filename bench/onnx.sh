#!/bin/sh
# bench/onnx.sh - nnlint on a generated ~100 MB binary ONNX model (a
# residual conv stack and an MLP head, random float32 weights), against
# `cat model.onnx > /dev/null` and, as the reference a user would otherwise
# run, onnx.checker.check_model(onnx.load(...)) from Debian's python3-onnx,
# all timed in the same run.
#
#   1. builds bench/timeit.c into $B/bench/;
#   2. generates $B/bench/onnx/model.onnx (BENCH_ONNX_MB megabytes, default
#      100; bench/gen_onnx_binary.py, BENCH_SEED default 1), unless a model
#      from the same size and seed is already there;
#   3. one untimed pass of each side (warms the page cache; all must pass);
#   4. BENCH_ROUNDS rounds (default 5) of cat and nnlint, the order
#      alternating; BENCH_CHECK_ROUNDS (default 3) rounds of the checker;
#   5. prints the table of medians (wall and user+sys CPU time: on a busy
#      machine the CPU time is the steadier figure); "TARGET MISSED" when nnlint takes more
#      than BENCH_ONNX_TARGET (default 3) times cat's time, or its peak RSS
#      is above BENCH_ONNX_RSS_KB (default 65536).  Exit 0 either way; 2 only
#      when the harness itself cannot run (python3-onnx missing: install it
#      with `apt-get install -y python3-onnx`).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
B=${B:-build}
NNLINT=${NNLINT:-$B/nnlint}
MB=${BENCH_ONNX_MB:-100}
SEED=${BENCH_SEED:-1}
ROUNDS=${BENCH_ROUNDS:-5}
CROUNDS=${BENCH_CHECK_ROUNDS:-3}
TARGET=${BENCH_ONNX_TARGET:-3}
RSS_KB=${BENCH_ONNX_RSS_KB:-65536}
CC=${CC:-cc}
OUT=$B/bench/onnx
export NO_COLOR=1 LC_ALL=C

die() { printf 'bench onnx: %s\n' "$*" >&2; exit 2; }

case $ROUNDS in '' | *[!0-9]* | 0) die "BENCH_ROUNDS must be a positive number" ;; esac
case $CROUNDS in '' | *[!0-9]* | 0) die "BENCH_CHECK_ROUNDS must be a positive number" ;; esac
[ -x "$NNLINT" ] || die "$NNLINT not built (run make, or set NNLINT)"
# Debian's python3-onnx is in the system python, which may not be first on PATH
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for c in /usr/bin/python3 python3; do
    if "$c" -c "import onnx, numpy" 2>/dev/null; then PY=$c; break; fi
  done
fi
[ -n "$PY" ] && "$PY" -c "import onnx, numpy" 2>/dev/null ||
  die "no python3 can import onnx and numpy (apt-get install -y python3-onnx)"
mkdir -p "$OUT" || die "cannot create $OUT"

# ---- 1. timer ----
TIMEIT=$B/bench/timeit
if [ ! -x "$TIMEIT" ] || [ -n "$(find bench/timeit.c -newer "$TIMEIT")" ]; then
  $CC -O2 -std=c11 -D_GNU_SOURCE -o "$TIMEIT" bench/timeit.c || die "cannot build timeit"
fi

# ---- 2. model (kept between runs: same size and seed, same bytes) ----
MODEL=$OUT/model.onnx
STAMP="$MB $SEED $(cksum <bench/gen_onnx_binary.py)"
if [ ! -f "$MODEL" ] || [ "$(cat "$OUT/model.stamp" 2>/dev/null)" != "$STAMP" ]; then
  "$PY" bench/gen_onnx_binary.py "$MODEL" "$MB" "$SEED" >"$OUT/model.info" ||
    die "generator failed"
  printf '%s\n' "$STAMP" >"$OUT/model.stamp"
fi
set -- $(cat "$OUT/model.info")
NODES=$1 BYTES=$2

CHECK="import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]))"
ONNX_VERSION=$("$PY" -c "import onnx; print(onnx.__version__)")

# ---- 3. untimed pass ----
cat "$MODEL" >/dev/null || die "cannot read $MODEL"
"$PY" -c "$CHECK" "$MODEL" >"$OUT/check.out" 2>&1 || die "onnx.checker failed on $MODEL (see $OUT/check.out)"
"$NNLINT" "$MODEL" >"$OUT/nnlint.out" 2>&1
st=$?
[ $st -le 1 ] || die "nnlint exit status $st on $MODEL (see $OUT/nnlint.out)"
grep -q NN000 "$OUT/nnlint.out" && die "nnlint reported NN000 on $MODEL"

# ---- 4. rounds ----
: >"$OUT/nn.times"
: >"$OUT/cat.times"
: >"$OUT/check.times"
i=0
while [ $i -lt "$ROUNDS" ]; do
  if [ $((i % 2)) = 0 ]; then
    "$TIMEIT" "$OUT/nnlint.out" "$NNLINT" "$MODEL" >>"$OUT/nn.times"
    "$TIMEIT" /dev/null cat "$MODEL" >>"$OUT/cat.times"
  else
    "$TIMEIT" /dev/null cat "$MODEL" >>"$OUT/cat.times"
    "$TIMEIT" "$OUT/nnlint.out" "$NNLINT" "$MODEL" >>"$OUT/nn.times"
  fi
  i=$((i + 1))
done
i=0
while [ $i -lt "$CROUNDS" ]; do
  "$TIMEIT" "$OUT/check.out" "$PY" -c "$CHECK" "$MODEL" >>"$OUT/check.times"
  i=$((i + 1))
done

# ---- 5. table ----
median() { # file column
  awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{a[NR]=$1} END {
    if (NR % 2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2 }'
}
NN_MS=$(median "$OUT/nn.times" 1)
CAT_MS=$(median "$OUT/cat.times" 1)
CK_MS=$(median "$OUT/check.times" 1)
cpu() { awk '{printf "%.1f\n", $2 + $3}' "$1" >"$1.cpu"; median "$1.cpu" 1; }
NN_CPU=$(cpu "$OUT/nn.times")
CAT_CPU=$(cpu "$OUT/cat.times")
CK_CPU=$(cpu "$OUT/check.times")
NN_RSS=$(median "$OUT/nn.times" 4)
CAT_RSS=$(median "$OUT/cat.times" 4)
CK_RSS=$(median "$OUT/check.times" 4)
RATIO=$(awk -v a="$NN_MS" -v b="$CAT_MS" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
CK_RATIO=$(awk -v a="$CK_MS" -v b="$NN_MS" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }')
printf 'ONNX binary: %s nodes, %s bytes, median of %s rounds (checker: %s)\n' \
  "$NODES" "$BYTES" "$ROUNDS" "$CROUNDS"
printf '  %-46s %10s %10s %12s\n' "" "wall ms" "cpu ms" "max RSS KiB"
printf '  %-46s %10s %10s %12s\n' "nnlint" "$NN_MS" "$NN_CPU" "$NN_RSS"
printf '  %-46s %10s %10s %12s\n' "cat model.onnx > /dev/null" "$CAT_MS" "$CAT_CPU" "$CAT_RSS"
printf '  %-46s %10s %10s %12s\n' "onnx.checker.check_model(onnx.load()) $ONNX_VERSION" "$CK_MS" "$CK_CPU" "$CK_RSS"
printf '  nnlint takes %sx the time of cat (target: at most %sx), %s KiB peak RSS (target: under %s KiB); the checker takes %sx nnlint'"'"'s time' \
  "$RATIO" "$TARGET" "$NN_RSS" "$RSS_KB" "$CK_RATIO"
if awk -v r="$RATIO" -v t="$TARGET" -v m="$NN_RSS" -v l="$RSS_KB" \
  'BEGIN { exit !(r <= t && m < l) }'; then
  printf '\n'
else
  printf '  TARGET MISSED\n'
fi
exit 0
