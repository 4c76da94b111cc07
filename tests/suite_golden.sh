# tests/suite_golden.sh - golden tests (sourced by tests/run.sh).
#
# fixtures/golden/NAME.yaml is linted from the checkout's root, as
#   NO_COLOR=1 nnlint fixtures/golden/NAME.yaml                -> NAME.txt
#   NO_COLOR=1 nnlint --format json fixtures/golden/NAME.yaml  -> NAME.json
# and the output must equal the expected file byte for byte (the diff is
# shown on failure).  The exit status must follow from the expected
# findings: 2 with an NN000, else 1 with an error or warning, else 0.
# UPDATE=1 rewrites the expected files from the binary's output: review
# the diff before committing it.

gdir=fixtures/golden
for spec in "$ROOT/$gdir"/*.yaml; do
  [ -f "$spec" ] || continue
  name=${spec##*/}; name=${name%.yaml}
  rel=$gdir/$name.yaml
  for fmt in txt json; do
    if [ "$fmt" = json ]; then set_fmt="--format json"; else set_fmt=; fi
    # shellcheck disable=SC2086
    (cd "$ROOT" && NO_COLOR=1 "$NNLINT" $set_fmt "$rel") >"$TMP/golden.$name.$fmt" 2>"$TMP/golden.err"
    st=$?
    if [ -n "${UPDATE:-}" ]; then
      cp "$TMP/golden.$name.$fmt" "$ROOT/$gdir/$name.$fmt"
    fi
    golden "golden: $name.$fmt" "$ROOT/$gdir/$name.$fmt" "$TMP/golden.$name.$fmt"
    if [ -f "$ROOT/$gdir/$name.json" ]; then
      if grep -q '"rule": "NN000"' "$ROOT/$gdir/$name.json"; then want=2
      elif grep -q '"severity": "\(error\|warning\)"' "$ROOT/$gdir/$name.json"; then want=1
      else want=0; fi
      if [ "$st" = "$want" ]; then pass "golden: $name.$fmt exit status $want"
      else fail "golden: $name.$fmt exit status" "got $st, want $want" "$(head -5 "$TMP/golden.err")"; fi
    fi
  done
done
