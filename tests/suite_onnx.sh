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

# Names: every node input and graph output needs a definition (a graph
# input, an initializer, a sparse initializer or a node output; in a
# subgraph also one of an enclosing graph; in a function its inputs and its
# nodes' outputs).  Generated models: each undefined name is one NN000 at
# the node or output that uses it, with its logical location and the byte
# offset of that node (or output) in the file; the valid one uses every
# legitimate kind of definition and gets no NN000.
mkdir -p "$TMP/onnx_refs"
python3 - "$TMP/onnx_refs" <<'PY'
import os, struct, sys
out = sys.argv[1]

def varint(n):
    b = bytearray()
    while True:
        x = n & 0x7F
        n >>= 7
        b.append(x | 0x80 if n else x)
        if not n:
            return bytes(b)

def ld(num, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(num << 3 | 2) + varint(len(payload)) + payload

def vint(num, v):
    return varint(num << 3) + varint(v)

def node(op, ins, outs, name="", attrs=()):
    b = b"".join(ld(1, i) for i in ins) + b"".join(ld(2, o) for o in outs)
    if name:
        b += ld(3, name)
    return b + ld(4, op) + b"".join(ld(5, a) for a in attrs)

def value(name, dims=(1, 4), elem=1):
    shape = b"".join(ld(1, vint(1, d)) for d in dims)
    return ld(1, name) + ld(2, ld(1, vint(1, elem) + ld(2, shape)))

def tensor(name, dims, data):
    return (b"".join(vint(1, d) for d in dims) + vint(2, 1) + ld(8, name) +
            ld(9, struct.pack("<%df" % len(data), *data)))

def graph(name, nodes, inputs=(), outputs=(), inits=(), sparse=()):
    return (b"".join(ld(1, n) for n in nodes) + ld(2, name) +
            b"".join(ld(5, t) for t in inits) +
            b"".join(ld(11, v) for v in inputs) +
            b"".join(ld(12, v) for v in outputs) +
            b"".join(ld(15, s) for s in sparse))

def graph_attr(name, g):
    return ld(1, name) + ld(6, g) + vint(20, 5)

def model(g, functions=()):
    return (vint(1, 8) + ld(8, ld(1, "") + vint(2, 18)) +
            ld(8, ld(1, "local") + vint(2, 1)) + ld(7, g) +
            b"".join(ld(25, f) for f in functions))

def function(name, ins, outs, nodes):
    return (ld(1, name) + b"".join(ld(4, i) for i in ins) +
            b"".join(ld(5, o) for o in outs) +
            b"".join(ld(7, n) for n in nodes) + ld(10, "local") +
            ld(9, ld(1, "") + vint(2, 18)))

W = tensor("w", [4, 1], [0.5, -0.25, 0.125, 0.75])
expected = []

def save(name, data, want, msg="", part=None):
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(data)
    if part is not None:
        at = data.find(part)
        assert at > 0 and data.find(part, at + 1) < 0, name
        msg += " (byte %d)" % at
    expected.append("%s\t%s\t%s" % (name, want, msg))

# a node input nothing defines
mm = node("MatMul", ["x", "nowhere"], ["h"], name="mm")
save("undefined_input", model(graph("g", [mm, node("Relu", ["h"], ["y"])],
                                    [value("x")], [value("y", (1, 1))], [W])),
     2, "input 'nowhere' of node 'mm' (MatMul) is not defined at g/mm/MatMul",
     mm)

# a graph output nothing defines
lost = value("lost", (1, 1))
save("undefined_output", model(graph(
    "g", [node("MatMul", ["x", "w"], ["h"]), node("Relu", ["h"], ["y"])],
    [value("x")], [value("y", (1, 1)), lost], [W])),
    2, "output 'lost' of graph 'g' is not defined at g", lost)

# a then_branch using a name only the else_branch defines
add_t = node("Add", ["x", "c"], ["yt"])
then_g = graph("g1", [add_t], outputs=[value("yt")])
else_g = graph("g2", [node("Relu", ["x"], ["c"]), node("Add", ["x", "c"], ["ye"])],
               outputs=[value("ye")])
save("undefined_in_branch", model(graph(
    "g", [node("If", ["flag"], ["y"], attrs=[graph_attr("then_branch", then_g),
                                             graph_attr("else_branch", else_g)])],
    [value("flag", (), 9), value("x")], [value("y")])),
    2, "input 'c' of node 0 (Add) is not defined at "
    "g/node[0]/If/then_branch/g1/node[0]/Add", add_t)

# a function node using a name of the main graph
mul = node("Mul", ["a", "s"], ["b"], name="scale")
save("undefined_in_function", model(graph(
    "g", [node("Scale", ["x"], ["y"]) + ld(7, "local")], [value("x")],
    [value("y")], [tensor("s", [1], [2.0])]),
    [function("Scale", ["a"], ["b"], [mul])]),
    2, "input 's' of node 'scale' (Mul) is not defined at Scale/scale/Mul", mul)

# every legitimate kind of definition: a node before its input's producer,
# a sparse initializer as a weight, a branch using a main-graph name
# produced after the If, an omitted optional input, a function's own names
sp = ld(1, tensor("sw", [2], [0.5, -0.5])) + ld(2, b"".join(
    vint(1, d) for d in [1, 3]) + vint(2, 7) + ld(8, "")) + vint(3, 4) + \
    vint(3, 1)
nodes = [
    node("Relu", ["h"], ["y"]),
    node("MatMul", ["x", "sw"], ["h"]),
    node("If", ["flag"], ["z"], attrs=[
        graph_attr("then_branch", graph("t", [node("Sigmoid", ["late"], ["zt"])],
                                        outputs=[value("zt", (1, 1))])),
        graph_attr("else_branch", graph("e", [node("Tanh", ["h"], ["ze"])],
                                        outputs=[value("ze", (1, 1))]))]),
    node("Neg", ["h"], ["late"]),
    node("Clip", ["y", "", ""], ["c"]),
    node("Twice", ["c"], ["f"]) + ld(7, "local"),
]
twice = function("Twice", ["a"], ["b"], [node("Add", ["t", "t"], ["b"]),
                                          node("Identity", ["a"], ["t"])])
save("defined", model(graph("g", nodes, [value("x"), value("flag", (), 9)],
                            [value("y", (1, 1)), value("z", (1, 1)),
                             value("f", (1, 1))], sparse=[sp]), [twice]),
     "01", "")
with open(os.path.join(out, "EXPECTED"), "w") as f:
    f.write("\n".join(expected) + "\n")
PY
while IFS='	' read -r n want msg; do
  "$NNLINT" --format json "$TMP/onnx_refs/$n.onnx" >"$TMP/onnx.json" 2>"$TMP/onnx.err"
  st=$?
  nn0=$(grep -c '"rule": *"NN000"' "$TMP/onnx.json")
  if [ "$want" = 01 ]; then
    if [ "$st" -le 1 ] && [ "$nn0" = 0 ]; then pass "onnx names $n: no NN000"
    else fail "onnx names $n: no NN000" "exit status $st" \
      "$(grep -m3 '"message"' "$TMP/onnx.json")" "$(head -3 "$TMP/onnx.err")"; fi
  elif [ "$st" -eq 2 ] && [ "$nn0" = 1 ] &&
       grep -qF "\"message\": \"$msg\"" "$TMP/onnx.json"; then
    pass "onnx names $n: NN000"
  else
    fail "onnx names $n: NN000" "exit status $st, $nn0 NN000, want: $msg" \
      "$(grep -m3 '"message"' "$TMP/onnx.json")"
  fi
done < "$TMP/onnx_refs/EXPECTED"

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
