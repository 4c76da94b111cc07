# tests/suite_fuzz_regress.sh - the inputs the fuzz targets (tests/fuzz/)
# found bugs with, kept as fixtures/fuzz/TARGET/*, run through the normal
# nnlint (sourced by tests/run.sh: NNLINT, ROOT, TMP).
#
# Each must end with exit status 0, 1 or 2, within 20 seconds, without a
# sanitizer report (with the sanitizer build, ASan/UBSan/LSan exit 99); a 2
# must come with a location: an NN000 at path:line:col for a model file, a
# path:line:col error for a rule or config file.
#   model formats (yaml onnx onnx_text keras_json keras_py)  nnlint FILE
#   rules    nnlint --rules DIR --check-rules   (DIR holds only FILE)
#   config   nnlint --config FILE fixtures/examples/mnist_mlp.nnlint.yaml
#   lsp      nnlint lsp < FILE                  (0 or 1; 2 is a usage error)

fz_timeout=
command -v timeout >/dev/null 2>&1 && fz_timeout="timeout 20"
fz_asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99"
fz_ubsan="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=99"
fz_n=0
for fz_file in "$ROOT"/fixtures/fuzz/*/*; do
  [ -f "$fz_file" ] || continue
  fz_target=${fz_file%/*}; fz_target=${fz_target##*/}
  fz_rel=fixtures/fuzz/$fz_target/${fz_file##*/}
  fz_name="fuzz regress: $fz_rel"
  fz_n=$((fz_n + 1))
  fz_loc=$fz_rel # the path a located message starts with
  case $fz_target in
    rules)
      rm -rf "$TMP/fz_rules"; mkdir -p "$TMP/fz_rules"
      cp "$fz_file" "$TMP/fz_rules/rule.yaml"
      fz_loc=$TMP/fz_rules/rule.yaml
      set -- --rules "$TMP/fz_rules" --check-rules ;;
    config) set -- --config "$fz_rel" fixtures/examples/mnist_mlp.nnlint.yaml ;;
    lsp) set -- lsp ;;
    *) set -- --no-config "$fz_rel" ;;
  esac
  if [ "$fz_target" = lsp ]; then
    (cd "$ROOT" && ASAN_OPTIONS=$fz_asan UBSAN_OPTIONS=$fz_ubsan NO_COLOR=1 \
      $fz_timeout "$NNLINT" "$@" <"$fz_file") >"$TMP/fz.out" 2>"$TMP/fz.err"
  else
    (cd "$ROOT" && ASAN_OPTIONS=$fz_asan UBSAN_OPTIONS=$fz_ubsan NO_COLOR=1 \
      $fz_timeout "$NNLINT" "$@" </dev/null) >"$TMP/fz.out" 2>"$TMP/fz.err"
  fi
  fz_st=$?
  if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$TMP/fz.err"; then
    fail "$fz_name" "sanitizer report (exit $fz_st)" "$(grep -A12 'ERROR:\|runtime error:' "$TMP/fz.err" | head -16)"
    continue
  fi
  fz_ok=0,1,2
  [ "$fz_target" = lsp ] && fz_ok=0,1
  case ,$fz_ok, in
    *,"$fz_st",*) ;;
    *)
      fail "$fz_name" "exit status $fz_st (crash, hang or wrong status)" "$(tail -5 "$TMP/fz.err")"
      continue ;;
  esac
  if [ "$fz_st" = 2 ]; then
    case $fz_target in
      rules | config) fz_pat="^$fz_loc:[0-9][0-9]*:[0-9][0-9]*: " ;;
      *) fz_pat="^$fz_loc:[0-9][0-9]*:[0-9][0-9]*: error: .*\[NN000" ;;
    esac
    if ! cat "$TMP/fz.out" "$TMP/fz.err" | grep -q "$fz_pat"; then
      fail "$fz_name" "exit status 2 without a located error" "$(head -5 "$TMP/fz.out" "$TMP/fz.err")"
      continue
    fi
  fi
  pass "$fz_name"
done
if [ "$fz_n" -gt 0 ]; then pass "fuzz regress: $fz_n fixtures found"
else fail "fuzz regress: no fixtures in fixtures/fuzz/"; fi
