# tests/suite_onnx_text.sh - the ONNX textual syntax front end (sourced by
# tests/run.sh): every syntax form, every kind of malformed input with its
# exact location, the real files of the corpus, and golden findings.

OT=$ROOT/fixtures/onnx-text

# The NN000 diagnostics of a file as "line:col-end_line:end_col<TAB>message",
# one a line; nothing when the file parses.
ot_nn000() {
  "$NNLINT" --format json "$1" 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("no JSON output: %s" % e); sys.exit(0)
for x in d["diagnostics"]:
    if x["rule"] == "NN000":
        print("%d:%d-%d:%d\t%s" % (x["line"], x["column"], x["end_line"], x["end_column"], x["message"]))
'
}

# Valid fixtures: every syntax form parses, with no NN000.
for f in "$OT"/*.onnxtxt; do
  n=$(basename "$f")
  out=$(ot_nn000 "$f")
  if [ -z "$out" ]; then pass "onnx-text valid $n"; else fail "onnx-text valid $n" "$out"; fi
done

# Malformed fixtures: one NN000 each, at the exact span, with the message.
grep -v '^#' "$OT/bad/EXPECTED" | while IFS='	' read -r n loc msg; do
  printf '%s\t%s\t%s\n' "$n" "$loc" "$msg"
done > "$TMP/ot_expected"
while IFS='	' read -r n loc msg; do
  out=$(ot_nn000 "$OT/bad/$n")
  count=$(printf '%s\n' "$out" | grep -c .)
  got_loc=$(printf '%s\n' "$out" | head -1 | cut -f1)
  case "$out" in
    *"$msg"*) ok_msg=1 ;;
    *) ok_msg=0 ;;
  esac
  if [ "$count" = 1 ] && [ "$got_loc" = "$loc" ] && [ $ok_msg = 1 ]; then
    pass "onnx-text bad $n"
  else
    fail "onnx-text bad $n" "want $loc $msg" "got  $out"
  fi
  expect_status "onnx-text bad $n exits 2" 2 "$NNLINT" "$OT/bad/$n"
done < "$TMP/ot_expected"
# every malformed fixture is listed
for f in "$OT"/bad/*.onnxtxt; do
  n=$(basename "$f")
  if grep -q "^$n	" "$TMP/ot_expected"; then pass "onnx-text bad $n listed"; else fail "onnx-text bad $n listed" "add it to fixtures/onnx-text/bad/EXPECTED"; fi
done

# Random damage never crashes: truncate and corrupt the valid fixture.
python3 - "$OT/forms.onnxtxt" "$TMP/ot_fuzz" <<'PY'
import os, random, sys
src = open(sys.argv[1], "rb").read()
os.makedirs(sys.argv[2], exist_ok=True)
rnd = random.Random(7)
for i in range(120):
    b = bytearray(src)
    if i < 40:
        b = b[: rnd.randrange(len(b))]
    else:
        for _ in range(rnd.randrange(1, 6)):
            b[rnd.randrange(len(b))] = rnd.choice(b'{}()<>[]=,:"#/-.\x00\xff 0123456789abc')
    open(os.path.join(sys.argv[2], "f%03d.onnxtxt" % i), "wb").write(bytes(b))
PY
crashed=""
for f in "$TMP"/ot_fuzz/*.onnxtxt; do
  "$NNLINT" --format json "$f" >/dev/null 2>&1
  rc=$?
  [ $rc -le 2 ] || crashed="$crashed $(basename "$f"):$rc"
done
if [ -z "$crashed" ]; then pass "onnx-text damaged files: no crash"; else fail "onnx-text damaged files: no crash" "$crashed"; fi

# The corpus: every .onnxtxt file is linted without a crash; the valid ones
# give no NN000; the broken ones (listed here with the reason) give one NN000
# at the location onnx.parser reports for them, or (for a name nothing
# defines, which onnx.checker rejects) at the node or graph output using it:
# external_data_test_L846's then_branch adds C, which only else_branch
# defines; parser_test_L740 declares an output w that no node computes.
if [ -n "$CORPUS" ] && [ -d "$CORPUS/onnx-text" ]; then
  cat > "$TMP/ot_broken" <<'LIST'
onnx_external_data_test_L846.onnxtxt	7:10-7:29	input 'C' of node 1 (Add) in graph 'g1' is not defined
onnx_parser_test_L740.onnxtxt	1:42-1:43	output 'w' of graph 'agraph' is not defined
onnx_ONNXTypes_L74.onnxtxt	5:39-5:45	unknown type 'opaque'
onnx_automatic_downgrade_test_L119.onnxtxt	6:1-6:1	found end of file
onnx_parser_test_L53.onnxtxt	3:14-3:15	expected '(' to open the node's inputs, found '['
onnx_parser_test_L65.onnxtxt	3:29-3:30	expected ']' to close the opset imports
LIST
  for f in "$CORPUS"/onnx-text/*.onnxtxt; do
    n=$(basename "$f")
    out=$(ot_nn000 "$f")
    "$NNLINT" "$f" >/dev/null 2>&1
    rc=$?
    if [ $rc -gt 2 ]; then fail "onnx-text corpus $n" "exit status $rc"; continue; fi
    want=$(grep "^$n	" "$TMP/ot_broken")
    if [ -z "$want" ]; then
      if [ -z "$out" ]; then pass "onnx-text corpus $n"; else fail "onnx-text corpus $n" "$out"; fi
    else
      loc=$(printf '%s' "$want" | cut -f2)
      msg=$(printf '%s' "$want" | cut -f3)
      case "$out" in
        "$loc	"*"$msg"*) pass "onnx-text corpus $n (broken)" ;;
        *) fail "onnx-text corpus $n (broken)" "want $loc $msg" "got  $out" ;;
      esac
    fi
  done
fi

# Golden findings for small models with mistakes (a ReLU output, an all-zero
# weight initializer, a Round between two MatMuls with weights).
# OT_UPDATE_GOLDEN=1 writes the expected files from the current output
# (review them: each must hold the finding its model was written for).
for g in relu_output zero_weight round_between; do
  "$NNLINT" --format json "$OT/$g.onnxtxt" 2>/dev/null |
    sed "s|$OT/||" > "$TMP/ot_$g.json"
  [ -n "${OT_UPDATE_GOLDEN:-}" ] && cp "$TMP/ot_$g.json" "$OT/golden/$g.json"
  golden "onnx-text golden $g" "$OT/golden/$g.json" "$TMP/ot_$g.json"
done
