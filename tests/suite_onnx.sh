# tests/suite_onnx.sh - the binary ONNX front end and the ONNX graph to IR
# step (sourced by tests/run.sh).
#
#   fixtures/onnx/*.onnx     one mistake or feature each (made by
#                            tests/onnx/make_fixtures.py): the rule ids
#                            nnlint reports must be exactly the expected ones
#   fixtures/onnx/bad_*.onnx malformed files: NN000 with a byte offset, exit 2
#   $CORPUS/onnx-binary      real models: no crash, no NN000

ONNX_FIX=$ROOT/fixtures/onnx

# The sorted rule ids nnlint reports on a file (JSON output).
onnx_rules() {
  "$NNLINT" --format json "$1" 2>/dev/null |
    sed -n 's/.*"rule": *"\(NN[0-9]*\)".*/\1/p' | sort -u | tr '\n' ' ' |
    sed 's/ $//'
}

# expect_rules FIXTURE "NN001 NN007": exactly these rule ids ("" for none).
expect_rules() {
  got=$(onnx_rules "$ONNX_FIX/$1.onnx")
  if [ "$got" = "$2" ]; then pass "onnx $1: [$2]"
  else fail "onnx $1" "reported [$got], expected [$2]"; fi
}

expect_rules mlp_ok ""
expect_rules relu_output "NN007"
expect_rules clip_relu6_output "NN007"
expect_rules zero_weights "NN009"
expect_rules equal_weights "NN009"
expect_rules external_zero "NN009"
expect_rules uint8_raw "NN001"
expect_rules uint8_normalized ""
expect_rules ids_as_numbers "NN003"
expect_rules ids_embedding ""
expect_rules round_between "NN008"
expect_rules cast_int_between "NN008"
expect_rules argmax_after ""
expect_rules residual ""
expect_rules shape_subgraph ""
expect_rules constant_weights ""
expect_rules ir3_initializer_inputs ""
expect_rules subgraph_if ""
expect_rules training_adam "NN004"

# Severities and locations that matter.
out=$("$NNLINT" --format json "$ONNX_FIX/zero_weights.onnx" 2>&1)
case $out in
  *'"severity": "error"'*'zero_weights/fc1/Gemm'* | *'zero_weights/fc1/Gemm'*'"severity": "error"'*)
    pass "onnx zero_weights: error at the node" ;;
  *) fail "onnx zero_weights: error at the node" "$out" ;;
esac
out=$("$NNLINT" --format json "$ONNX_FIX/equal_weights.onnx" 2>&1)
case $out in
  *'"severity": "warning"'*) pass "onnx equal_weights: warning" ;;
  *) fail "onnx equal_weights: warning" "$out" ;;
esac
out=$("$NNLINT" "$ONNX_FIX/external_escape.onnx" 2>&1)
case $out in
  *"leaves the model's folder"*) pass "onnx external data outside the folder refused" ;;
  *) fail "onnx external data outside the folder refused" "$out" ;;
esac

# Golden findings: the full JSON output for fixtures with one mistake each
# (ReLU on the output, an all-zero hidden weight, raw uint8 pixels into a
# Conv, a training graph with no regularization), compared with the files in
# fixtures/onnx/golden/.  ONNX_UPDATE_GOLDEN=1 writes them from the current
# output instead (review every line against the spec before committing).
mkdir -p "$ONNX_FIX/golden"
for g in relu_output zero_weights uint8_raw training_adam; do
  "$NNLINT" --format json "$ONNX_FIX/$g.onnx" 2>/dev/null |
    sed "s|$ROOT/||" > "$TMP/onnx_$g.json"
  [ -n "${ONNX_UPDATE_GOLDEN:-}" ] && cp "$TMP/onnx_$g.json" "$ONNX_FIX/golden/$g.json"
  golden "onnx golden $g" "$ONNX_FIX/golden/$g.json" "$TMP/onnx_$g.json"
done

# Malformed files: NN000 naming what is wrong, exit status 2, no crash.

for spec in \
  "bad_empty:empty file" \
  "bad_truncated:runs past the end" \
  "bad_length_past_end:runs past the end" \
  "bad_varint_long:varint" \
  "bad_varint_64:overflows 64 bits" \
  "bad_wire_type:wire type" \
  "bad_utf8_name:not valid UTF-8" \
  "bad_text:wire type" \
  "bad_huge_dims:overflows" \
  "bad_raw_size:raw_data holds" \
  "bad_nested_graphs:nested more than" \
  "bad_cycle:cycle"; do
  f=${spec%%:*}
  want=${spec#*:}
  "$NNLINT" "$ONNX_FIX/$f.onnx" >"$TMP/onnx.out" 2>&1
  st=$?
  if [ "$st" -ne 2 ]; then
    fail "onnx $f: exit 2" "exit status $st" "$(head -5 "$TMP/onnx.out")"
  elif ! grep -q "NN000" "$TMP/onnx.out" || ! grep -q "$want" "$TMP/onnx.out"; then
    fail "onnx $f: NN000 '$want'" "$(head -5 "$TMP/onnx.out")"
  else
    pass "onnx $f: NN000 '$want'"
  fi
done

# Every prefix of a valid model: NN000 or a clean parse, never a crash.
good=$ONNX_FIX/mlp_ok.onnx
size=$(wc -c <"$good")
crashed=""
n=1
while [ "$n" -lt "$size" ]; do
  head -c "$n" "$good" >"$TMP/prefix.onnx"
  "$NNLINT" "$TMP/prefix.onnx" >/dev/null 2>&1
  st=$?
  [ "$st" -gt 2 ] && crashed="$crashed $n:$st"
  n=$((n + 97))
done
if [ -z "$crashed" ]; then pass "onnx truncated prefixes: no crash"
else fail "onnx truncated prefixes: no crash" "prefix:status$crashed"; fi

# Real models: no crash and no NN000.
if [ -n "$CORPUS" ] && [ -d "$CORPUS/onnx-binary" ]; then
  for f in "$CORPUS"/onnx-binary/*.onnx; do
    b=$(basename "$f")
    "$NNLINT" --format json "$f" >"$TMP/onnx.json" 2>"$TMP/onnx.err"
    st=$?
    if [ "$st" -gt 1 ]; then
      fail "corpus onnx $b" "exit status $st" "$(head -5 "$TMP/onnx.err")" \
        "$(grep -m3 '"message"' "$TMP/onnx.json")"
    elif grep -q '"rule": *"NN000"' "$TMP/onnx.json"; then
      fail "corpus onnx $b" "NN000: $(grep -m1 '"message"' "$TMP/onnx.json")"
    else
      pass "corpus onnx $b"
    fi
  done
fi
