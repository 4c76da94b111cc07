# tests/suite_keras_json.sh - the Keras JSON front end (sourced by
# tests/run.sh): every form (Keras 1, Keras 2 Sequential and functional,
# Keras 3 config.json with compile_config, TF.js model.json, a .keras
# archive built here, a double-encoded file), golden findings for them and
# for real files of the corpus, skipped non-models, malformed JSON with
# exact locations (and numbers no model can have, tensors naming no layer),
# what stays unknown rather than bad, augmentation layers, damaged
# archives, and truncated input.
#
# UPDATE=1 rewrites the golden files from the binary's output: review the
# diff before committing it.

KJ=$ROOT/fixtures/keras-json
KG=$KJ/golden

# Lint $2 (a path relative to the folder $1) in text and json; compare
# with golden/$3.txt and golden/$3.json.
kj_golden() {
  for fmt in txt json; do
    if [ "$fmt" = json ]; then set_fmt="--format json"; else set_fmt=; fi
    # shellcheck disable=SC2086
    (cd "$1" && NO_COLOR=1 "$NNLINT" $set_fmt "$2") >"$TMP/kj.$3.$fmt" 2>/dev/null
    [ -n "${UPDATE:-}" ] && cp "$TMP/kj.$3.$fmt" "$KG/$3.$fmt"
    golden "keras-json golden: $3.$fmt" "$KG/$3.$fmt" "$TMP/kj.$3.$fmt"
  done
}

# The NN000 diagnostics of a file as "line:col<TAB>message".
kj_nn000() {
  "$NNLINT" --format json "$1" 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("no JSON output: %s" % e); sys.exit(0)
for x in d["diagnostics"]:
    if x["rule"] == "NN000":
        print("%d:%d\t%s" % (x["line"], x["column"], x["message"]))
'
}

mkdir -p "$KG"

# ---- every form, with golden findings ----
for f in keras1_sequential keras2_sequential keras2_functional_skip \
         keras3_compile tfjs_layers_model double_encoded; do
  kj_golden "$ROOT" "fixtures/keras-json/$f.json" "$f"
  out=$(cd "$ROOT" && "$NNLINT" -v "fixtures/keras-json/$f.json" 2>&1 >/dev/null)
  case "$out" in
    *"keras-json, 1 model"*) pass "keras-json form $f: read as one Keras model" ;;
    *) fail "keras-json form $f: read as one Keras model" "$out" ;;
  esac
done

# The rules see what each form says (not only that it parses).
kj_has() { # NAME FILE RULE: the file gets a finding of RULE
  if "$NNLINT" --format json "$2" 2>/dev/null | grep -q "\"rule\": \"$3\""; then
    pass "keras-json $1"; else fail "keras-json $1" "no $3 on $2"; fi
}
kj_hasnt() {
  if "$NNLINT" --format json "$2" 2>/dev/null | grep -q "\"rule\": \"$3\""; then
    fail "keras-json $1" "unexpected $3 on $2"; else pass "keras-json $1"; fi
}
kj_has "Keras 1 input_dtype uint8 is a raw input" "$KJ/keras1_sequential.json" NN001
kj_has "Keras 1 Activation layer after the last Dense is the output" "$KJ/keras1_sequential.json" NN007
kj_hasnt "Keras 1 all-zero W_regularizer with Dropout: regularized" "$KJ/keras1_sequential.json" NN004
kj_has "Keras 2 training_config optimizer_config lr + clipnorm" "$KJ/keras2_sequential.json" NN006
kj_has "Keras 2 initializer objects" "$KJ/keras2_sequential.json" NN009
kj_has "functional inbound_nodes: softmax on one unit at the output" "$KJ/keras2_functional_skip.json" NN007
kj_hasnt "functional with a skip and Dropout: no depth or regularization finding" "$KJ/keras2_functional_skip.json" NN010
kj_has "Keras 3 compile_config loss object from_logits" "$KJ/keras3_compile.json" NN007
kj_has "Keras 3 compile_config optimizer clipnorm" "$KJ/keras3_compile.json" NN006
kj_has "TF.js model_config + training_config" "$KJ/tfjs_layers_model.json" NN001
kj_has "double-encoded JSON is unwrapped" "$KJ/double_encoded.json" NN007
kj_has "a learning-rate schedule starts at its initial rate" "$KJ/keras3_schedule.json" NN006
kj_hasnt "a schedule from a chosen rate, with clipping" "$KJ/keras3_schedule_good.json" NN006

# TensorFlow ops traced into a tf.keras functional model (TFOpLambda /
# SlicingOpLambda: the "function" called; TF 2.0-2.3 TensorFlowOpLayer: the
# node_def's op) are Lambda layers whose code is that op: a rounding op
# between weight layers is NN008, a scaling op, a cast of unknown type and
# an argmax after the last weight layer are not.
kj_nn008() { # FILE: the NN008 findings as "line<TAB>message"
  "$NNLINT" --no-config --select NN008 --format json "$1" 2>/dev/null | python3 -c '
import json, sys
for x in json.load(sys.stdin)["diagnostics"]:
    if x["rule"] == "NN008": print("%d\t%s" % (x["line"], x["message"]))
'
}
for t in "tf_op_lambda.json	5	(tf.math.round)" "tf_op_layer.json	4	(Floor)"; do
  f=$(printf '%s' "$t" | cut -f1); want_line=$(printf '%s' "$t" | cut -f2)
  want_code=$(printf '%s' "$t" | cut -f3)
  out=$(kj_nn008 "$KJ/$f")
  n=$(printf '%s\n' "$out" | grep -c .)
  case "$out" in
    "$want_line	"*"$want_code"*) ok=1 ;;
    *) ok=0 ;;
  esac
  if [ "$n" = 1 ] && [ "$ok" = 1 ]; then pass "keras-json $f: the traced op is the Lambda's code (NN008 at line $want_line)"
  else fail "keras-json $f: the traced op is the Lambda's code (NN008 at line $want_line)" "$out"; fi
done

# Tensors passed by keyword in a Keras 2 inbound node ([name, node, tensor,
# {"y": [name, node, tensor]}]) are edges too, and a traced `x + y` joining
# two tensors is an Add: a zero-initialized last layer of a residual branch
# is not flagged, and a deep residual MLP written with `+` is not plain.
kj_hasnt "traced x + y: zero-init residual branch end (NN009)" "$KJ/tf_op_residual.json" NN009
python3 - "$TMP/kj_resplus.json" <<'PY'
import json, sys
L = [{"class_name": "InputLayer", "name": "x", "inbound_nodes": [],
      "config": {"batch_input_shape": [None, 64], "dtype": "float32", "name": "x"}}]
prev = "x"
for b in range(12):
    a, c, s = "d%da" % b, "d%db" % b, "tf.__operators__.add_%d" % b
    L.append({"class_name": "Dense", "name": a, "config": {"name": a, "units": 64, "activation": "relu"},
              "inbound_nodes": [[[prev, 0, 0, {}]]]})
    L.append({"class_name": "Dense", "name": c, "config": {"name": c, "units": 64, "activation": "relu"},
              "inbound_nodes": [[[a, 0, 0, {}]]]})
    L.append({"class_name": "TFOpLambda", "name": s,
              "config": {"name": s, "dtype": "float32", "function": "__operators__.add"},
              "inbound_nodes": [[c, 0, 0, {"y": [prev, 0, 0], "name": None}]]})
    prev = s
L.append({"class_name": "Dense", "name": "out", "config": {"name": "out", "units": 10, "activation": "softmax"},
          "inbound_nodes": [[[prev, 0, 0, {}]]]})
json.dump({"class_name": "Functional", "keras_version": "2.11.0", "backend": "tensorflow",
           "config": {"name": "resmlp", "layers": L, "input_layers": [["x", 0, 0]],
                      "output_layers": [["out", 0, 0]]}}, open(sys.argv[1], "w"))
PY
kj_hasnt "traced x + y: a deep residual MLP is not plain (NN010)" "$TMP/kj_resplus.json" NN010
kj_hasnt "traced x + y: a deep residual MLP is not plain (NN008)" "$TMP/kj_resplus.json" NN008

# ---- .keras archives, built here ----
python3 - "$KJ/keras3_compile.json" "$TMP" <<'EOF'
import sys, zipfile
src, tmp = sys.argv[1], sys.argv[2]
cfg = open(src, "rb").read()
meta = b'{"keras_version": "3.5.0", "date_saved": "2024-01-01@00:00:00"}'
with zipfile.ZipFile(tmp + "/deflated.keras", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("metadata.json", meta)
    z.writestr("config.json", cfg)
    z.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n" + b"\0" * 4000)
with zipfile.ZipFile(tmp + "/stored.keras", "w", zipfile.ZIP_STORED) as z:
    z.writestr("metadata.json", meta)
    z.writestr("config.json", cfg)
with zipfile.ZipFile(tmp + "/noconfig.keras", "w") as z:
    z.writestr("metadata.json", meta)
data = open(tmp + "/deflated.keras", "rb").read()
open(tmp + "/truncated.keras", "wb").write(data[: len(data) // 2])
# the central directory's offset pointing past the end
i = data.rfind(b"PK\x05\x06")
bad = bytearray(data)
bad[i + 16 : i + 20] = (len(data) + 1000).to_bytes(4, "little")
open(tmp + "/badoffset.keras", "wb").write(bytes(bad))
# config.json's deflated bytes damaged
with zipfile.ZipFile(tmp + "/deflated.keras") as z:
    info = z.getinfo("config.json")
off = info.header_offset + 30 + len(info.filename) + len(info.extra)
bad = bytearray(data)
for k in range(off + 5, off + 25):
    bad[k] ^= 0x5A
open(tmp + "/corrupt.keras", "wb").write(bytes(bad))
EOF
(cd "$ROOT" && NO_COLOR=1 "$NNLINT" fixtures/keras-json/keras3_compile.json) \
  | sed 's|fixtures/keras-json/keras3_compile.json|MODEL|' >"$TMP/kj.want"
for z in deflated stored; do
  (cd "$TMP" && NO_COLOR=1 "$NNLINT" "$z.keras") | sed "s|$z.keras|MODEL|" >"$TMP/kj.got.$z"
  golden "keras-json .keras archive ($z): the findings of its config.json" "$TMP/kj.want" "$TMP/kj.got.$z"
done
for z in noconfig truncated badoffset corrupt; do
  expect_status "keras-json damaged .keras ($z): exit 2" 2 "$NNLINT" "$TMP/$z.keras"
  out=$(kj_nn000 "$TMP/$z.keras")
  if [ "$(printf '%s\n' "$out" | grep -c .)" = 1 ]; then pass "keras-json damaged .keras ($z): one NN000"
  else fail "keras-json damaged .keras ($z): one NN000" "$out"; fi
done
case "$(kj_nn000 "$TMP/noconfig.keras")" in
  *"no config.json in the archive"*) pass "keras-json .keras without config.json: says so" ;;
  *) fail "keras-json .keras without config.json: says so" "$(kj_nn000 "$TMP/noconfig.keras")" ;;
esac

# ---- not Keras models: skipped without a diagnostic ----
kj_skipped() { # NAME FILE
  out=$("$NNLINT" -v --format json "$2" 2>"$TMP/kj.err")
  st=$?
  if [ "$st" = 0 ] && grep -q "skipped" "$TMP/kj.err" && ! printf '%s' "$out" | grep -q '"rule"'; then
    pass "keras-json skips $1"
  else
    fail "keras-json skips $1" "status $st" "$(cat "$TMP/kj.err")" "$out"
  fi
}
kj_skipped "package.json" "$KJ/package.json"
if [ -d "$CORPUS/keras-json" ]; then
  kj_skipped "a TF.js graph model" "$CORPUS/keras-json/tfjs_examples_angular-predictive-prefetching_model.json"
  kj_skipped "a TF.js graph model (PoseNet)" "$CORPUS/keras-json/tfjs_examples_react-native_model.json"
fi
printf '{"layers": [{"type": "Dense", "units": 1}]}\n' >"$TMP/spec.json"
out=$("$NNLINT" -v "$TMP/spec.json" 2>&1 >/dev/null)
case "$out" in
  *": yaml,"*) pass "keras-json: nnlint's own JSON spec goes to the YAML front end" ;;
  *) fail "keras-json: nnlint's own JSON spec goes to the YAML front end" "$out" ;;
esac

# ---- malformed JSON: one NN000 at the exact place ----
while IFS='	' read -r n loc msg; do
  out=$(kj_nn000 "$KJ/bad/$n")
  got=$(printf '%s\n' "$out" | head -1 | cut -f1)
  count=$(printf '%s\n' "$out" | grep -c .)
  case "$out" in *"$msg"*) okm=1 ;; *) okm=0 ;; esac
  if [ "$count" = 1 ] && [ "$got" = "$loc" ] && [ "$okm" = 1 ]; then
    pass "keras-json bad $n: NN000 at $loc"
  else
    fail "keras-json bad $n: NN000 at $loc ($msg)" "$out"
  fi
  expect_status "keras-json bad $n: exit 2" 2 "$NNLINT" "$KJ/bad/$n"
done <<'EOF'
trailing_comma.json	1:87	expected a key string, found '}'
bad_escape.json	1:86	bad escape '\q' in a string
truncated.json	3:1	expected ',' or ']', found end of file
too_deep.json	1:295	nested deeper than 256 levels
units_negative.json	2:61	`units` must be a positive whole number, not -8
units_infinite.json	2:61	`units` must be a positive whole number, not Infinity
units_fraction.json	2:61	`units` must be a positive whole number, not 2.5
filters_nan.json	2:64	`filters` must be a positive whole number, not NaN
kernel_size_zero.json	2:86	`kernel_size` must be a positive whole number, not 0
rate_nan.json	3:64	`rate` must be a number from 0 to 1, not NaN
lr_infinite.json	5:74	`learning_rate` must be a finite number, not Infinity
shape_nan.json	2:84	`batch_input_shape[1]` must be a whole number >= 0 or -1, not NaN
inbound_undefined.json	4:84	an inbound node names no layer 'dense_7'
keras3_history_undefined.json	4:136	an inbound node names no layer 'input_9'
output_undefined.json	4:52	output_layers names no layer 'logits'
EOF

# What nnlint cannot judge is not bad input: a custom class's own `units`,
# a value Keras 3 serialized as an object, a call past a layer's calls
# (the edge is lost), a shared layer and a nested model named by their
# calls: unknown or fine, never NN000.
python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
def seq(layers):
    return {"class_name": "Sequential", "config": {"name": "s", "layers": layers}}
def dense(n, u):
    return {"class_name": "Dense", "config": {"name": n, "units": u}}
json.dump(seq([{"module": "my_pkg.layers", "class_name": "Sparse", "registered_name": "my_pkg>Sparse",
                "config": {"name": "c", "units": -1, "rate": 7}}, dense("d", 1)]),
          open(tmp + "/kj_custom_units.json", "w"))
json.dump(seq([{"class_name": "Dense", "config": {"name": "d1", "units":
                {"class_name": "__lambda__", "config": {"code": "..."}}}}, dense("d", 1)]),
          open(tmp + "/kj_units_object.json", "w"))
L = [{"name": "x", "class_name": "InputLayer", "config": {"batch_input_shape": [None, 4]}, "inbound_nodes": []},
     {"name": "a", "class_name": "Dense", "config": {"units": 4}, "inbound_nodes": [[["x", 0, 0, {}]]]},
     {"name": "b", "class_name": "Dense", "config": {"units": 1}, "inbound_nodes": [[["a", 3, 0, {}]]]}]
json.dump({"class_name": "Functional", "config": {"name": "m", "layers": L, "input_layers": [["x", 0, 0]],
                                                 "output_layers": [["b", 0, 0]]}},
          open(tmp + "/kj_node_past_calls.json", "w"))
inner = {"class_name": "Sequential", "name": "head", "config": {"name": "head", "layers": [
    {"class_name": "Dense", "config": {"name": "h1", "units": 8, "activation": "relu"}},
    {"class_name": "Dense", "config": {"name": "h2", "units": 1}}]},
    "inbound_nodes": [[["merge", 0, 0, {}]]]}
L = [{"name": "l", "class_name": "InputLayer", "config": {"batch_input_shape": [None, 4]}, "inbound_nodes": []},
     {"name": "r", "class_name": "InputLayer", "config": {"batch_input_shape": [None, 4]}, "inbound_nodes": []},
     {"name": "shared", "class_name": "Dense", "config": {"units": 8, "activation": "relu"},
      "inbound_nodes": [[["l", 0, 0, {}]], [["r", 0, 0, {}]]]},
     {"name": "merge", "class_name": "Concatenate", "config": {"axis": -1},
      "inbound_nodes": [[["shared", 0, 0, {}], ["shared", 1, 0, {}]]]},
     inner]
json.dump({"class_name": "Functional", "config": {"name": "siamese", "layers": L,
           "input_layers": [["l", 0, 0], ["r", 0, 0]], "output_layers": [["head", 0, 0]]}},
          open(tmp + "/kj_shared_nested.json", "w"))
PY
for f in kj_custom_units kj_units_object kj_node_past_calls kj_shared_nested; do
  out=$(kj_nn000 "$TMP/$f.json")
  "$NNLINT" --no-config "$TMP/$f.json" >/dev/null 2>&1
  st=$?
  if [ -z "$out" ] && [ "$st" -le 1 ]; then pass "keras-json $f: no NN000"
  else fail "keras-json $f: no NN000" "status $st" "$out"; fi
done

# Augmentation layers pass raw pixels on (NN001) and regularize (NN004).
python3 - "$TMP/kj_augment.json" <<'PY'
import json, sys
json.dump({"class_name": "Sequential", "config": {"name": "s", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 32, 32, 3], "dtype": "uint8"}},
    {"class_name": "RandomFlip", "config": {"name": "flip", "mode": "horizontal"}},
    {"class_name": "RandomRotation", "config": {"name": "rot", "factor": 0.1}},
    {"class_name": "Conv2D", "config": {"name": "c", "filters": 16, "kernel_size": [3, 3], "activation": "relu"}},
    {"class_name": "GlobalAveragePooling2D", "config": {"name": "gap"}},
    {"class_name": "Dense", "config": {"name": "d", "units": 10, "activation": "softmax"}}]},
    "training_config": {"loss": "sparse_categorical_crossentropy", "optimizer_config":
                        {"class_name": "Adam", "config": {"learning_rate": 0.001}}}},
          open(sys.argv[1], "w"))
PY
kj_has "RandomFlip/RandomRotation do not normalize raw pixels (NN001)" "$TMP/kj_augment.json" NN001
kj_hasnt "RandomFlip/RandomRotation are augmentation: regularized (NN004)" "$TMP/kj_augment.json" NN004

# ---- truncated input never crashes: every prefix of a model ----
src=$KJ/keras3_compile.json
size=$(wc -c <"$src")
crashed=
i=1
while [ "$i" -lt "$size" ]; do
  head -c "$i" "$src" >"$TMP/kj.cut.json"
  "$NNLINT" "$TMP/kj.cut.json" >/dev/null 2>&1
  st=$?
  [ "$st" -gt 2 ] && crashed="$crashed $i:$st"
  i=$((i + 37))
done
if [ -z "$crashed" ]; then pass "keras-json truncated prefixes: no crash"
else fail "keras-json truncated prefixes: no crash" "prefix:status$crashed"; fi

# ---- the real files of the corpus ----
if [ -d "$CORPUS/keras-json" ]; then
  for f in "$CORPUS"/keras-json/*.json "$CORPUS"/keras-json/*.keras; do
    [ -f "$f" ] || continue
    n=$(basename "$f")
    "$NNLINT" --format json "$f" >"$TMP/kj.corpus.json" 2>"$TMP/kj.corpus.err"
    st=$?
    if [ "$st" -le 1 ] && ! grep -q '"rule": "NN000"' "$TMP/kj.corpus.json"; then
      pass "keras-json corpus $n: no crash, no NN000"
    else
      fail "keras-json corpus $n: no crash, no NN000" "status $st" "$(head -5 "$TMP/kj.corpus.json")"
    fi
  done
  for f in datlife_cnn ml5_doodlenet_model tfjs_examples_translation-node_model \
           ncondo_carnd_model ml5_pitch-detection_crepe_model; do
    kj_golden "$CORPUS/keras-json" "$f.json" "corpus_$f"
  done
fi
