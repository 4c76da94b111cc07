# tests/suite_cli.sh - the command line and the reporters: every option,
# exit statuses, usage errors, the directory walk, standard input, JSON
# output, colors and caret placement.  Findings come from the small rule
# files in fixtures/cli/rules (ids XT*), selected alone so that changes to
# the built-in rules do not move these tests.
# Sourced by tests/run.sh (NNLINT, ROOT, TMP; the current folder is ROOT).

CLI=fixtures/cli
# the interpreter itself, not a version manager's wrapper (which can take
# seconds to start, for each of the many small checks below)
PY=$(python3 -c 'import sys; print(sys.executable)')
# nnlint with the test rules only
xt() { "$NNLINT" --rules "$CLI/rules" --select XT "$@"; }

# contains NAME FILE TEXT: pass if FILE holds the fixed string TEXT
contains() {
  if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "no '$3' in:" "$(head -20 "$2")"; fi
}
lacks() {
  if grep -qF -- "$3" "$2"; then fail "$1" "unexpected '$3' in:" "$(head -20 "$2")"; else pass "$1"; fi
}
# json_ok NAME FILE: FILE is one valid JSON document
json_ok() { check "$1" "$PY" -m json.tool "$2"; }
# jq-like field extraction with python: jget FILE EXPR (EXPR over d)
jget() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# ---- information options ----
"$NNLINT" --version >"$TMP/o" 2>&1
if grep -Eq '^nnlint [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/o"; then pass "cli: --version"; else fail "cli: --version" "$(cat "$TMP/o")"; fi
expect_status "cli: -V exits 0" 0 "$NNLINT" -V
expect_status "cli: --help exits 0" 0 "$NNLINT" --help
"$NNLINT" --help >"$TMP/help" 2>&1
cli_missing=""
for o in --format --select --ignore --fail-on --severity --param --explain \
         --list-rules --rules --check-rules --verbose --version --help \
         --color --stdin-filename; do
  grep -qF -- "$o" "$TMP/help" || cli_missing="$cli_missing $o"
done
if [ -z "$cli_missing" ]; then pass "cli: --help lists every option"; else fail "cli: --help lists every option" "missing:$cli_missing"; fi
"$NNLINT" -h >"$TMP/o" 2>&1
if cmp -s "$TMP/o" "$TMP/help"; then pass "cli: -h is --help"; else fail "cli: -h is --help"; fi

# ---- usage errors: one line, a pointer to --help, status 2 ----
cli_usage() {
  name=$1; shift
  "$NNLINT" "$@" >"$TMP/uo" 2>"$TMP/ue"
  st=$?
  if [ "$st" = 2 ] && [ "$(wc -l <"$TMP/ue")" = 2 ] && grep -q "^nnlint: error: " "$TMP/ue" &&
     grep -qF "try 'nnlint --help'" "$TMP/ue" && [ ! -s "$TMP/uo" ]; then
    pass "cli: usage error: $name"
  else
    fail "cli: usage error: $name" "status $st" "$(cat "$TMP/ue")"
  fi
}
cli_usage "unknown option" --bogus
cli_usage "unknown short option" -x
cli_usage "unknown letter in bundled flags" -qx "$CLI/clean.yaml"
cli_usage "-j with a bad attached value" -jx "$CLI/clean.yaml"
cli_usage "-j at the end" "$CLI/clean.yaml" -j
# short options: a value attached (-j2) or apart (-j 2), flags bundled (-qv)
"$NNLINT" -j 2 "$CLI/relu.yaml" "$CLI/wide.yaml" >"$TMP/j_apart" 2>&1
"$NNLINT" -j2 "$CLI/relu.yaml" "$CLI/wide.yaml" >"$TMP/j_attached" 2>&1
if [ -s "$TMP/j_apart" ] && cmp -s "$TMP/j_apart" "$TMP/j_attached"; then pass "cli: -j2 as -j 2"; else fail "cli: -j2 as -j 2" "$(cat "$TMP/j_attached")"; fi
"$NNLINT" -qv "$CLI/relu.yaml" >"$TMP/qv_o" 2>"$TMP/qv_e"
"$NNLINT" -q -v "$CLI/relu.yaml" >"$TMP/q_v_o" 2>"$TMP/q_v_e"
if [ -s "$TMP/qv_e" ] && cmp -s "$TMP/qv_o" "$TMP/q_v_o" && cmp -s "$TMP/qv_e" "$TMP/q_v_e" && ! grep -q "problem" "$TMP/qv_o"; then pass "cli: -qv as -q -v"; else fail "cli: -qv as -q -v" "$(cat "$TMP/qv_o" "$TMP/qv_e")"; fi
cli_usage "bad --format" --format xml "$CLI/clean.yaml"
cli_usage "bad --format=" --format=xml "$CLI/clean.yaml"
cli_usage "bad --color" --color sometimes "$CLI/clean.yaml"
cli_usage "bad --fail-on" --fail-on fatal "$CLI/clean.yaml"
cli_usage "--fail-on off" --fail-on off "$CLI/clean.yaml"
cli_usage "bad --severity" --severity XT001 "$CLI/clean.yaml"
cli_usage "bad --severity level" --severity XT001=loud "$CLI/clean.yaml"
cli_usage "bad --param" --param XT001=3 "$CLI/clean.yaml"
cli_usage "empty --select" --select , "$CLI/clean.yaml"
cli_usage "missing value" "$CLI/clean.yaml" --format
cli_usage "value on a flag" --verbose=yes "$CLI/clean.yaml"
cli_usage "two modes" --list-rules --explain XT001
cli_usage "mode with files" --list-rules "$CLI/clean.yaml"
cli_usage "empty --stdin-filename" --stdin-filename "" -
"$NNLINT" --formt json >/dev/null 2>"$TMP/ue"
contains "cli: unknown option suggests the nearest" "$TMP/ue" "did you mean '--format'"

# ---- exit statuses and --fail-on ----
expect_status "cli: clean file exits 0" 0 xt "$CLI/clean.yaml"
xt "$CLI/clean.yaml" >"$TMP/o" 2>&1
if [ ! -s "$TMP/o" ]; then pass "cli: clean file prints nothing"; else fail "cli: clean file prints nothing" "$(cat "$TMP/o")"; fi
expect_status "cli: warning exits 1" 1 xt "$CLI/wide.yaml"
expect_status "cli: error exits 1" 1 xt "$CLI/relu.yaml"
expect_status "cli: info exits 0 by default" 0 xt "$CLI/info.yaml"
expect_status "cli: --fail-on info" 1 xt --fail-on info "$CLI/info.yaml"
expect_status "cli: --fail-on=info" 1 xt --fail-on=info "$CLI/info.yaml"
expect_status "cli: --fail-on error, warning only" 0 xt --fail-on error "$CLI/wide.yaml"
expect_status "cli: --fail-on error, error" 1 xt --fail-on error "$CLI/relu.yaml"
expect_status "cli: parse failure exits 2" 2 xt "$CLI/broken.yaml"
expect_status "cli: parse failure beats findings" 2 xt "$CLI/wide.yaml" "$CLI/broken.yaml"
xt "$CLI/broken.yaml" >"$TMP/o" 2>&1
contains "cli: parse failure is NN000" "$TMP/o" "[NN000"

# ---- unreadable file: reported, others still linted, status 2 ----
xt "$CLI/no-such-file.yaml" "$CLI/wide.yaml" >"$TMP/o" 2>"$TMP/e"
st=$?
if [ "$st" = 2 ]; then pass "cli: unreadable file exits 2"; else fail "cli: unreadable file exits 2" "status $st"; fi
contains "cli: unreadable file line" "$TMP/o" "$CLI/no-such-file.yaml: error: cannot read: "
if grep -Eq "^$CLI/wide.yaml:[0-9]+:[0-9]+: warning: " "$TMP/o"; then pass "cli: next file still linted"; else fail "cli: next file still linted" "$(cat "$TMP/o")"; fi
xt --format json "$CLI/no-such-file.yaml" "$CLI/wide.yaml" >"$TMP/j" 2>"$TMP/e"
json_ok "cli: json with unreadable file is valid" "$TMP/j"
got=$(jget "$TMP/j" "[(x['rule'], x['line'], x['column']) for x in d['diagnostics'] if x['path'].endswith('no-such-file.yaml')]")
if [ "$got" = "[('NN000', 1, 1)]" ]; then pass "cli: json unreadable is NN000 at 1:1"; else fail "cli: json unreadable is NN000 at 1:1" "$got"; fi

# ---- text format ----
xt "$CLI/wide.yaml" >"$TMP/o" 2>&1
cli_line=$(grep -n "units: 500" "$CLI/wide.yaml" | cut -d: -f1)
cli_col=$("$PY" -c "import sys; print(open(sys.argv[1]).read().split('\n')[int(sys.argv[2])-1].index('500')+1)" "$CLI/wide.yaml" "$cli_line")
contains "cli: text header" "$TMP/o" "$CLI/wide.yaml:$cli_line:$cli_col: warning: layer has 500 units, more than 100 [XT001 wide-layer]"
contains "cli: text source line" "$TMP/o" "  - {type: Dense, units: 500, activation: relu}"
contains "cli: text caret" "$TMP/o" "$(printf "%$((cli_col - 1))s^~~" "")"
contains "cli: text fix" "$TMP/o" "  fix: use at most 100 units"
tail -2 "$TMP/o" >"$TMP/tail"
printf '\n1 problem (0 errors, 1 warning, 0 infos)\n' >"$TMP/want"
golden "cli: text summary" "$TMP/want" "$TMP/tail"
xt "$CLI/wide.yaml" "$CLI/relu.yaml" "$CLI/info.yaml" >"$TMP/o" 2>&1
contains "cli: text summary counts" "$TMP/o" "3 problems (1 error, 1 warning, 1 info)"

# caret under a span preceded by multi-byte UTF-8 on the same line
xt "$CLI/utf8.yaml" >"$TMP/o" 2>&1
"$PY" - "$TMP/o" "$CLI/utf8.yaml" >"$TMP/py" 2>&1 <<'EOF'
import sys
out = open(sys.argv[1], encoding="utf-8").read().split("\n")
src = open(sys.argv[2], encoding="utf-8").read().split("\n")
n = next(i for i, l in enumerate(src) if "units: 500" in l)
col = src[n].index("500")           # code points before the span
head = next(i for i, l in enumerate(out) if "[XT001" in l)
assert out[head].startswith("%s:%d:%d: " % (sys.argv[2], n + 1, col + 1)), out[head]
assert out[head + 1] == src[n], (out[head + 1], src[n])
assert out[head + 2] == " " * col + "^~~", repr(out[head + 2])
EOF
if [ $? = 0 ]; then pass "cli: caret after multi-byte UTF-8"; else fail "cli: caret after multi-byte UTF-8" "$(cat "$TMP/py")"; fi
xt --format json "$CLI/utf8.yaml" >"$TMP/j" 2>&1
got=$(jget "$TMP/j" "[(x['line'], x['column'], x['end_line'], x['end_column']) for x in d['diagnostics']]")
want=$("$PY" -c "
import sys
src = open(sys.argv[1], encoding='utf-8').read().split('\\n')
n = next(i for i, l in enumerate(src) if 'units: 500' in l)
c = src[n].index('500') + 1
print([(n + 1, c, n + 1, c + 3)])" "$CLI/utf8.yaml")
if [ "$got" = "$want" ]; then pass "cli: json code point columns"; else fail "cli: json code point columns" "$got"; fi

# a tab before the span is echoed in the caret line; CR is not shown
printf 'layers:\r\n  - {type: Dense,\tunits: 500}\r\n  - {type: Dense, units: 1}\r\n' >"$TMP/tab.yaml"
xt "$TMP/tab.yaml" >"$TMP/o" 2>&1
printf '  - {type: Dense,\tunits: 500}\n%17s\t%7s^~~\n' '' '' >"$TMP/want"
sed -n '2,3p' "$TMP/o" >"$TMP/got"
golden "cli: tab kept, CR removed, caret aligned" "$TMP/want" "$TMP/got"

# a long line is shown as a window around the span
"$PY" -c "
print('layers: [' + ', '.join(['{type: Dense, units: 8}'] * 20) + ', {type: Dense, units: 500}, ' + ', '.join(['{type: Dense, units: 7}'] * 20) + ']')
" >"$TMP/long.yaml"
xt "$TMP/long.yaml" >"$TMP/o" 2>&1
"$PY" - "$TMP/o" >"$TMP/py" 2>&1 <<'EOF'
import sys
out = open(sys.argv[1], encoding="utf-8").read().split("\n")
line, caret = out[1], out[2]
assert len(line) < 200, len(line)
assert line.startswith("...") and line.endswith("..."), line
c = caret.index("^")
assert line[c:c + 3] == "500", (line, caret)
assert caret[c:] == "^~~", caret
EOF
if [ $? = 0 ]; then pass "cli: long line window"; else fail "cli: long line window" "$(cat "$TMP/py")"; fi

# input bytes never reach the terminal raw: control characters in a
# message, invalid UTF-8 in a source line
printf 'layers:\n  - {type: Dense, name: "tmp\\e[31mX", units: 8}\n' >"$TMP/esc.yaml"
xt "$TMP/esc.yaml" >"$TMP/o" 2>&1
contains "cli: escape in a message is replaced" "$TMP/o" "layer 'tmp?[31mX'"
printf 'layers:\n  - {type: Dense, units: 8}  # caf\351 \377\n' >"$TMP/bad8.yaml"
xt "$TMP/bad8.yaml" "$TMP/esc.yaml" >"$TMP/o" 2>&1
if LC_ALL=C grep -q "$(printf '\033')" "$TMP/o" || ! "$PY" -c "import sys; open(sys.argv[1], encoding='utf-8').read()" "$TMP/o" 2>/dev/null; then
  fail "cli: text output is clean UTF-8" "$(od -c "$TMP/o" | head)"; else pass "cli: text output is clean UTF-8"; fi
xt --format json "$TMP/bad8.yaml" "$TMP/esc.yaml" >"$TMP/j" 2>&1
json_ok "cli: json valid with invalid UTF-8 input" "$TMP/j"

# ---- json format ----
xt --format json "$CLI/clean.yaml" >"$TMP/j" 2>&1
printf '{\n  "version": 1,\n  "diagnostics": []\n}\n' >"$TMP/want"
golden "cli: json empty run" "$TMP/want" "$TMP/j"
json_ok "cli: json empty run is valid" "$TMP/j"
xt --format json "$CLI/wide.yaml" "$CLI/relu.yaml" "$CLI/info.yaml" "$CLI/broken.yaml" >"$TMP/j" 2>&1
json_ok "cli: json findings are valid" "$TMP/j"
got=$(jget "$TMP/j" "sorted(set(tuple(x.keys()) for x in d['diagnostics']))")
want="[('path', 'line', 'column', 'end_line', 'end_column', 'rule', 'name', 'severity', 'message', 'fix')]"
if [ "$got" = "$want" ]; then pass "cli: json keys and order"; else fail "cli: json keys and order" "$got"; fi
got=$(jget "$TMP/j" "list(d.keys()) == ['version', 'diagnostics'] and d['version'] == 1")
if [ "$got" = True ]; then pass "cli: json top level"; else fail "cli: json top level" "$got"; fi
got=$(jget "$TMP/j" "sorted((x['rule'], x['severity']) for x in d['diagnostics'])")
want="[('NN000', 'error'), ('XT001', 'warning'), ('XT002', 'error'), ('XT003', 'info')]"
if [ "$got" = "$want" ]; then pass "cli: json rules and severities"; else fail "cli: json rules and severities" "$got"; fi
# the output is exactly jansson's 2-space rendering of the whole object
"$PY" -c "
import json, sys
t = open(sys.argv[1]).read()
d = json.loads(t)
sys.exit(0 if json.dumps(d, indent=2, ensure_ascii=False) + '\n' == t else 1)" "$TMP/j"
if [ $? = 0 ]; then pass "cli: json layout"; else fail "cli: json layout" "$(head -20 "$TMP/j")"; fi
xt --format=json "$CLI/wide.yaml" >"$TMP/j1" 2>&1
xt --format json "$CLI/wide.yaml" >"$TMP/j2" 2>&1
golden "cli: --opt=value is --opt value" "$TMP/j1" "$TMP/j2"

# binary models have no lines: findings read path:1:1 and name the element
# (when there is one: a finding on the whole model has no `where`)
if [ -n "${CORPUS:-}" ] && [ -d "$CORPUS/onnx-binary" ]; then
  "$NNLINT" --format json "$CORPUS/onnx-binary" >"$TMP/j" 2>/dev/null
  "$PY" - "$TMP/j" >"$TMP/py" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["diagnostics"]:
    if not x["path"].endswith(".onnx"):
        continue
    assert (x["line"], x["column"], x["end_line"], x["end_column"]) == (1, 1, 1, 1), x
    keys = list(x.keys())
    assert keys[:10] == ["path", "line", "column", "end_line", "end_column", "rule",
                         "name", "severity", "message", "fix"], keys
    assert keys[10:] in ([], ["where"]), keys
EOF
  if [ $? = 0 ]; then pass "cli: binary findings at 1:1 with where"; else fail "cli: binary findings at 1:1 with where" "$(cat "$TMP/py")"; fi
  "$NNLINT" "$CORPUS/onnx-binary" >"$TMP/o" 2>/dev/null
  "$PY" - "$TMP/o" >"$TMP/py" 2>&1 <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
for i, l in enumerate(lines):
    if l.startswith("  at: "):
        assert ":1:1: " in lines[i - 1], lines[i - 1]
    assert not any(ord(c) < 32 and c != "\t" for c in l), repr(l)
EOF
  if [ $? = 0 ]; then pass "cli: binary findings in text"; else fail "cli: binary findings in text" "$(cat "$TMP/py")"; fi
fi

# ---- --select, --ignore, --severity, --param ----
expect_status "cli: --select other rule" 0 "$NNLINT" --rules "$CLI/rules" --select XT001 "$CLI/relu.yaml"
expect_status "cli: --select repeatable" 1 "$NNLINT" --rules "$CLI/rules" --select XT001 --select XT002 "$CLI/relu.yaml"
expect_status "cli: --select list" 1 "$NNLINT" --rules "$CLI/rules" --select XT001,XT002 "$CLI/relu.yaml"
expect_status "cli: --ignore" 0 xt --ignore XT002 "$CLI/relu.yaml"
expect_status "cli: --ignore prefix" 0 xt --ignore XT "$CLI/relu.yaml"
expect_status "cli: --severity off" 0 xt --severity XT001=off "$CLI/wide.yaml"
xt --severity XT001=error --format json "$CLI/wide.yaml" >"$TMP/j" 2>&1
got=$(jget "$TMP/j" "[x['severity'] for x in d['diagnostics']]")
if [ "$got" = "['error']" ]; then pass "cli: --severity error"; else fail "cli: --severity error" "$got"; fi
expect_status "cli: --severity info with --fail-on error" 0 xt --severity=XT001=info --fail-on error "$CLI/wide.yaml"
expect_status "cli: --severity unknown rule" 2 xt --severity XT010=error "$CLI/wide.yaml"
xt --severity XT01=error "$CLI/wide.yaml" >/dev/null 2>"$TMP/e"
contains "cli: --severity unknown rule suggests" "$TMP/e" "XT001"
expect_status "cli: --param raises a threshold" 0 xt --param XT001.max_units=1000 "$CLI/wide.yaml"
expect_status "cli: --param=" 0 xt --param=XT001.max_units=1000 "$CLI/wide.yaml"
xt --param XT001.max_units=50 "$CLI/clean.yaml" "$CLI/wide.yaml" >"$TMP/o" 2>&1
contains "cli: --param in the message" "$TMP/o" "more than 50"
expect_status "cli: --param unknown rule" 2 xt --param XT999.max_units=1 "$CLI/wide.yaml"

# ---- --explain, --list-rules, --rules, --check-rules ----
xt --explain XT001 >"$TMP/o" 2>&1
st=$?
if [ "$st" = 0 ]; then pass "cli: --explain exits 0"; else fail "cli: --explain exits 0" "status $st"; fi
contains "cli: --explain prints the explanation" "$TMP/o" "Fires on every layer whose units exceed"
"$NNLINT" --rules "$CLI/rules" --explain XT01 >"$TMP/o" 2>"$TMP/e"
st=$?
if [ "$st" = 2 ] && grep -q "XT001" "$TMP/e" && grep -q "XT01" "$TMP/e"; then
  pass "cli: --explain unknown id suggests"; else fail "cli: --explain unknown id suggests" "status $st" "$(cat "$TMP/e")"; fi

"$NNLINT" --rules "$CLI/rules" --list-rules >"$TMP/o" 2>&1
grep '^XT' "$TMP/o" >"$TMP/xt"
printf '%s\n' \
  'XT001  wide-layer   warning  a layer with more than max_units units' \
  'XT002  relu-output  error    the output layer has a ReLU-like activation' \
  'XT003  named-layer  info     a layer whose name starts with "tmp"' >"$TMP/want"
if grep -q '^NN' "$TMP/o"; then
  # with built-in rules the columns are wider: compare words, check alignment
  tr -s ' ' <"$TMP/xt" >"$TMP/xt1"; tr -s ' ' <"$TMP/want" >"$TMP/want1"
  golden "cli: --list-rules lines" "$TMP/want1" "$TMP/xt1"
else
  golden "cli: --list-rules lines" "$TMP/want" "$TMP/xt"
fi
got=$(awk '{ print index($0, $2) }' "$TMP/o" | sort -u | wc -l)
if [ "$got" = 1 ]; then pass "cli: --list-rules aligned"; else fail "cli: --list-rules aligned" "$(cat "$TMP/o")"; fi
"$NNLINT" --rules "$CLI/rules" --severity XT001=off --list-rules >"$TMP/o" 2>&1
contains "cli: --list-rules shows overrides" "$TMP/o" "off"

"$NNLINT" --rules "$CLI/badrules" "$CLI/clean.yaml" >"$TMP/o" 2>"$TMP/e"
st=$?
if [ "$st" = 2 ] && grep -Eq "^$CLI/badrules/XT900-broken.yaml:[0-9]+:[0-9]+: " "$TMP/e"; then
  pass "cli: bad rule file"; else fail "cli: bad rule file" "status $st" "$(cat "$TMP/e")"; fi
cli_usage "--rules not a directory" --rules "$CLI/clean.yaml" "$CLI/clean.yaml"

# every loaded rule is checked, the built-in ones too: the test rules must
# pass, and the status must agree with the count
"$NNLINT" --rules "$CLI/rules" --check-rules >"$TMP/o" 2>&1
st=$?
cli_failed=$(sed -n 's/^[0-9][0-9]* examples checked, \([0-9][0-9]*\) failed$/\1/p' "$TMP/o")
case "$cli_failed:$st" in 0:0 | [1-9]*:1) cli_ok=1 ;; *) cli_ok= ;; esac
if [ -n "$cli_ok" ] && ! grep -q "$CLI/rules" "$TMP/o"; then
  pass "cli: --check-rules passes"; else fail "cli: --check-rules passes" "status $st" "$(grep -v '^rules/' "$TMP/o")"; fi
mkdir -p "$TMP/failrules"
sed -e 's/units: 500}]/units: 5}]/' "$CLI/rules/XT001-wide-layer.yaml" >"$TMP/failrules/XT001-wide-layer.yaml"
"$NNLINT" --rules "$TMP/failrules" --check-rules >"$TMP/o" 2>&1
st=$?
if [ "$st" = 1 ] && grep -Eq '^[0-9]+ examples checked, [1-9][0-9]* failed$' "$TMP/o" && grep -q XT001 "$TMP/o"; then
  pass "cli: --check-rules fails"; else fail "cli: --check-rules fails" "status $st" "$(cat "$TMP/o")"; fi

# ---- directory walk ----
cp -R "$CLI/tree" "$TMP/tree"
mkdir -p "$TMP/tree/.hidden" "$TMP/tree/node_modules" "$TMP/tree/__pycache__" "$TMP/tree/a/deeper"
for d in .hidden node_modules __pycache__; do cp "$CLI/wide.yaml" "$TMP/tree/$d/m.yaml"; done
cp "$CLI/wide.yaml" "$TMP/tree/.dot.yaml"
cp "$CLI/wide.yaml" "$TMP/tree/a/deeper/z.yaml"
ln -s .. "$TMP/tree/a/deeper/loop"            # a symbolic link loop
ln -s ../b.yaml "$TMP/tree/a/link.yaml"       # a link to a file is linted
xt --format json "$TMP/tree" >"$TMP/j" 2>"$TMP/e" &
cli_pid=$!
cli_n=0
while kill -0 "$cli_pid" 2>/dev/null && [ "$cli_n" -lt 100 ]; do sleep 0.1; cli_n=$((cli_n + 1)); done
if kill -0 "$cli_pid" 2>/dev/null; then
  kill "$cli_pid"; fail "cli: walk terminates on a symlink loop"
else
  pass "cli: walk terminates on a symlink loop"
fi
wait "$cli_pid" 2>/dev/null
got=$("$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(' '.join(x['path'][len(sys.argv[2])+1:] for x in d['diagnostics']))" "$TMP/j" "$TMP/tree")
want="a/deeper/z.yaml a/link.yaml a/x.yaml b.yaml c.yml"
if [ "$got" = "$want" ]; then pass "cli: walk order and skips"; else fail "cli: walk order and skips" "got:  $got" "want: $want"; fi
(cd "$TMP/tree" && "$NNLINT" --rules "$ROOT/$CLI/rules" --select XT --format json) >"$TMP/j" 2>&1
got=$(jget "$TMP/j" "' '.join(x['path'] for x in d['diagnostics'])")
if [ "$got" = "$want" ]; then pass "cli: no argument lints ."; else fail "cli: no argument lints ." "got:  $got" "want: $want"; fi
expect_status "cli: explicit unknown-format file is skipped" 0 xt "$TMP/tree/notes.txt"
xt --verbose "$TMP/tree" >/dev/null 2>"$TMP/e"
contains "cli: --verbose notes a skipped file" "$TMP/e" "notes.txt: skipped"
contains "cli: --verbose notes the format" "$TMP/e" "b.yaml: yaml"
xt -v "$TMP/tree/notes.txt" >/dev/null 2>"$TMP/e"
contains "cli: --verbose explicit skip" "$TMP/e" "notes.txt: skipped"
xt "$TMP/tree" >/dev/null 2>"$TMP/e"
if [ ! -s "$TMP/e" ]; then pass "cli: quiet stderr without --verbose"; else fail "cli: quiet stderr without --verbose" "$(cat "$TMP/e")"; fi

# ---- standard input ----
xt --stdin-filename models/m.yaml - <"$CLI/wide.yaml" >"$TMP/o" 2>&1
st=$?
if [ "$st" = 1 ]; then pass "cli: stdin exits 1"; else fail "cli: stdin exits 1" "status $st"; fi
contains "cli: stdin named by --stdin-filename" "$TMP/o" "models/m.yaml:$cli_line:$cli_col: warning"
xt --stdin-filename=m.yaml --format json <"$CLI/wide.yaml" >"$TMP/j" 2>&1
got=$(jget "$TMP/j" "[x['path'] for x in d['diagnostics']]")
if [ "$got" = "['m.yaml']" ]; then pass "cli: --stdin-filename alone reads stdin"; else fail "cli: --stdin-filename alone reads stdin" "$got"; fi
xt - <"$CLI/wide.yaml" >"$TMP/o" 2>&1
st=$?
if [ "$st" = 0 ] || [ "$st" = 1 ]; then pass "cli: stdin without a name"; else fail "cli: stdin without a name" "status $st" "$(cat "$TMP/o")"; fi

# ---- -- ends options ----
xt -- --no-such.yaml >"$TMP/o" 2>&1
st=$?
if [ "$st" = 2 ] && grep -qF -- "--no-such.yaml: error: cannot read" "$TMP/o"; then
  pass "cli: -- ends options"; else fail "cli: -- ends options" "status $st" "$(cat "$TMP/o")"; fi

# ---- color ----
esc=$(printf '\033')
NO_COLOR=1 xt "$CLI/wide.yaml" >"$TMP/o" 2>&1
if grep -q "$esc" "$TMP/o"; then fail "cli: NO_COLOR, no escapes"; else pass "cli: NO_COLOR, no escapes"; fi
NO_COLOR=1 xt --color always "$CLI/wide.yaml" >"$TMP/o" 2>&1
contains "cli: --color always overrides NO_COLOR" "$TMP/o" "${esc}["
NO_COLOR= xt --color=never "$CLI/wide.yaml" >"$TMP/o" 2>&1
lacks "cli: --color never" "$TMP/o" "$esc"
NO_COLOR= xt --color auto "$CLI/wide.yaml" >"$TMP/o" 2>&1
lacks "cli: --color auto off a terminal" "$TMP/o" "$esc"
NO_COLOR=1 xt --color always "$CLI/wide.yaml" | sed "s/$esc\[[0-9;]*m//g" >"$TMP/o1"
NO_COLOR=1 xt "$CLI/wide.yaml" >"$TMP/o2"
golden "cli: colors change nothing else" "$TMP/o2" "$TMP/o1"
if command -v script >/dev/null 2>&1; then
  NO_COLOR= script -qec "$NNLINT --rules $CLI/rules --select XT $CLI/wide.yaml" /dev/null >"$TMP/o" 2>&1
  contains "cli: --color auto on a terminal" "$TMP/o" "${esc}["
  NO_COLOR=1 script -qec "$NNLINT --rules $CLI/rules --select XT $CLI/wide.yaml" /dev/null >"$TMP/o" 2>&1
  lacks "cli: NO_COLOR on a terminal" "$TMP/o" "${esc}["
fi

# ---- many files: memory stays flat ----
mkdir -p "$TMP/many"
cli_n=0
while [ "$cli_n" -lt 300 ]; do cp "$CLI/wide.yaml" "$TMP/many/m$cli_n.yaml"; cli_n=$((cli_n + 1)); done
check "cli: 300 files" sh -c "'$NNLINT' --rules $CLI/rules --select XT --format json '$TMP/many' | "$PY" -c 'import json,sys; d=json.load(sys.stdin); sys.exit(len(d[\"diagnostics\"]) != 300)'"

# ---- the manual page renders ----
if command -v man >/dev/null 2>&1; then
  LC_ALL=C.UTF-8 MANWIDTH=80 man -l docs/nnlint.1 >"$TMP/man" 2>"$TMP/mane"
  if grep -q "EXIT STATUS" "$TMP/man" && grep -q -- "--stdin-filename" "$TMP/man" && [ ! -s "$TMP/mane" ]; then
    pass "cli: man page renders"; else fail "cli: man page renders" "$(cat "$TMP/mane")"; fi
fi
