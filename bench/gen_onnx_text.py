#!/usr/bin/env python3
"""gen_onnx_text.py - write a large model in the ONNX textual syntax.

    gen_onnx_text.py OUT NODES [SEED]

A residual MLP: blocks of MatMul (weight initializer), Add (bias
initializer), Relu and a residual Add, repeated until NODES nodes, then a
Softmax head.  Only syntax that onnx 1.12's onnx.parser reads, so both
sides of the benchmark parse the same file.  Same seed, same bytes.
Prints "nodes bytes".
"""
import random
import sys


def main():
    out, nodes = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    width = 4
    blocks = max(1, (nodes - 1) // 4)
    lines = ['<ir_version: 8, opset_import: ["" : 18]>',
             'residual_mlp (float[N, %d] x0) => (float[N, %d] y)' % (width, width)]
    inits = []
    for b in range(blocks):
        w = ", ".join("%.4f" % rnd.uniform(-1, 1) for _ in range(width * width))
        c = ", ".join("%.4f" % rnd.uniform(-0.1, 0.1) for _ in range(width))
        inits.append("  float[%d, %d] w%d = {%s}" % (width, width, b, w))
        inits.append("  float[%d] b%d = {%s}" % (width, b, c))
    lines.append("<\n" + ",\n".join(inits) + "\n>")
    lines.append("{")
    for b in range(blocks):
        lines.append("  m%d = MatMul (x%d, w%d)" % (b, b, b))
        lines.append("  a%d = Add (m%d, b%d)" % (b, b, b))
        lines.append("  r%d = Relu (a%d)" % (b, b))
        lines.append("  x%d = Add (x%d, r%d)" % (b + 1, b, b))
    lines.append("  y = Softmax (x%d)" % blocks)
    lines.append("}")
    text = "\n".join(lines) + "\n"
    with open(out, "w") as f:
        f.write(text)
    print(blocks * 4 + 1, len(text.encode()))


main()
