#!/usr/bin/python3
"""Generate the ONNX fixtures in fixtures/onnx/ (small models, one mistake
or one feature each, plus malformed files).

    /usr/bin/python3 tests/onnx/make_fixtures.py [OUTDIR]

Needs Debian's python3-onnx (and numpy).  tests/suite_onnx.sh says what
nnlint must report on each file; the files are committed, so the suite
does not need python.
"""
import os
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "fixtures", "onnx")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(7)


def w(name, *shape, value=None, dtype=np.float32):
    """A weight initializer: random, or every element `value`."""
    if value is None:
        a = rng.normal(0, 0.1, size=shape).astype(dtype)
    else:
        a = np.full(shape, value, dtype=dtype)
    return nh.from_array(a, name)


def save(name, nodes, inputs, outputs, inits=(), ir=8, opset=17, check=True,
         training=None, opsets=None):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=opsets or [h.make_opsetid("", opset)],
                     producer_name="nnlint-fixtures")
    m.ir_version = ir
    if training is not None:
        m.training_info.append(training)
    if check:
        onnx.checker.check_model(m)
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(m, path)
    return m


def vi(name, t, shape):
    return h.make_tensor_value_info(name, t, shape)


F = T.FLOAT

# --- good: an MLP classifier (Gemm-relu, Dropout, Gemm-softmax) ---
save("mlp_ok", [
    h.make_node("Gemm", ["x", "w1", "b1"], ["h1"], transB=1, name="fc1"),
    h.make_node("Relu", ["h1"], ["a1"], name="relu1"),
    h.make_node("Dropout", ["a1"], ["d1"], name="drop1"),
    h.make_node("Gemm", ["d1", "w2", "b2"], ["h2"], transB=1, name="fc2"),
    h.make_node("Softmax", ["h2"], ["y"], name="softmax"),
], [vi("x", F, ["N", 20])], [vi("y", F, ["N", 10])],
    [w("w1", 64, 20), w("b1", 64), w("w2", 10, 64), w("b2", 10)])

# --- NN007: relu at the output (MatMul, bias Add, Relu) ---
save("relu_output", [
    h.make_node("MatMul", ["x", "w1"], ["m1"], name="dense1"),
    h.make_node("Add", ["m1", "b1"], ["h1"], name="bias1"),
    h.make_node("Relu", ["h1"], ["a1"], name="relu1"),
    h.make_node("MatMul", ["a1", "w2"], ["m2"], name="dense2"),
    h.make_node("Add", ["m2", "b2"], ["h2"], name="bias2"),
    h.make_node("Relu", ["h2"], ["y"], name="relu_out"),
], [vi("x", F, ["N", 8])], [vi("y", F, ["N", 1])],
    [w("w1", 8, 16), w("b1", 16), w("w2", 16, 1), w("b2", 1)])

# --- NN009: an all-zero hidden weight (error) / all-equal (warning) ---
for name, val in (("zero_weights", 0.0), ("equal_weights", 0.5)):
    save(name, [
        h.make_node("Gemm", ["x", "w1", "b1"], ["h1"], name="fc1"),
        h.make_node("Relu", ["h1"], ["a1"], name="relu1"),
        h.make_node("Gemm", ["a1", "w2", "b2"], ["y"], name="fc2"),
    ], [vi("x", F, ["N", 4])], [vi("y", F, ["N", 3])],
        [w("w1", 4, 32, value=val), w("b1", 32, value=0.0), w("w2", 32, 3),
         w("b2", 3)])

# --- NN001: raw uint8 image into a Conv, without / with normalization ---
conv_tail = [
    h.make_node("Conv", ["xf", "cw"], ["c1"], name="conv1"),
    h.make_node("Relu", ["c1"], ["r1"], name="relu1"),
    h.make_node("GlobalAveragePool", ["r1"], ["p1"], name="gap"),
    h.make_node("Flatten", ["p1"], ["f1"], name="flat"),
    h.make_node("Gemm", ["f1", "fw"], ["y"], transB=1, name="head"),
]
conv_inits = [w("cw", 8, 3, 3, 3), w("fw", 5, 8)]
save("uint8_raw", [
    h.make_node("Cast", ["img"], ["xf"], to=F, name="to_float"),
] + conv_tail, [vi("img", T.UINT8, [1, 3, 16, 16])], [vi("y", F, [1, 5])],
    conv_inits)
save("uint8_normalized", [
    h.make_node("Cast", ["img"], ["xc"], to=F, name="to_float"),
    h.make_node("Div", ["xc", "s"], ["xd"], name="scale"),
    h.make_node("Sub", ["xd", "mean"], ["xf"], name="center"),
] + conv_tail, [vi("img", T.UINT8, [1, 3, 16, 16])], [vi("y", F, [1, 5])],
    conv_inits + [nh.from_array(np.array(255.0, np.float32), "s"),
                  nh.from_array(np.array(0.5, np.float32), "mean")])

# --- NN003: int64 ids fed as numbers / through an embedding ---
save("ids_as_numbers", [
    h.make_node("Cast", ["ids"], ["xf"], to=F, name="to_float"),
    h.make_node("MatMul", ["xf", "w1"], ["y"], name="dense"),
], [vi("ids", T.INT64, ["N", 6])], [vi("y", F, ["N", 4])], [w("w1", 6, 4)])
save("ids_embedding", [
    h.make_node("Gather", ["table", "ids"], ["e"], name="embed"),
    h.make_node("ReduceMean", ["e"], ["m"], axes=[1], keepdims=0, name="pool"),
    h.make_node("MatMul", ["m", "w1"], ["y"], name="dense"),
], [vi("ids", T.INT64, ["N", 6])], [vi("y", F, ["N", 4])],
    [w("table", 100, 16), w("w1", 16, 4)], opset=13)

# --- NN008: Round between weight layers; ArgMax after the last is fine ---
save("round_between", [
    h.make_node("Gemm", ["x", "w1"], ["h1"], name="fc1"),
    h.make_node("Round", ["h1"], ["r"], name="round"),
    h.make_node("Gemm", ["r", "w2"], ["y"], name="fc2"),
], [vi("x", F, ["N", 4])], [vi("y", F, ["N", 2])],
    [w("w1", 4, 8), w("w2", 8, 2)])
save("cast_int_between", [
    h.make_node("Gemm", ["x", "w1"], ["h1"], name="fc1"),
    h.make_node("Cast", ["h1"], ["hi"], to=T.INT64, name="to_int"),
    h.make_node("Cast", ["hi"], ["hf"], to=F, name="to_float"),
    h.make_node("Gemm", ["hf", "w2"], ["y"], name="fc2"),
], [vi("x", F, ["N", 4])], [vi("y", F, ["N", 2])],
    [w("w1", 4, 8), w("w2", 8, 2)])
save("argmax_after", [
    h.make_node("Gemm", ["x", "w1"], ["h1"], name="fc1"),
    h.make_node("Tanh", ["h1"], ["a1"], name="tanh"),
    h.make_node("Gemm", ["a1", "w2"], ["l"], name="fc2"),
    h.make_node("ArgMax", ["l"], ["y"], axis=1, keepdims=0, name="argmax"),
], [vi("x", F, ["N", 4])], [vi("y", T.INT64, ["N"])],
    [w("w1", 4, 8), w("w2", 8, 3)])

# --- NN007 through Clip(0, 6) = relu6, bounds as constant inputs ---
save("clip_relu6_output", [
    h.make_node("Gemm", ["x", "w1"], ["h1"], name="fc1"),
    h.make_node("Clip", ["h1", "lo", "hi"], ["y"], name="relu6"),
], [vi("x", F, ["N", 4])], [vi("y", F, ["N", 2])],
    [w("w1", 4, 2), nh.from_array(np.array(0.0, np.float32), "lo"),
     nh.from_array(np.array(6.0, np.float32), "hi")])

# --- a residual block: two Conv paths from one source joined by Add ---
save("residual", [
    h.make_node("Conv", ["x", "c1"], ["a"], pads=[1, 1, 1, 1], name="conv1"),
    h.make_node("Relu", ["a"], ["ar"], name="relu1"),
    h.make_node("Conv", ["ar", "c2"], ["b"], pads=[1, 1, 1, 1], name="conv2"),
    h.make_node("Add", ["b", "x"], ["s"], name="skip"),
    h.make_node("Relu", ["s"], ["sr"], name="relu2"),
    h.make_node("GlobalAveragePool", ["sr"], ["p"], name="gap"),
    h.make_node("Flatten", ["p"], ["f"], name="flat"),
    h.make_node("Gemm", ["f", "fw"], ["y"], transB=1, name="head"),
], [vi("x", F, [1, 4, 8, 8])], [vi("y", F, [1, 3])],
    [w("c1", 4, 4, 3, 3), w("c2", 4, 4, 3, 3), w("fw", 3, 4)])

# --- shape arithmetic between layers: no weight layer, no broken chain ---
save("shape_subgraph", [
    h.make_node("Conv", ["x", "c1"], ["a"], name="conv1"),
    h.make_node("Shape", ["a"], ["sh"], name="shape"),
    h.make_node("Gather", ["sh", "zero"], ["n"], axis=0, name="batch"),
    h.make_node("Unsqueeze", ["n", "ax"], ["n1"], name="unsq"),
    h.make_node("Concat", ["n1", "minus1"], ["newshape"], axis=0, name="cat"),
    h.make_node("Reshape", ["a", "newshape"], ["f"], name="reshape"),
    h.make_node("MatMul", ["f", "fw"], ["l"], name="head"),
    h.make_node("Softmax", ["l"], ["y"], name="softmax"),
], [vi("x", F, ["N", 2, 4, 4])], [vi("y", F, ["N", 3])],
    [w("c1", 4, 2, 3, 3), w("fw", 16, 3),
     nh.from_array(np.array(0, np.int64), "zero"),
     nh.from_array(np.array([0], np.int64), "ax"),
     nh.from_array(np.array([-1], np.int64), "minus1")], opset=13)

# --- weights from Constant nodes and IR-3 style initializer inputs ---
save("constant_weights", [
    h.make_node("Constant", [], ["w1"], value=w("w1v", 4, 6), name="k1"),
    h.make_node("MatMul", ["x", "w1"], ["h1"], name="dense1"),
    h.make_node("Sigmoid", ["h1"], ["y"], name="sig"),
], [vi("x", F, ["N", 4])], [vi("y", F, ["N", 6])])
save("ir3_initializer_inputs", [
    h.make_node("Gemm", ["x", "w1", "b1"], ["y"], transB=1, name="fc"),
], [vi("x", F, [1, 4]), vi("w1", F, [3, 4]), vi("b1", F, [3])],
    [vi("y", F, [1, 3])], [w("w1", 3, 4), w("b1", 3)], ir=3, opset=8)

# --- a subgraph (If) and a graph that is a training step ---
then_g = h.make_graph([h.make_node("Identity", ["x"], ["t"])], "then", [],
                      [vi("t", F, [2])])
else_g = h.make_graph([h.make_node("Neg", ["x"], ["e"])], "else", [],
                      [vi("e", F, [2])])
save("subgraph_if", [
    h.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g,
                name="branch"),
], [vi("c", T.BOOL, []), vi("x", F, [2])], [vi("y", F, [2])], check=False)

# training_info: an Adam step with a constant learning rate, no dropout
algo = h.make_graph(
    [h.make_node("Adam", ["lr", "t", "w1", "g1", "v1", "h1"],
                 ["w1_new", "v1_new", "h1_new"],
                 domain="ai.onnx.preview.training", norm_coefficient=0.0,
                 name="adam")],
    "train", [vi("g1", F, [4, 8]), vi("t", T.INT64, [])],
    [vi("w1_new", F, [4, 8]), vi("v1_new", F, [4, 8]),
     vi("h1_new", F, [4, 8])],
    initializer=[nh.from_array(np.array(0.001, np.float32), "lr"),
                 w("v1", 4, 8, value=0.0), w("h1", 4, 8, value=0.0)])
ti = onnx.TrainingInfoProto()
ti.algorithm.CopyFrom(algo)
save("training_adam", [
    h.make_node("Gemm", ["x", "w1"], ["h"], name="fc1"),
    h.make_node("Relu", ["h"], ["a"], name="relu1"),
    h.make_node("Gemm", ["a", "w2"], ["y"], name="fc2"),
], [vi("x", F, ["N", 4])], [vi("y", F, ["N", 2])],
    [w("w1", 4, 8), w("w2", 8, 2)], training=ti,
    opsets=[h.make_opsetid("", 17),
            h.make_opsetid("ai.onnx.preview.training", 1)], check=False)

# --- external data: zeros read from a file next to the model; a location
#     outside the model's folder is refused ---
def external(name, location, value):
    t = w("w1", 4, 8, value=value)
    raw = t.raw_data
    t.ClearField("raw_data")
    t.data_location = T.EXTERNAL
    for k, v in (("location", location), ("offset", "0"),
                 ("length", str(len(raw)))):
        e = t.external_data.add()
        e.key, e.value = k, v
    save(name, [
        h.make_node("Gemm", ["x", "w1"], ["h"], name="fc1"),
        h.make_node("Relu", ["h"], ["a"], name="relu1"),
        h.make_node("Gemm", ["a", "w2"], ["y"], name="fc2"),
    ], [vi("x", F, ["N", 4])], [vi("y", F, ["N", 2])], [t, w("w2", 8, 2)],
        check=False)
    return raw


raw = external("external_zero", "external_zero.weights", 0.0)
with open(os.path.join(OUT, "external_zero.weights"), "wb") as f:
    f.write(raw)
external("external_escape", "../../etc/passwd", 0.0)

# --- malformed files, written byte by byte (protobuf wire format) ---
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from protowire import varint, f_len as ld, f_int as vfield  # noqa: E402


def raw_file(name, data):
    with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
        f.write(data)


good = open(os.path.join(OUT, "mlp_ok.onnx"), "rb").read()
raw_file("bad_empty", b"")
raw_file("bad_truncated", good[: len(good) * 2 // 3])
raw_file("bad_length_past_end", vfield(1, 8) + varint(7 << 3 | 2) +
         varint(1 << 40) + b"\x0a\x00")
raw_file("bad_varint_long", b"\x08" + b"\xff" * 11 + b"\x01")
raw_file("bad_varint_64", b"\x08" + b"\xff" * 9 + b"\x7f")
raw_file("bad_wire_type", vfield(1, 8) + vfield(7, 3))
raw_file("bad_utf8_name", vfield(1, 8) + ld(7, ld(1, ld(3, b"\xff\xfeconv") +
                                                  ld(4, b"Relu"))))
raw_file("bad_text", b"this is not a model\n")
# a tensor whose dims multiply past 2^63
dims = b"".join(vfield(1, 1 << 40) for _ in range(3))
raw_file("bad_huge_dims", vfield(1, 8) + ld(7, ld(5, dims + vfield(2, 1) +
                                                 ld(8, b"w") + ld(9, b"\0" * 4))))
# raw_data shorter than its dims say
raw_file("bad_raw_size", vfield(1, 8) + ld(7, ld(5, vfield(1, 1000) +
                                                vfield(2, 1) + ld(8, b"w") +
                                                ld(9, b"\0" * 8))))
# subgraphs nested 200 deep (If inside If ...)
g = ld(2, b"inner")
for _ in range(200):
    attr = ld(1, b"then_branch") + vfield(20, 5) + ld(6, g)
    g = ld(1, ld(4, b"If") + ld(5, attr))
raw_file("bad_nested_graphs", vfield(1, 8) + ld(7, g))
# two nodes feeding each other
cyc = ld(1, ld(1, b"b") + ld(2, b"a") + ld(4, b"Relu")) + \
    ld(1, ld(1, b"a") + ld(2, b"b") + ld(4, b"Relu")) + ld(2, b"cycle")
raw_file("bad_cycle", vfield(1, 8) + ld(7, cyc))

for f in sorted(os.listdir(OUT)):
    size = os.path.getsize(os.path.join(OUT, f))
    assert size < 50 * 1024, f
print("wrote", len(os.listdir(OUT)), "files to", os.path.normpath(OUT))
