# tests/suite_suppress.sh - inline suppressions (every form), the meta-rules
# NN100/NN101, per-file ignores for comment-less formats, and baselines on
# an edited file.  Sourced by tests/run.sh (NNLINT, ROOT, TMP).

PYS=$(python3 -c 'import sys; print(sys.executable)')
sup_rules() { "$PYS" -c 'import json,sys
d=json.load(open(sys.argv[1]))
for x in d["diagnostics"]: print(x["line"], x["rule"], x["severity"])' "$1"; }
sup_has() { if grep -qxF -- "$3" "$2"; then pass "$1"; else fail "$1" "no line '$3' in:" "$(cat "$2")"; fi; }
sup_lacks() { if grep -qF -- "$3" "$2"; then fail "$1" "unexpected '$3' in:" "$(cat "$2")"; else pass "$1"; fi; }
sup_run() { "$NNLINT" --no-config --format json "$@" >"$TMP/s.json" 2>&1; sup_rules "$TMP/s.json" >"$TMP/s.txt"; }

mkdir -p "$TMP/sup"
M=$TMP/sup/m.nnlint.yaml
# the model: NN004 at 1, NN007 at 3, NN002 (x2) and NN005 at 4
model() {
  cat >"$M" <<'YAML'
layers:
  - {type: Dense, units: 64, activation: relu}
  - {type: Dense, units: 1, activation: relu}
training: {optimizer: {type: Adam}, loss: mse, batch_size: 1024, epochs: 3}
YAML
}
model
sup_run "$M"
sup_has "suppress: model fires NN005" "$TMP/s.txt" "4 NN005 warning"
sup_has "suppress: model fires NN007" "$TMP/s.txt" "3 NN007 error"

# end of line
sed -i '3s/$/  # nnlint: disable=NN007 -- regression head on purpose/' "$M"
sup_run "$M"
sup_lacks "suppress: end of line" "$TMP/s.txt" "NN007"
sup_lacks "suppress: used comment not reported" "$TMP/s.txt" "NN101"
# line before (stacked with another comment line)
model
sed -i '3i\  # nnlint: disable=NN007\n  # another comment' "$M"
sup_run "$M"
sup_lacks "suppress: line before" "$TMP/s.txt" "NN007"
# several ids, spaces after commas
model
sed -i '4s/$/ # nnlint: disable=NN002, NN005/' "$M"
sup_run "$M"
sup_lacks "suppress: several ids (NN005)" "$TMP/s.txt" "NN005"
sup_lacks "suppress: several ids (NN002)" "$TMP/s.txt" "NN002"
# only the named rule
sup_has "suppress: others stay" "$TMP/s.txt" "3 NN007 error"
# disable-file, anywhere
model
printf '# nnlint: disable-file=NN004,NN005 -- a toy\n' >>"$M"
sup_run "$M"
sup_lacks "suppress: disable-file NN004" "$TMP/s.txt" "NN004"
sup_lacks "suppress: disable-file NN005" "$TMP/s.txt" "NN005"
# a bare disable is reported, not obeyed
model
sed -i '3s/$/  # nnlint: disable/' "$M"
sup_run "$M"
sup_has "suppress: bare disable not obeyed" "$TMP/s.txt" "3 NN007 error"
sup_has "suppress: bare disable reported (NN100)" "$TMP/s.txt" "3 NN100 warning"
model
printf '# nnlint: disable-file\n' >>"$M"
sup_run "$M"
sup_has "suppress: bare disable-file reported" "$TMP/s.txt" "5 NN100 warning"
# unknown id, unknown directive, text without " -- "
model
sed -i '3s/$/  # nnlint: disable=NN077/' "$M"
sup_run "$M"
sup_has "suppress: unknown id (NN100)" "$TMP/s.txt" "3 NN100 warning"
model
sed -i '3s/$/  # nnlint: disable=NN007 because/' "$M"
sup_run "$M"
sup_has "suppress: reason without -- (NN100)" "$TMP/s.txt" "3 NN100 warning"
sup_has "suppress: reason without -- not obeyed" "$TMP/s.txt" "3 NN007 error"
model
printf '# nnlint: enable=NN005\n' >>"$M"
sup_run "$M"
sup_has "suppress: unknown directive (NN100)" "$TMP/s.txt" "5 NN100 warning"
# the fix of a malformed comment is the comment that would work: its own
# ids, else the rules reported where it applies
sup_fix() { "$PYS" -c 'import json,sys
d=json.load(open(sys.argv[1]))
print("\n".join(x["fix"] or "" for x in d["diagnostics"] if x["rule"] == "NN100"))' "$TMP/s.json"; }
model
sed -i '3s/$/  # nnlint: disabel=NN007/' "$M"
sup_run "$M"
sup_fix >"$TMP/f.txt"
sup_has "suppress: misspelt directive: fix keeps its ids" "$TMP/f.txt" "name the rules it disables: # nnlint: disable=NN007 -- reason"
model
sed -i '4s/$/  # nnlint: disable/' "$M"
sup_run "$M"
sup_fix >"$TMP/f.txt"
sup_has "suppress: bare disable: fix names the line's rules" "$TMP/f.txt" "name the rules it disables: # nnlint: disable=NN002,NN005 -- reason"
model
sed -i '3s/$/  # nnlint: disable=NN007 because/' "$M"
sup_run "$M"
sup_fix >"$TMP/f.txt"
sup_has "suppress: reason without --: fix adds it" "$TMP/f.txt" "name the rules it disables: # nnlint: disable=NN007 -- reason"
model
printf '# nnlint: disable-file-typo=NN004\n' >>"$M"
sup_run "$M"
sup_fix >"$TMP/f.txt"
sup_has "suppress: misspelt disable-file: fix is disable-file" "$TMP/f.txt" "name the rules it disables: # nnlint: disable-file=NN004 -- reason"
# a suppression that suppresses nothing: NN101, info
model
sed -i '2s/$/  # nnlint: disable=NN007/' "$M"
sup_run "$M"
sup_has "suppress: unused (NN101 info)" "$TMP/s.txt" "2 NN101 info"
sup_run --select NN005 "$M"
sup_lacks "suppress: unused of an unselected rule is quiet" "$TMP/s.txt" "NN101"
sup_run --severity NN101=off "$M"
sup_lacks "suppress: NN101 can be turned off" "$TMP/s.txt" "NN101"
# '#' inside quoted strings is not a comment
model
sed -i '2s/$/\n  - {type: Dropout, rate: 0.1, name: "x # nnlint: disable=NN007"}/' "$M"
sed -i "2s/\$/\n  - {type: Dropout, rate: 0.1, name: 'y # nnlint: disable'}/" "$M"
sup_run "$M"
sup_lacks "suppress: # in quotes is no comment" "$TMP/s.txt" "NN100"
# a block scalar's text is no comment
model
printf 'description: |\n  # nnlint: disable=NN007\n' >>"$M"
sup_run "$M"
sup_lacks "suppress: # in a block scalar is no comment" "$TMP/s.txt" "NN101"
# the meta-rules are known to --list-rules and --explain
"$NNLINT" --no-config --list-rules >"$TMP/l.txt" 2>&1
if grep -q '^NN100  *bad-suppression ' "$TMP/l.txt" && grep -q '^NN101  *unused-suppression ' "$TMP/l.txt"; then pass "suppress: --list-rules"; else fail "suppress: --list-rules" "$(cat "$TMP/l.txt")"; fi
expect_status "suppress: --explain NN101" 0 "$NNLINT" --no-config --explain NN101
# Python and ONNX text comments
if [ -d fixtures/onnx-text ]; then
  f=$(ls fixtures/onnx-text/*.onnxtxt 2>/dev/null | head -1)
  if [ -n "$f" ]; then
    { cat "$f"; printf '\n# nnlint: disable-file=NN950\n'; } >"$TMP/sup/t.onnxtxt"
    sup_run "$TMP/sup/t.onnxtxt"
    sup_has "suppress: ONNX text comment read" "$TMP/s.txt" "$(($(wc -l <"$f") + 2)) NN100 warning"
  fi
fi

# ---- per_file_ignores for a format without comments (JSON spec) ----
printf '{"layers": [{"type": "Dense", "units": 64, "activation": "relu"}, {"type": "Dense", "units": 1, "activation": "relu"}]}\n' >"$TMP/sup/j.json"
printf 'per_file_ignores:\n  "*.json": [NN007]\n' >"$TMP/sup/.nnlint.yaml"
"$NNLINT" --format json "$TMP/sup/j.json" >"$TMP/s.json" 2>&1; sup_rules "$TMP/s.json" >"$TMP/s.txt"
sup_lacks "suppress: per_file_ignores on JSON" "$TMP/s.txt" "NN007"
"$NNLINT" --no-config --format json "$TMP/sup/j.json" >"$TMP/s.json" 2>&1; sup_rules "$TMP/s.json" >"$TMP/s.txt"
sup_has "suppress: JSON fires without the config" "$TMP/s.txt" "1 NN007 error"
rm "$TMP/sup/.nnlint.yaml"

# ---- baselines ----
model
(cd "$TMP/sup" && "$NNLINT" --no-config --write-baseline base.json m.nnlint.yaml >/dev/null 2>"$TMP/b.err"; echo $? >"$TMP/b.st")
if [ "$(cat "$TMP/b.st")" = 0 ] && grep -q "wrote 5 findings" "$TMP/b.err"; then pass "baseline: written"; else fail "baseline: written" "status $(cat "$TMP/b.st")" "$(cat "$TMP/b.err")"; fi
check "baseline: JSON with rule, path, hash, count" "$PYS" -c 'import json,sys
d=json.load(open(sys.argv[1])); f=d["findings"]
assert d["version"]==1 and len(f)==5, f
assert all(set(x)>={"rule","path","hash","count"} for x in f)
assert sum(x["count"] for x in f)==5' "$TMP/sup/base.json"
(cd "$TMP/sup" && "$NNLINT" --no-config --baseline base.json m.nnlint.yaml >"$TMP/b.out" 2>&1; echo $? >"$TMP/b.st")
if [ "$(cat "$TMP/b.st")" = 0 ] && [ ! -s "$TMP/b.out" ]; then pass "baseline: nothing new"; else fail "baseline: nothing new" "$(cat "$TMP/b.out")"; fi
# lines inserted above the findings: still nothing
sed -i '1i\# a comment\n# and another' "$M"
(cd "$TMP/sup" && "$NNLINT" --no-config --baseline base.json m.nnlint.yaml >"$TMP/b.out" 2>&1; echo $? >"$TMP/b.st")
if [ "$(cat "$TMP/b.st")" = 0 ] && [ ! -s "$TMP/b.out" ]; then pass "baseline: lines moved"; else fail "baseline: lines moved" "$(cat "$TMP/b.out")"; fi
# the offending line changed: reported
sed -i 's/units: 1, activation: relu}/units: 1, activation: relu, name: out}/' "$M"
(cd "$TMP/sup" && "$NNLINT" --no-config --baseline base.json --format json m.nnlint.yaml >"$TMP/s.json" 2>&1; echo $? >"$TMP/b.st")
sup_rules "$TMP/s.json" >"$TMP/s.txt"
if [ "$(cat "$TMP/b.st")" = 1 ] && [ "$(wc -l <"$TMP/s.txt")" = 1 ] && grep -q "NN007" "$TMP/s.txt"; then pass "baseline: changed line reported"; else fail "baseline: changed line reported" "$(cat "$TMP/s.txt")"; fi
printf 'not json' >"$TMP/sup/bad.json"
expect_status "baseline: unreadable baseline" 2 "$NNLINT" --no-config --baseline "$TMP/sup/bad.json" "$M"
