"""tests/protowire.py - the protobuf wire format, written byte by byte, for
test scripts that make ONNX files no library would write (malformed ones).

    varint(n)           a base-128 varint (n taken modulo 2^64)
    key(num, wt)        a field's key: number and wire type
    f_len(num, bytes)   a length-delimited field
    f_int(num, n)       a varint field
    f_str(num, s)       a length-delimited field holding text (or bytes)
"""


def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(num, wt):
    return varint(num << 3 | wt)


def f_len(num, payload):
    return key(num, 2) + varint(len(payload)) + payload


def f_int(num, v):
    return key(num, 0) + varint(v)


def f_str(num, s):
    return f_len(num, s.encode() if isinstance(s, str) else s)
