# tests/suite_yaml.sh - the YAML model spec front end and format detection.
# Sourced by tests/run.sh (see tests/lib.sh).
#
#   fixtures/malformed/*.yaml   each begins `# expect: LINE:COL NN000 TEXT`:
#                               exit status 2 and an NN000 there whose message
#                               contains TEXT
#   fixtures/variants/*.yaml    valid specs written in other ways (aliases,
#                               merges, JSON, PyTorch names, ...): no NN000
#   corpus yaml-specs, training-yaml: never a crash; files without a
#                               top-level `layers` list are skipped silently

# Does the JSON report in $1 hold a diagnostic of rule $2 at line $3,
# column $4 whose message contains $5?  (Diagnostics are split on '}'.)
yaml_has_diag() {
  tr -d '\n' <"$1" | awk -v RS='}' -v r="\"rule\": \"$2\"" \
    -v l="\"line\": $3," -v c="\"column\": $4," -v f="$5" '
    index($0, r) && index($0, l) && index($0, c) && index($0, f) { found = 1 }
    END { exit !found }'
}

# The exit status of a command, 128+N when a signal ended it.
yaml_status() { "$@" >"$TMP/yaml.out" 2>"$TMP/yaml.err"; echo $?; }

# ---- malformed inputs: NN000 at the exact place ----
for f in "$ROOT"/fixtures/malformed/*.yaml; do
  n=${f##*/}
  exp=$(sed -n '1s/^# expect: //p' "$f")
  if [ -z "$exp" ]; then fail "malformed $n" "no '# expect:' first line"; continue; fi
  pos=${exp%% *}; rest=${exp#* }; rule=${rest%% *}; frag=${rest#* }
  line=${pos%%:*}; col=${pos#*:}
  st=$(yaml_status "$NNLINT" --format json "$f")
  if [ "$st" != 2 ]; then
    fail "malformed $n: exit status" "got $st, want 2" "$(head -20 "$TMP/yaml.out" "$TMP/yaml.err")"
  elif yaml_has_diag "$TMP/yaml.out" "$rule" "$line" "$col" "$frag"; then
    pass "malformed $n"
  else
    fail "malformed $n" "want $rule at $line:$col containing: $frag" "$(grep -E '"(line|column|message)"' "$TMP/yaml.out" | head -12)"
  fi
done

# ---- valid variants: parsed without NN000 ----
for f in "$ROOT"/fixtures/variants/*.yaml "$ROOT"/fixtures/variants/*.json; do
  [ -f "$f" ] || continue
  n=${f##*/}
  st=$(yaml_status "$NNLINT" --format json -v "$f")
  case $st in
  0 | 1)
    if grep -q '"NN000"' "$TMP/yaml.out"; then
      fail "variant $n: NN000" "$(grep '"message"' "$TMP/yaml.out" | head -5)"
    elif grep -q 'skipped' "$TMP/yaml.err"; then
      fail "variant $n: skipped" "$(cat "$TMP/yaml.err")"
    else
      pass "variant $n"
    fi ;;
  *) fail "variant $n: exit status $st" "$(head -20 "$TMP/yaml.out" "$TMP/yaml.err")" ;;
  esac
done

# ---- numbers at the edge of what a field holds: no NN000 ----
# (fixtures/malformed/ holds one value past the edge per kind of field)
edge=$TMP/yaml_edge.yaml
cat >"$edge" <<'EOF'
inputs:
  - {name: x, shape: [null, -1, N, 0, 4294967296], range: [-.inf, .inf]}
layers:
  - {type: Conv2D, filters: "8", kernel_size: [3, 3], strides: null, dilation_rate: 1}
  - {type: MaxPooling2D, pool_size: 2, strides: null}
  - {type: Dropout, rate: 0}
  - {type: Dropout, p: 1}
  - {type: PairwiseDistance, p: .inf}
  - {type: MyLayer, kernel_size: auto, groups: [a, b]}
  - {type: Dense, units: 8.0, kernel_initializer: {type: RandomUniform, minval: -0.05, maxval: 0.05}}
  - {type: Dense, units: 1, activation: sigmoid}
training:
  optimizer: {type: Adam, learning_rate: 0, momentum: 0, weight_decay: 0, clipnorm: 0}
  batch_size: 1
  epochs: 0
  max_epochs: -1
  validation_split: 0
EOF
st=$(yaml_status "$NNLINT" --no-config --format json "$edge")
if grep -q '"NN000"' "$TMP/yaml.out"; then
  fail "numbers: edge values are no NN000" "$(grep '"message"' "$TMP/yaml.out" | head -5)"
elif [ "$st" = 1 ] && yaml_has_diag "$TMP/yaml.out" NN006 13 42 "learning rate 0 is not positive"; then
  pass "numbers: edge values are no NN000 (learning_rate 0 is left to NN006)"
else
  fail "numbers: edge values are no NN000 (learning_rate 0 is left to NN006)" "exit status $st" "$(grep -E '"(rule|line|column|message)"' "$TMP/yaml.out" | head -12)"
fi

# ---- wrappers: `layer:` is the wrapped layer, not another `type` ----
wf=$ROOT/fixtures/variants/wrapper_layers.yaml
st=$(yaml_status "$NNLINT" --format json --param NN011.max_hidden_units=1000 "$wf")
if [ "$st" = 1 ] && ! grep -q '"NN000"' "$TMP/yaml.out"; then pass "wrapper: no NN000 for a layer: mapping"
else fail "wrapper: no NN000 for a layer: mapping" "exit status $st" "$(grep '"message"' "$TMP/yaml.out" | head -5)"; fi
if yaml_has_diag "$TMP/yaml.out" NN004 5 1 "5 weight layers"; then pass "wrapper: Bidirectional(LSTM), TimeDistributed(Dense) are weight layers"
else fail "wrapper: Bidirectional(LSTM), TimeDistributed(Dense) are weight layers" "$(grep '"message"' "$TMP/yaml.out" | head -5)"; fi
if yaml_has_diag "$TMP/yaml.out" NN011 11 54 "has 1200 units"; then pass "wrapper: Bidirectional concat has twice the inner units"
else fail "wrapper: Bidirectional concat has twice the inner units" "$(grep -E '"(line|message)"' "$TMP/yaml.out" | head -12)"; fi
if ! grep -q '"line": 12,' "$TMP/yaml.out"; then pass "wrapper: Bidirectional merge_mode sum keeps the inner units"
else fail "wrapper: Bidirectional merge_mode sum keeps the inner units" "$(grep -E '"(line|message)"' "$TMP/yaml.out" | head -12)"; fi
if yaml_has_diag "$TMP/yaml.out" NN011 13 57 "TimeDistributed layer has 2 units" &&
   yaml_has_diag "$TMP/yaml.out" NN009 13 80 "zeros kernel"; then pass "wrapper: TimeDistributed takes the inner units and initializer"
else fail "wrapper: TimeDistributed takes the inner units and initializer" "$(grep -E '"(line|message)"' "$TMP/yaml.out" | head -12)"; fi

# ---- a malformed file does not stop the run ----
good=$TMP/yaml_good.yaml
cat >"$good" <<'EOF'
layers:
  - {type: Dense, units: 64, activation: relu}
  - {type: Dense, units: 1, activation: relu}
EOF
st=$(yaml_status "$NNLINT" --format json -v "$ROOT/fixtures/malformed/layer_without_type.yaml" "$good")
if [ "$st" = 2 ] && grep -q '"NN000"' "$TMP/yaml.out" &&
  grep "yaml_good.yaml" "$TMP/yaml.err" | grep -q "1 model"; then
  pass "malformed file, the next one is still linted"
else
  fail "malformed file, the next one is still linted" "exit status $st" "$(cat "$TMP/yaml.err")"
fi

# ---- hostile input: fast, bounded, no crash ----
ms_now() { date +%s%N | cut -c1-13; }
t0=$(ms_now)
st=$(yaml_status "$NNLINT" --format json "$ROOT/fixtures/malformed/alias_bomb.yaml")
t1=$(ms_now)
if [ "$st" = 2 ] && [ $((t1 - t0)) -lt 1000 ]; then pass "alias bomb refused fast"
else fail "alias bomb refused fast" "exit status $st after $((t1 - t0)) ms"; fi

deep=$TMP/yaml_deep.yaml
{ printf 'layers:\n  - '; awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }'; } >"$deep"
st=$(yaml_status "$NNLINT" --format json "$deep")
if [ "$st" = 2 ] && grep -q 'nesting deeper' "$TMP/yaml.out"; then pass "100000-deep nesting is NN000"
else fail "100000-deep nesting is NN000" "exit status $st"; fi

# a billion-laughs bomb inside the layers themselves, with a merge key
bomb=$TMP/yaml_bomb2.yaml
{
  echo 'x0: &x0 {type: Dense, units: 1}'
  i=1; while [ $i -le 30 ]; do echo "x$i: &x$i [*x$((i - 1)), *x$((i - 1))]"; i=$((i + 1)); done
  echo 'layers: *x30'
} >"$bomb"
t0=$(ms_now)
st=$(yaml_status "$NNLINT" --format json "$bomb")
t1=$(ms_now)
if [ "$st" = 2 ] && grep -q 'alias expansion too large' "$TMP/yaml.out" && [ $((t1 - t0)) -lt 1000 ]; then
  pass "doubling alias bomb refused fast"
else fail "doubling alias bomb refused fast" "exit status $st after $((t1 - t0)) ms"; fi

# random bytes after a `layers:` key: a diagnostic or a skip, never a signal
i=0
while [ $i -lt 20 ]; do
  { echo 'layers:'; head -c 2000 /dev/urandom; } >"$TMP/yaml_rand.yaml"
  st=$(yaml_status "$NNLINT" --format json "$TMP/yaml_rand.yaml")
  [ "$st" -ge 128 ] && break
  i=$((i + 1))
done
if [ "$st" -lt 128 ]; then pass "random bytes do not crash"
else fail "random bytes do not crash" "exit status $st"; cp "$TMP/yaml_rand.yaml" /tmp/nnlint_yaml_crash.yaml; fi

# ---- the corpus: no crash; non-specs skipped without output ----
if [ -n "$CORPUS" ]; then
  for f in "$CORPUS"/yaml-specs/* "$CORPUS"/training-yaml/*; do
    [ -f "$f" ] || continue
    n=${f#"$CORPUS"/}
    st=$(yaml_status "$NNLINT" "$f")
    if [ "$st" -gt 2 ]; then fail "corpus $n: exit status $st" "$(head -5 "$TMP/yaml.err")"; continue; fi
    # a top-level `layers:` that starts a list (block or flow) makes a spec
    if grep -Eq '^layers:[[:space:]]*(\[|$|#)' "$f"; then pass "corpus $n"; continue; fi
    if [ "$st" = 0 ] && [ ! -s "$TMP/yaml.out" ]; then pass "corpus $n skipped"
    else fail "corpus $n: want a silent skip" "exit status $st" "$(head -5 "$TMP/yaml.out")"; fi
  done
  rn=$CORPUS/yaml-specs/detectron2_Base-RetinaNet.yaml
  if [ -f "$rn" ]; then
    st=$(yaml_status "$NNLINT" -v "$rn")
    if [ "$st" = 0 ] && grep -q 'skipped: not an nnlint model spec' "$TMP/yaml.err"; then
      pass "detectron2 !!python/object/apply:eval tag: skipped, not evaluated"
    else fail "detectron2 !!python/object/apply:eval tag" "exit status $st" "$(cat "$TMP/yaml.err")"; fi
  fi
fi

# ---- format detection ----
printf '{"layers": [{"type": "Dense", "units": 1}]}\n' >"$TMP/yaml_spec.json"
printf '{"class_name": "Sequential", "config": {"layers": []}}\n' >"$TMP/yaml_keras.json"
"$NNLINT" -v "$TMP/yaml_spec.json" >/dev/null 2>"$TMP/yaml.err"
if grep -q 'yaml, 1 model' "$TMP/yaml.err"; then pass "detect: JSON with top-level layers is a spec"
else fail "detect: JSON with top-level layers is a spec" "$(cat "$TMP/yaml.err")"; fi
st=$(yaml_status "$NNLINT" -v "$TMP/yaml_keras.json")
if [ "$st" = 0 ] && grep -q 'keras-json, 1 model' "$TMP/yaml.err"; then pass "detect: Keras JSON goes to the Keras front end, not the spec one"
else fail "detect: Keras JSON goes to the Keras front end, not the spec one" "exit status $st" "$(cat "$TMP/yaml.err")"; fi
