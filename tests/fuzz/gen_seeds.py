#!/usr/bin/env python3
"""gen_seeds.py - seeds the fixtures cannot give as they are, written into a
folder outside the checkout (tests/fuzz/run.sh passes one under the build
folder):

  gen_seeds.py lsp OUT FILE...         one LSP session per model file: the
                                       editor's messages, Content-Length framed
  gen_seeds.py keras_json OUT FILE...  one .keras zip (stored and deflated)
                                       per Keras JSON file, as config.json

The model files are read in place; nothing is written into the checkout.
"""
import io
import json
import os
import sys
import zipfile


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def lang_of(path):
    if path.endswith(".py"):
        return "python"
    if path.endswith(".json"):
        return "json"
    if path.endswith((".onnxtxt", ".onnx.txt")):
        return "onnx"
    return "yaml"


def session(path, text, n):
    """The messages an editor sends for one document, start to end."""
    base = os.path.basename(path)
    uri = "untitled:" + base if n % 2 else "file:///nonexistent-nnlint/" + base
    lines = text.split("\n")
    last = len(lines) - 1
    whole = {"start": {"line": 0, "character": 0},
             "end": {"line": last, "character": len(lines[-1])}}
    doc = {"uri": uri}
    msgs = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": None, "capabilities": {
             "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen",
         "params": {"textDocument": {"uri": uri, "languageId": lang_of(path),
                                     "version": 1, "text": text}}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
         "params": {"textDocument": doc, "position": {"line": min(2, last), "character": 3}}},
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/codeAction",
         "params": {"textDocument": doc, "range": whole,
                    "context": {"diagnostics": []}}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange",
         "params": {"textDocument": {"uri": uri, "version": 2},
                    "contentChanges": [
                        {"range": {"start": {"line": 0, "character": 0},
                                   "end": {"line": 0, "character": 0}},
                         "text": "# nnlint: disable=NN007\n"}]}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange",
         "params": {"textDocument": {"uri": uri, "version": 3},
                    "contentChanges": [{"text": text}]}},
        {"jsonrpc": "2.0", "method": "textDocument/didSave",
         "params": {"textDocument": doc}},
        {"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles",
         "params": {"changes": [{"uri": "file:///nonexistent-nnlint/.nnlint.yaml", "type": 2}]}},
        {"jsonrpc": "2.0", "method": "textDocument/didClose",
         "params": {"textDocument": doc}},
        {"jsonrpc": "2.0", "id": 4, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    return b"".join(frame(m) for m in msgs)


def main():
    kind, out, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    for n, path in enumerate(files):
        data = open(path, "rb").read()
        name = "%03d-%s" % (n, os.path.basename(path))
        if kind == "lsp":
            text = data.decode("utf-8", "replace")
            open(os.path.join(out, name + ".lsp"), "wb").write(session(path, text, n))
        elif kind == "keras_json":
            for method, tag in ((zipfile.ZIP_STORED, "stored"), (zipfile.ZIP_DEFLATED, "deflated")):
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", method) as z:
                    z.writestr("metadata.json", '{"keras_version": "3.0.0"}')
                    z.writestr("config.json", data)
                open(os.path.join(out, "%s.%s.keras" % (name, tag)), "wb").write(buf.getvalue())
        else:
            sys.exit("gen_seeds.py: unknown kind " + kind)


if __name__ == "__main__":
    main()
