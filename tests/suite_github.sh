# tests/suite_github.sh - `--format github` (workflow commands), its use by
# default under GITHUB_ACTIONS=true, and the exit status, which is the same
# in every output format.
# Sourced by tests/run.sh (NNLINT, ROOT, TMP; the current folder is ROOT).

mkdir -p "$TMP/gh"

# gh_same NAME EXPECTED ACTUAL: compare two files, show a diff
gh_same() { golden "$1" "$2" "$3"; }

# ---- the commands, built from the JSON reporter's findings ----
GH_FILES="--rules fixtures/cli/rules fixtures/cli/relu.yaml fixtures/cli/utf8.yaml fixtures/cli/info.yaml fixtures/onnx/relu_output.onnx fixtures/cli/broken.yaml fixtures/cli/no-such-file.yaml"
# shellcheck disable=SC2086
"$NNLINT" --format github $GH_FILES >"$TMP/gh/out" 2>/dev/null
# shellcheck disable=SC2086
"$NNLINT" --format json $GH_FILES >"$TMP/gh/json" 2>/dev/null
python3 -c '
import json, sys
def prop(s):
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")
def data(s):
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
cmd = {"error": "error", "warning": "warning", "info": "notice"}
for g in json.load(open(sys.argv[1]))["diagnostics"]:
    p = ["file=" + prop(g["path"])]
    lines = not g.get("where") and not g["path"].endswith(".onnx") and "cannot read" not in g["message"]
    if lines:
        p += ["line=%d" % g["line"], "endLine=%d" % g["end_line"]]
        if g["line"] == g["end_line"]:
            p += ["col=%d" % g["column"], "endColumn=%d" % g["end_column"]]
    p.append("title=" + prop(g["rule"] + (" " + g["name"] if g["name"] else "")))
    m = g["message"]
    if g.get("where"): m += "\nat: " + g["where"]
    if g.get("fix"): m += "\nfix: " + g["fix"]
    print("::%s %s::%s" % (cmd[g["severity"]], ",".join(p), data(m)))
' "$TMP/gh/json" >"$TMP/gh/want"
gh_same "github: one command per finding, as the JSON output says" "$TMP/gh/want" "$TMP/gh/out"
if grep -q '^::notice ' "$TMP/gh/out" && grep -q '^::error file=fixtures/onnx/relu_output.onnx,title=NN007' "$TMP/gh/out" &&
   grep -q '%0Aat: ' "$TMP/gh/out"; then
  pass "github: notice for info; binary ONNX: file-level, node in the message"
else
  fail "github: notice for info; binary ONNX: file-level, node in the message" "$(cat "$TMP/gh/out")"
fi

# ---- escaping: a path and message with , : % and a newline cannot break
# out of the command ----
mkdir -p "$TMP/gh/w"
printf 'layers:\n  - {type: Dense, units: 8, activation: relu}\n  - {type: Dense, units: 1, activation: relu}\n' >"$TMP/gh/w/a,b:c%d.yaml"
(cd "$TMP/gh/w" && "$NNLINT" --format github "a,b:c%d.yaml") >"$TMP/gh/esc" 2>&1
if grep -qF '::error file=a%2Cb%3Ac%25d.yaml,line=3,endLine=3,col=41,endColumn=45,title=NN007 output-activation::' "$TMP/gh/esc" &&
   [ "$(wc -l <"$TMP/gh/esc")" = 1 ]; then
  pass "github: properties escaped (%, :, ,), one line per finding"
else
  fail "github: properties escaped (%, :, ,), one line per finding" "$(cat "$TMP/gh/esc")"
fi
# a file outside the current directory keeps its path; an absolute path
# under it becomes relative
(cd "$TMP/gh/w" && "$NNLINT" --format github "$TMP/gh/w/a,b:c%d.yaml") >"$TMP/gh/abs" 2>&1
if grep -qF '::error file=a%2Cb%3Ac%25d.yaml,' "$TMP/gh/abs"; then pass "github: paths relative to the workspace"; else fail "github: paths relative to the workspace" "$(cat "$TMP/gh/abs")"; fi

# ---- GITHUB_ACTIONS=true: github unless --format says otherwise ----
GITHUB_ACTIONS=true "$NNLINT" fixtures/cli/relu.yaml >"$TMP/gh/env" 2>&1
"$NNLINT" --format github fixtures/cli/relu.yaml >"$TMP/gh/flag" 2>&1
gh_same "github: default under GITHUB_ACTIONS=true" "$TMP/gh/flag" "$TMP/gh/env"
GITHUB_ACTIONS=true "$NNLINT" --format text fixtures/cli/relu.yaml >"$TMP/gh/env_text" 2>&1
env -u GITHUB_ACTIONS "$NNLINT" fixtures/cli/relu.yaml >"$TMP/gh/text" 2>&1
gh_same "github: --format text wins over GITHUB_ACTIONS" "$TMP/gh/text" "$TMP/gh/env_text"
GITHUB_ACTIONS=false "$NNLINT" fixtures/cli/relu.yaml >"$TMP/gh/env_false" 2>&1
gh_same "github: GITHUB_ACTIONS=false keeps text" "$TMP/gh/text" "$TMP/gh/env_false"

# ---- exit status: the same in every format ----
gh_status() { # NAME WANT ARGS...: every format exits WANT
  name=$1; want=$2; shift 2
  bad=""
  for f in text json sarif github lsp; do
    "$NNLINT" --format "$f" "$@" >/dev/null 2>&1
    st=$?
    [ "$st" = "$want" ] || bad="$bad $f:$st"
  done
  if [ -z "$bad" ]; then pass "exit status $want in every format: $name"; else fail "exit status $want in every format: $name" "got$bad"; fi
}
gh_status "clean" 0 fixtures/cli/clean.yaml
gh_status "error finding" 1 fixtures/cli/relu.yaml
gh_status "info below --fail-on" 0 --rules fixtures/cli/rules fixtures/cli/info.yaml
gh_status "info with --fail-on info" 1 --fail-on info --rules fixtures/cli/rules fixtures/cli/info.yaml
gh_status "binary ONNX finding" 1 fixtures/onnx/relu_output.onnx
gh_status "parse error" 2 fixtures/cli/broken.yaml
gh_status "unreadable file" 2 fixtures/cli/no-such-file.yaml
gh_status "finding and parse error" 2 fixtures/cli/relu.yaml fixtures/cli/broken.yaml
gh_status "usage error" 2 --fail-on nonsense fixtures/cli/clean.yaml
