# tests/suite_lsp.sh - `--format lsp`: LSP Diagnostic objects grouped by
# document URI, checked against the JSON reporter's findings: 0-based
# lines, UTF-16 characters (non-ASCII text, characters outside the BMP as
# surrogate pairs), numeric severities, code, codeDescription, source.
# Sourced by tests/run.sh (NNLINT, ROOT, TMP; the current folder is ROOT).

mkdir -p "$TMP/lsp"
# non-ASCII before the findings on the same line: BMP (é, →) and astral
# (U+1F600, U+1D11E) characters
printf 'name: "r\303\251seau \360\237\230\200"\nlayers:\n  - {name: "\360\237\230\200\360\235\204\236\303\251\342\206\222", type: Dense, units: 8, activation: relu}\n  - {name: "\360\237\230\200", type: Dense, units: 1, activation: relu}\n' >"$TMP/lsp/emoji.yaml"
LSP_FILES="--rules fixtures/cli/rules $TMP/lsp/emoji.yaml fixtures/cli/utf8.yaml fixtures/cli/info.yaml fixtures/onnx/relu_output.onnx fixtures/cli/broken.yaml fixtures/cli/clean.yaml fixtures/cli/no-such-file.yaml"
# shellcheck disable=SC2086
"$NNLINT" --format lsp $LSP_FILES >"$TMP/lsp/out" 2>/dev/null
lsp_st=$?
# shellcheck disable=SC2086
"$NNLINT" --format json $LSP_FILES >"$TMP/lsp/json" 2>/dev/null
"$(python3 -c 'import sys; print(sys.executable)')" -c '
import json, os, sys, urllib.parse
out = json.load(open(sys.argv[1])); j = json.load(open(sys.argv[2]))
def err(*a): print(*a)
def uri(p):
    return "file://" + urllib.parse.quote(os.path.normpath(os.path.join(os.getcwd(), p)), safe="/-._~!$&\x27()*+,;=@")
sev = {"error": 1, "warning": 2, "info": 3}
want = {}
for g in j["diagnostics"]:
    want.setdefault(uri(g["path"]), []).append(g)
for u in want:
    if u not in out: err("missing document", u)
clean = uri("fixtures/cli/clean.yaml")
if out.get(clean) != []: err("clean document", out.get(clean))
if set(out) - set(want) - {clean}: err("extra documents", set(out) - set(want) - {clean})
def utf16(path, line, col):
    text = open(path, "rb").read().decode("utf-8", "replace").split("\n")[line - 1]
    return len(text[:col - 1].encode("utf-16-le")) // 2
astral = 0
for u, gs in want.items():
    ds = out.get(u, [])
    if len(ds) != len(gs): err(u, len(ds), "diagnostics, want", len(gs)); continue
    for d, g in zip(ds, gs):
        w = "%s:%d %s" % (g["path"], g["line"], g["rule"])
        if d.get("severity") != sev[g["severity"]]: err(w, "severity", d.get("severity"))
        if d.get("code") != g["rule"]: err(w, "code", d.get("code"))
        if d.get("source") != "nnlint": err(w, "source", d.get("source"))
        if not d.get("codeDescription", {}).get("href", "").startswith("https://"): err(w, "codeDescription", d.get("codeDescription"))
        if not d.get("message", "").startswith(g["message"]): err(w, "message", d.get("message"))
        r = d["range"]
        binary = g.get("where") or g["path"].endswith(".onnx") or "cannot read" in g["message"]
        if binary:
            want_r = ((0, 0), (0, 0))
        else:
            want_r = ((g["line"] - 1, utf16(g["path"], g["line"], g["column"])),
                      (g["end_line"] - 1, utf16(g["path"], g["end_line"], g["end_column"])))
            if want_r[0][1] != g["column"] - 1: astral += 1
        got_r = ((r["start"]["line"], r["start"]["character"]), (r["end"]["line"], r["end"]["character"]))
        if got_r != want_r: err(w, "range", got_r, "want", want_r)
        if g.get("where") and "at: " + g["where"] not in d["message"]: err(w, "no where in message")
if astral < 1: err("the test has no finding after a character outside the BMP", astral)
' "$TMP/lsp/out" "$TMP/lsp/json" >"$TMP/lsp/check" 2>&1
if [ ! -s "$TMP/lsp/check" ]; then pass "lsp: diagnostics by URI match the JSON output (UTF-16, 0-based)"; else fail "lsp: diagnostics by URI match the JSON output (UTF-16, 0-based)" "$(head -20 "$TMP/lsp/check")"; fi
if [ "$lsp_st" = 2 ]; then pass "lsp: exit status 2 with a bad file"; else fail "lsp: exit status 2 with a bad file" "status $lsp_st"; fi

# by hand: the finding is on the last line, "  - {name: \"😀\", ...}",
# after one character outside the BMP: one UTF-16 unit more than its
# 0-based code point column
"$NNLINT" --format lsp "$TMP/lsp/emoji.yaml" >"$TMP/lsp/one" 2>/dev/null
"$NNLINT" --format json "$TMP/lsp/emoji.yaml" >"$TMP/lsp/one.json" 2>/dev/null
lsp_cp=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["diagnostics"]; print(d[0]["line"], d[0]["column"])' "$TMP/lsp/one.json" 2>&1)
lsp_u=$(python3 -c 'import json,sys; d=list(json.load(open(sys.argv[1])).values())[0][0]["range"]["start"]; print(d["line"], d["character"])' "$TMP/lsp/one" 2>&1)
set -- $lsp_cp
if [ "$lsp_u" = "$(($1 - 1)) $(($2 - 1 + 1))" ] && [ "$1" = 4 ]; then
  pass "lsp: surrogate pairs count two"
else
  fail "lsp: surrogate pairs count two" "json line/column $lsp_cp, lsp $lsp_u"
fi
set --
