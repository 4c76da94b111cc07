#!/bin/sh
# tests/fuzz/run.sh - run the libFuzzer targets that `make fuzz` builds.
#
#   sh tests/fuzz/run.sh [-smoke] TARGET|all SECONDS
#
# TARGET is one of: yaml onnx onnx_text keras_json keras_py rules config lsp
# (the binaries $B/fuzz/fuzz_TARGET; B defaults to build).  Each target runs
# with -max_total_time=SECONDS -rss_limit_mb=512 -timeout=10, its
# dictionary (tests/fuzz/*.dict) and seeds read in place: model files of its
# format from fixtures/ and the shared corpus (../shared/corpus, or CORPUS),
# plus fixtures/fuzz/TARGET/, given to libFuzzer as a folder of symbolic
# links (seeds/TARGET/).  LSP
# sessions and .keras zips are generated from fixtures by gen_seeds.py.
#
# Everything a run writes is under FUZZ_WORK (default $B/fuzz/work):
#   corpus/TARGET/     the working corpus (grows from run to run)
#   seeds/TARGET/      links to the seed files, remade for each run
#   artifacts/TARGET/  crash-*, leak-*, timeout-*, oom-* reproducers
#   logs/TARGET.log    the last run's libFuzzer output
#   tmp/TARGET/        the target's scratch files (NNLINT_FUZZ_TMP)
#   summary.log        one line per run, appended
#
# Without -smoke, a target runs in libFuzzer's fork mode and keeps going
# past crashes (each one is saved as an artifact).  With -smoke, the first
# crash, leak, timeout or OOM stops the target, and the script exits 1 when
# any target failed.  Either way one line per target is printed:
#   fuzz yaml: 20 s (cpu 19 s), 51234 execs, cov 2345 ft 8765, corpus 412,
#     crashes 0: ok
set -u

smoke=
if [ "${1:-}" = -smoke ]; then smoke=1; shift; fi
if [ $# -ne 2 ]; then
  echo "usage: sh tests/fuzz/run.sh [-smoke] TARGET|all SECONDS" >&2
  exit 2
fi
target=$1
seconds=$2
case $seconds in '' | *[!0-9]*) echo "run.sh: SECONDS must be a number" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case $B in /*) bdir=$B ;; *) bdir=$ROOT/$B ;; esac
WORK=${FUZZ_WORK:-$bdir/fuzz/work}
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
[ -d "$CORPUS" ] || CORPUS=
ALL="yaml onnx onnx_text keras_json keras_py rules config lsp"

# Seed files of a target, one path per line (read in place).
seeds() {
  cd "$ROOT" || return
  case $1 in
    yaml)
      find fixtures -name '*.yaml' -o -name '*.yml'
      find fixtures/golden -name '*.json'
      [ -n "$CORPUS" ] && find "$CORPUS/yaml-specs" "$CORPUS/training-yaml" -type f ;;
    onnx)
      find fixtures -name '*.onnx'
      [ -n "$CORPUS" ] && find "$CORPUS/onnx-binary" -type f -name '*.onnx' ;;
    onnx_text)
      find fixtures -name '*.onnxtxt' -o -name '*.onnx.txt'
      [ -n "$CORPUS" ] && find "$CORPUS/onnx-text" -type f ;;
    keras_json)
      find fixtures/keras-json -name '*.json'
      [ -n "$CORPUS" ] && find "$CORPUS/keras-json" -type f
      find "$WORK/gen/keras_json" -type f 2>/dev/null ;;
    keras_py)
      find fixtures -name '*.py' ;;
    rules)
      find rules -name 'NN*.yaml'
      find fixtures/cli/rules fixtures/cli/badrules tests/engine -name '*.yaml' ;;
    config)
      find fixtures -name .nnlint.yaml
      find fixtures/config/bad -name '*.yaml' ;;
    lsp)
      find "$WORK/gen/lsp" -type f 2>/dev/null ;;
  esac
  [ -d "fixtures/fuzz/$1" ] && find "fixtures/fuzz/$1" -type f
}

# Seeds that have to be made: LSP sessions and .keras archives.
generate() {
  command -v python3 >/dev/null 2>&1 || return 0
  case $1 in
    lsp)
      rm -rf "$WORK/gen/lsp"
      (cd "$ROOT" && python3 tests/fuzz/gen_seeds.py lsp "$WORK/gen/lsp" \
        fixtures/golden/*.yaml fixtures/examples/*.yaml fixtures/cli/utf8.yaml \
        fixtures/onnx-text/*.onnxtxt fixtures/keras-json/*.json \
        fixtures/keras-py/*.py) ;;
    keras_json)
      rm -rf "$WORK/gen/keras_json"
      (cd "$ROOT" && python3 tests/fuzz/gen_seeds.py keras_json "$WORK/gen/keras_json" \
        fixtures/keras-json/*.json) ;;
  esac
}

# CPU seconds (user + system) of the finished children of this shell so far
# (`times` in the shell itself: a command substitution is a new shell).
child_cpu() {
  times >"$WORK/logs/$t.times"
  awk 'NR == 2 {
    t = 0
    for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] }
    printf "%d\n", t }' "$WORK/logs/$t.times"
}

# The last value of a libFuzzer status field ("cov: 123") in a log.
field() { grep -o "$1: *[0-9]*" "$2" | tail -1 | grep -o '[0-9]*$'; }

# A small ASan quarantine: freed memory is reused sooner, and the targets,
# which allocate afresh for every input, run several times faster.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=16:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=0
run_one() {
  t=$1
  bin=$bdir/fuzz/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "fuzz $t: no binary $bin (run make fuzz B=$B)"
    failed=1
    return
  fi
  mkdir -p "$WORK/corpus/$t" "$WORK/artifacts/$t" "$WORK/logs"
  generate "$t"
  # seeds over the size limit are left out (libFuzzer would truncate them)
  case $t in onnx) max_len=131072 ;; *) max_len=65536 ;; esac
  seeds "$t" | sort -u | while IFS= read -r f; do
    case $f in /*) p=$f ;; *) p=$ROOT/$f ;; esac
    [ -f "$p" ] && [ "$(wc -c <"$p")" -le "$max_len" ] && printf '%s\n' "$p"
  done >"$WORK/$t.seeds"
  # a folder of symbolic links to them: libFuzzer's fork mode reads seed
  # folders but not -seed_inputs
  rm -rf "$WORK/seeds/$t"
  mkdir -p "$WORK/seeds/$t"
  n=0
  while IFS= read -r p; do
    n=$((n + 1))
    ln -s "$p" "$WORK/seeds/$t/$n-${p##*/}"
  done <"$WORK/$t.seeds"
  set -- -max_total_time="$seconds" -rss_limit_mb=512 -timeout=10 \
    -max_len="$max_len" -print_final_stats=1 \
    -artifact_prefix="$WORK/artifacts/$t/"
  case $t in
    keras_json | keras_py) dict=keras ;;
    *) dict=$t ;;
  esac
  [ -f "$ROOT/tests/fuzz/$dict.dict" ] && set -- "$@" -dict="$ROOT/tests/fuzz/$dict.dict"
  [ "$t" = lsp ] && set -- "$@" -close_fd_mask=3
  supp=
  if [ -z "$smoke" ]; then
    set -- "$@" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
    supp=$ROOT/tests/fuzz/lsan.supp
  fi
  # the targets' scratch folder (fuzz.c: fz_tmpdir)
  mkdir -p "$WORK/tmp"
  export NNLINT_FUZZ_TMP="$WORK/tmp/$t"
  log=$WORK/logs/$t.log
  marker=$WORK/logs/$t.start
  : >"$marker"
  start=$(date +%s)
  child_cpu >"$WORK/logs/$t.cpu0"
  (cd "$WORK" && LSAN_OPTIONS="${LSAN_OPTIONS:-${supp:+suppressions=$supp}}" \
    "$bin" "$@" "$WORK/corpus/$t" "$WORK/seeds/$t") >"$log" 2>&1
  st=$?
  secs=$(($(date +%s) - start))
  child_cpu >"$WORK/logs/$t.cpu1"
  cpu=$(($(cat "$WORK/logs/$t.cpu1") - $(cat "$WORK/logs/$t.cpu0")))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  cov=$(field cov "$log")
  ft=$(field ft "$log")
  corp=$(find "$WORK/corpus/$t" -type f | wc -l)
  crashes=$(find "$WORK/artifacts/$t" -type f -newer "$marker" | wc -l)
  result=ok
  if [ "$st" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    result="FAILED (exit $st; see $log and $WORK/artifacts/$t/)"
    failed=1
  fi
  line="fuzz $t: $secs s (cpu $cpu s), ${execs:-0} execs, cov ${cov:-?} ft ${ft:-?}, corpus $corp, crashes $crashes: $result"
  echo "$line"
  echo "$(date '+%Y-%m-%d %H:%M:%S') ${smoke:+smoke }$line" >>"$WORK/summary.log"
}

mkdir -p "$WORK"
if [ "$target" = all ]; then
  for t in $ALL; do run_one "$t"; done
else
  case " $ALL " in
    *" $target "*) run_one "$target" ;;
    *) echo "run.sh: unknown target '$target' (all, $ALL)" >&2; exit 2 ;;
  esac
fi
[ "$failed" -eq 0 ]
