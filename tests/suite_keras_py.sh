# tests/suite_keras_py.sh - the Keras Python source front end (sourced by
# tests/run.sh): each program in fixtures/keras-py gets exactly the rule ids
# listed in fixtures/keras-py/EXPECTED, a few get exact golden JSON, files
# that are not Keras are skipped silently, damaged files never crash, and a
# generated large file is linted within bounds.

KP=$ROOT/fixtures/keras-py

# The sorted, unique rule ids of a file's diagnostics ("-" for none).
kp_rules() {
  "$NNLINT" --format json "$1" 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("no JSON output: %s" % e); sys.exit(0)
ids = sorted(set(x["rule"] for x in d["diagnostics"]))
print(" ".join(ids) if ids else "-")
'
}

grep -v '^#' "$KP/EXPECTED" > "$TMP/kp_expected"
while IFS='	' read -r n want; do
  got=$(kp_rules "$KP/$n")
  if [ "$got" = "$want" ]; then pass "keras-py $n"; else fail "keras-py $n" "want $want" "got  $got"; fi
done < "$TMP/kp_expected"
for f in "$KP"/*.py; do
  n=$(basename "$f")
  if grep -q "^$n	" "$TMP/kp_expected"; then pass "keras-py $n listed"; else fail "keras-py $n listed" "add it to fixtures/keras-py/EXPECTED"; fi
done

# Exact output, reviewed against the rules.
for g in "$KP"/golden/*.json; do
  n=$(basename "$g" .json)
  (cd "$KP" && "$NNLINT" --format json "$n.py" > "$TMP/kp_$n.json" 2>/dev/null)
  golden "keras-py golden $n" "$g" "$TMP/kp_$n.json"
done

# Forms real code uses, one finding per use, at its line: a Lambda given a
# def by name (module level, and local to a function), numpy dtypes (three
# import spellings), TensorFlow's initializer functions.
kp_lines() {
  "$NNLINT" --format json "$KP/$1" 2>/dev/null | python3 -c '
import json, sys
print(" ".join("%s:%d" % (x["rule"], x["line"]) for x in json.load(sys.stdin)["diagnostics"]))' 2>&1
}
# Training under a branch or loop nnlint cannot decide is that model's
# training (one finding per model); a rate set after construction is
# judged as set; **kwargs from a known dict are keywords.
for c in "named_lambda.py|NN008:15 NN008:27" \
         "numpy_dtype.py|NN001:16 NN001:17 NN001:18" \
         "tf_initializer.py|NN009:8 NN009:10 NN009:11 NN009:12" \
         "train_loop.py|NN007:11 NN007:20 NN007:29" \
         "train_under_if.py|NN007:15" \
         "lr_set_later_bad.py|NN006:11 NN006:21" \
         "fit_kwargs.py|NN005:5" \
         "submodel_compiled.py|NN007:16" \
         "submodel_unrelated.py|NN007:14"; do
  n=${c%%|*} want=${c#*|}
  got=$(kp_lines "$n")
  if [ "$got" = "$want" ]; then pass "keras-py $n findings"; else fail "keras-py $n findings" "want $want" "got  $got"; fi
done
out=$("$NNLINT" --format json "$KP/named_lambda.py" 2>/dev/null | python3 -c '
import json, sys
print(json.load(sys.stdin)["diagnostics"][1]["message"].split(") sits")[0])' 2>&1)
if [ "$out" = "Lambda (t = t * 4.0; return tf.round(t)" ]; then pass "keras-py named Lambda code"; else fail "keras-py named Lambda code" "$out"; fi

# Views: models cut out of another model's layers and never compiled are
# not linted on their own, and --verbose says so; compiled ones and
# unrelated ones are models.
kp_notes() {
  "$NNLINT" --verbose --format json "$KP/$1" 2>&1 >/dev/null | sed -n 's/^nnlint: [^:]*: //p' | tr '\n' '|'
}
got=$(kp_notes submodel_views.py)
want="model 'embedder' (line 15) is a view of the layers of 'classifier' (line 13): not linted separately|model 'hidden' (line 16) is a view of the layers of 'classifier' (line 13): not linted separately|model 'head' (line 18) is a view of the layers of 'classifier' (line 13): not linted separately|keras-py, 1 model|"
if [ "$got" = "$want" ]; then pass "keras-py views noted"; else fail "keras-py views noted" "want $want" "got  $got"; fi
for c in "submodel_compiled.py|keras-py, 3 models|" "submodel_unrelated.py|keras-py, 2 models|" \
         "train_loop.py|keras-py, 3 models|" "lr_set_later.py|keras-py, 5 models|" \
         "train_under_if_arch.py|keras-py, 0 models|"; do
  n=${c%%|*} want=${c#*|}
  got=$(kp_notes "$n")
  if [ "$got" = "$want" ]; then pass "keras-py $n models"; else fail "keras-py $n models" "want $want" "got  $got"; fi
done

# Not Keras: skipped, no output, exit 0.  A syntax error: exit 2.
for n in not_keras.py torch_only.py; do
  expect_status "keras-py $n exits 0" 0 "$NNLINT" "$KP/$n"
  out=$("$NNLINT" "$KP/$n" 2>&1)
  if [ -z "$out" ]; then pass "keras-py $n silent"; else fail "keras-py $n silent" "$out"; fi
done
expect_status "keras-py syntax error exits 2" 2 "$NNLINT" "$KP/syntax_error.py"
expect_status "keras-py dynamic exits 0" 0 "$NNLINT" "$KP/dynamic.py"

# Spans: the finding on the relu output points at the "relu" argument.
line=$("$NNLINT" --format json "$KP/mnist_convnet_bad.py" | python3 -c '
import json, sys
for x in json.load(sys.stdin)["diagnostics"]:
    if x["rule"] == "NN007": print(x["line"], x["column"], x["end_column"])')
if [ "$line" = "14 48 54" ]; then pass "keras-py NN007 span"; else fail "keras-py NN007 span" "got $line, want 14 48 54"; fi

# Standard input with --stdin-filename picks the Python front end.
out=$("$NNLINT" --format json --stdin-filename m.py - < "$KP/two_models.py" 2>&1 | python3 -c '
import json, sys
print(" ".join(sorted(set(x["rule"] for x in json.load(sys.stdin)["diagnostics"]))))' 2>&1)
if [ "$out" = "NN002 NN004 NN005 NN006 NN007" ]; then pass "keras-py stdin"; else fail "keras-py stdin" "$out"; fi

# Damaged programs never crash (truncated, bytes replaced), and hostile
# shapes stay bounded: deep nesting, huge loops, recursion.
python3 - "$KP" "$TMP/kp_fuzz" <<'PY'
import os, random, sys
src = b"".join(open(os.path.join(sys.argv[1], n), "rb").read()
               for n in ("mnist_convnet_bad.py", "resnet_block.py", "two_models.py"))
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
rnd = random.Random(11)
for i in range(120):
    b = bytearray(src)
    if i < 40:
        b = b[: rnd.randrange(len(b))]
    else:
        for _ in range(rnd.randrange(1, 8)):
            b[rnd.randrange(len(b))] = rnd.choice(b'()[]{}=,:.\n "\'#\\\x00\xff0123456789abcxyz+*-/')
    open(os.path.join(out, "f%03d.py" % i), "wb").write(bytes(b))
hdr = b"import keras\nfrom keras import layers\n"
open(os.path.join(out, "deep.py"), "wb").write(hdr + b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n")
open(os.path.join(out, "sum.py"), "wb").write(hdr + b"x = " + b"+".join([b"1"] * 20000) + b"\n")
open(os.path.join(out, "loop.py"), "wb").write(hdr + b"m = keras.Sequential()\nfor i in range(10**9):\n  for j in range(10**9):\n    m.add(layers.Dense(4))\nm.compile(loss='mse')\n")
open(os.path.join(out, "nested.py"), "wb").write(hdr + b"m = keras.Sequential()\nfor i in range(5000):\n  for j in range(5000):\n    m.add(layers.Dense(4))\nm.compile(loss='mse')\n")
open(os.path.join(out, "rec.py"), "wb").write(hdr + b"def f(n=3):\n  return f(n) + f(n)\nx = f()\nm = keras.Sequential([layers.Dense(x)])\n")
PY
crashed=""
for f in "$TMP"/kp_fuzz/*.py; do
  timeout 20 "$NNLINT" --format json "$f" >/dev/null 2>&1
  rc=$?
  [ $rc -le 2 ] || crashed="$crashed $(basename "$f"):$rc"
done
if [ -z "$crashed" ]; then pass "keras-py damaged and hostile files: no crash, no hang"; else fail "keras-py damaged and hostile files: no crash, no hang" "$crashed"; fi

# Bad input: "LINE:COL message" of the NN000 diagnostics ("-" for none).
kp_bad() {
  "$NNLINT" --format json "$1" 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("no JSON output: %s" % e); sys.exit(0)
b = ["%s:%s %s" % (x["line"], x["column"], x["message"])
     for x in d["diagnostics"] if x["rule"] == "NN000"]
print("; ".join(b) if b else "-")
'
}
kp_want() { # NAME FILE PATTERN: the NN000 diagnostics match the pattern
  got=$(kp_bad "$2")
  if printf '%s\n' "$got" | grep -Eq "$3"; then pass "$1"; else fail "$1" "want /$3/" "got  $got"; fi
}

# Numbers no Keras model can have are NN000 at the value; a value only the
# command line decides is unknown, never bad input.
kp_want "keras-py Dense(-8)" "$KP/bad/negative_units.py" '^6:18 `units` must be a positive whole number, not -8$'
kp_want "keras-py Dropout(nan)" "$KP/bad/nan_rate.py" '^7:20 `rate` must be a number from 0 to 1, not NaN$'
expect_status "keras-py Dense(-8) exits 2" 2 "$NNLINT" "$KP/bad/negative_units.py"
kp_want "keras-py unresolved units silent" "$KP/unresolved_units.py" '^-$'

# CPython's bounds: invalid UTF-8 (unless a coding line declares another
# encoding), brackets nested past 200, blocks indented past 100; and a file
# too long to parse within bounds.
python3 - "$TMP/kp_bounds" <<'PY'
import os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def w(n, b):
    open(os.path.join(out, n), "wb").write(b)
m = (b"import keras\nfrom keras import layers\nmodel = keras.Sequential([\n"
     b"    layers.Dense(8, activation=\"relu\"),\n    layers.Dense(1),\n])\n")
w("utf8_bad.py", m.replace(b'"relu"', b'"r\xc3u"'))
w("utf8_overlong.py", m + b"# \xc0\xaf\n")
w("utf8_good.py", m + "# caf\u00e9 \u2014 \U0001f600\n".encode())
w("latin1.py", b"# -*- coding: latin-1 -*-\n" + m + b"# caf\xe9\n")
w("parens_201.py", m + b"x = " + b"(" * 201 + b"1" + b")" * 201 + b"\n")
w("parens_200.py", m + b"x = " + b"(" * 200 + b"1" + b")" * 200 + b"\n")
w("mixed_201.py", m + b"x = " + b"f([{" * 67 + b"1" + b"}])" * 67 + b"\n")
w("indent_99.py", m + b"".join(b" " * i + b"if x:\n" for i in range(99)) + b" " * 99 + b"pass\n")
w("many_lines.py", m + b"x = 1\n" * 200000)
# (a long comment buys the work and memory budgets, which grow with the
# file, that 201000 add() calls need)
w("many_adds.py", b"import keras\nmodel = keras.Sequential()\nfor i in range(1000):\n"
  b"    for j in range(201):\n        model.add(keras.layers.ReLU())\n"
  b"#" + b"x" * 10000000 + b"\n")
PY
B=$TMP/kp_bounds
kp_want "keras-py invalid UTF-8" "$B/utf8_bad.py" '^4:34 invalid UTF-8 in Python source \(byte 0xc3\)$'
kp_want "keras-py overlong UTF-8" "$B/utf8_overlong.py" '^7:3 invalid UTF-8'
kp_want "keras-py valid UTF-8" "$B/utf8_good.py" '^-$'
kp_want "keras-py latin-1 declared" "$B/latin1.py" '^-$'
kp_want "keras-py 201 nested brackets" "$B/parens_201.py" '^7:205 nested deeper than 200 levels'
kp_want "keras-py 200 nested brackets" "$B/parens_200.py" '^-$'
kp_want "keras-py 201 mixed brackets" "$B/mixed_201.py" '^7:272 nested deeper than 200 levels'
kp_want "keras-py 99 indents" "$B/indent_99.py" '^-$'
kp_want "keras-py too many lines" "$B/many_lines.py" '^200001:1 more than 200000 lines'
kp_want "keras-py too many layers" "$B/many_adds.py" '^5:9 more than 200000 layers$'
