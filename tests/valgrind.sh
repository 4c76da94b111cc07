#!/bin/sh
# tests/valgrind.sh - valgrind memcheck over the golden tests and files of
# every format (`make valgrind`).  Each run of nnlint goes through
#   valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect
#            --error-exitcode=99
# and fails on a memory error or a definite or indirect leak (exit 99), or
# on a crash (any status but 0, 1 and 2).  The golden tests run as
# tests/suite_golden.sh runs them (text and json, from the checkout's root);
# then a few files of every front end, the other output formats, the rule
# commands, a config, a folder walk with -j 2, and an LSP session.
# Ends with "valgrind: N runs, N failed"; exit status 1 when one failed.
#
#   NNLINT=build/nnlint sh tests/valgrind.sh
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NNLINT=${NNLINT:-$ROOT/build/nnlint}
case $NNLINT in /*) ;; *) NNLINT=$(pwd)/$NNLINT ;; esac
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
[ -d "$CORPUS" ] || CORPUS=
if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind: not installed (apt-get install valgrind)" >&2
  exit 2
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export NO_COLOR=1
unset GITHUB_ACTIONS
cd "$ROOT" || exit 2

runs=0
failed=0
# vg NAME [< INPUT] ARGS...: one nnlint run under memcheck.
vg() {
  name=$1
  shift
  input=/dev/null
  if [ "$1" = "<" ]; then input=$2; shift 2; fi
  runs=$((runs + 1))
  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-file="$TMP/vg.log" "$NNLINT" "$@" <"$input" >"$TMP/vg.out" 2>"$TMP/vg.err"
  st=$?
  case $st in
    0 | 1 | 2) [ -n "${VERBOSE:-}" ] && echo "ok   $name" ;;
    *)
      failed=$((failed + 1))
      echo "FAIL $name (exit $st)"
      head -60 "$TMP/vg.log" | sed 's/^/     /'
      [ -s "$TMP/vg.log" ] || tail -5 "$TMP/vg.err" | sed 's/^/     /' ;;
  esac
}

# the golden tests
for spec in fixtures/golden/*.yaml; do
  vg "golden text $spec" "$spec"
  vg "golden json $spec" --format json "$spec"
done

# every front end (good and broken files), read in place
for f in fixtures/examples/mnist_mlp.nnlint.yaml fixtures/examples/resnet_small.nnlint.yaml \
  fixtures/cli/broken.yaml fixtures/cli/utf8.yaml \
  fixtures/onnx/mlp_ok.onnx fixtures/onnx/residual.onnx fixtures/onnx/subgraph_if.onnx \
  fixtures/onnx/external_zero.onnx fixtures/onnx/bad_truncated.onnx \
  fixtures/onnx/bad_nested_graphs.onnx fixtures/onnx/bad_varint_64.onnx \
  fixtures/onnx-text/forms.onnxtxt fixtures/onnx-text/relu_output.onnxtxt \
  fixtures/keras-json/keras2_functional_skip.json fixtures/keras-json/tfjs_layers_model.json \
  fixtures/keras-json/double_encoded.json fixtures/keras-json/bad/truncated.json \
  fixtures/keras-py/mnist_convnet.py fixtures/keras-py/dynamic.py \
  fixtures/keras-py/import_forms.py; do
  [ -f "$f" ] && vg "file $f" --no-config "$f"
done
for f in fixtures/onnx-text/bad/* fixtures/keras-py/*.py fixtures/fuzz/*/*; do
  case $f in */EXPECTED | fixtures/fuzz/rules/* | fixtures/fuzz/config/* | fixtures/fuzz/lsp/*) continue ;; esac
  [ -f "$f" ] && vg "file $f" --no-config "$f"
done
if [ -n "$CORPUS" ]; then
  for d in yaml-specs onnx-binary onnx-text keras-json; do
    for f in $(ls "$CORPUS/$d" | head -3); do
      vg "corpus $d/$f" --no-config "$CORPUS/$d/$f"
    done
  done
fi

# output formats, rules, config, a folder walk, standard input
for fmt in sarif github lsp; do
  vg "format $fmt" --format "$fmt" --no-config fixtures/golden/mnist_raw.yaml fixtures/onnx/relu_output.onnx
done
vg "--list-rules" --list-rules
vg "--explain" --explain NN007
vg "--check-rules" --check-rules --rules fixtures/cli/rules
vg "bad rule file" --rules fixtures/cli/badrules fixtures/cli/clean.yaml
vg "config" fixtures/config/proj
vg "config bad" --config fixtures/config/bad/unknown-key.yaml fixtures/cli/clean.yaml
vg "walk -j 2" -j 2 --statistics fixtures/examples
vg "baseline" --write-baseline "$TMP/base.json" fixtures/golden
vg "baseline read" --baseline "$TMP/base.json" fixtures/golden
vg "stdin" "<" fixtures/golden/housing.yaml --stdin-filename housing.yaml -

# an LSP session: open, hover, code action, change, save, close, exit
if command -v python3 >/dev/null 2>&1 &&
  python3 tests/fuzz/gen_seeds.py lsp "$TMP/lsp" fixtures/golden/mnist_raw.yaml \
    fixtures/keras-py/mnist_convnet_bad.py fixtures/onnx-text/relu_output.onnxtxt; then
  for s in "$TMP"/lsp/*; do vg "lsp ${s##*/}" "<" "$s" lsp; done
fi

echo "valgrind: $runs runs, $failed failed"
[ "$failed" -eq 0 ]
