#!/usr/bin/python3
"""Write the binary ONNX benchmark model: a residual conv stack and an MLP
head with random float32 weights, about MB megabytes.

    gen_onnx_binary.py OUT.onnx [MB [SEED]]

Prints "nodes bytes".  Needs Debian's python3-onnx and numpy.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
mb = float(sys.argv[2]) if len(sys.argv) > 2 else 100
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rng = np.random.default_rng(seed)
C = 256                                 # channels of the residual stack
conv_bytes = C * C * 3 * 3 * 4
blocks = max(1, round(mb * 1e6 / (2 * conv_bytes)))

nodes, inits = [], []


def weight(name, *shape):
    a = (rng.standard_normal(shape, dtype=np.float32) *
         np.float32(np.sqrt(2.0 / np.prod(shape[1:]))))
    inits.append(nh.from_array(a, name))
    return name


def conv(x, cin, cout, name, k=3):
    nodes.append(h.make_node("Conv", [x, weight(name + "_w", cout, cin, k, k),
                                      weight(name + "_b", cout)],
                             [name], pads=[k // 2] * 4, name=name))
    return name


def relu(x, name):
    nodes.append(h.make_node("Relu", [x], [name], name=name))
    return name


x = relu(conv("image", 3, C, "stem"), "stem_relu")
for i in range(blocks):
    a = relu(conv(x, C, C, "b%d_conv1" % i), "b%d_relu1" % i)
    b = conv(a, C, C, "b%d_conv2" % i)
    nodes.append(h.make_node("Add", [b, x], ["b%d_add" % i], name="b%d_add" % i))
    x = relu("b%d_add" % i, "b%d_relu2" % i)
nodes.append(h.make_node("GlobalAveragePool", [x], ["gap"], name="gap"))
nodes.append(h.make_node("Flatten", ["gap"], ["flat"], name="flat"))
nodes.append(h.make_node("Gemm", ["flat", weight("fc1_w", 1024, C),
                                  weight("fc1_b", 1024)], ["fc1"], transB=1,
                         name="fc1"))
relu("fc1", "fc1_relu")
nodes.append(h.make_node("Dropout", ["fc1_relu"], ["drop"], name="drop"))
nodes.append(h.make_node("Gemm", ["drop", weight("fc2_w", 10, 1024),
                                  weight("fc2_b", 10)], ["logits"], transB=1,
                         name="fc2"))
nodes.append(h.make_node("Softmax", ["logits"], ["probs"], name="softmax"))

g = h.make_graph(nodes, "resnet_mlp",
                 [h.make_tensor_value_info("image", T.FLOAT, ["N", 3, 64, 64])],
                 [h.make_tensor_value_info("probs", T.FLOAT, ["N", 10])],
                 initializer=inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)],
                 producer_name="nnlint-bench")
m.ir_version = 8
onnx.save(m, out)
import os
print(len(nodes), os.path.getsize(out))
