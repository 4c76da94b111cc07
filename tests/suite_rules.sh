# tests/suite_rules.sh - the rule files themselves (sourced by tests/run.sh).
#
# Every rules/NN0*.yaml loads on its own, --list-rules lists the eleven
# built-in rules, --explain works for each id, and every rule fires on each
# of its bad examples and on none of its good ones (--check-rules, run on
# the files of rules/ so a stale binary cannot hide an edit).  One check per
# rule file for its examples, with the failing lines shown.

rules_dir=$ROOT/rules

# --list-rules: the eleven built-in rules, ids NN001..NN011, once each.
"$NNLINT" --list-rules >"$TMP/rules.list" 2>&1
got=$(grep -c '^NN0[0-9][0-9] ' "$TMP/rules.list")
if [ "$got" = 11 ]; then pass "rules: --list-rules lists 11 rules"
else fail "rules: --list-rules lists 11 rules" "got $got" "$(head -20 "$TMP/rules.list")"; fi
ids=$(sed -n 's/^\(NN0[0-9][0-9]\) .*/\1/p' "$TMP/rules.list" | sort -u | tr '\n' ' ')
if [ "$ids" = "NN001 NN002 NN003 NN004 NN005 NN006 NN007 NN008 NN009 NN010 NN011 " ]; then
  pass "rules: ids NN001..NN011"
else
  fail "rules: ids NN001..NN011" "got: $ids"
fi

# The whole folder loads as user rules (replacing the built-in copies).
expect_status "rules: --rules rules/ --list-rules" 0 "$NNLINT" --rules "$rules_dir" --list-rules

# --check-rules over the source files; -v prints one line per example.
"$NNLINT" --rules "$rules_dir" --check-rules -v >"$TMP/rules.check" 2>&1
check_status=$?
if [ "$check_status" -le 1 ] && grep -q 'examples checked' "$TMP/rules.check"; then
  pass "rules: --check-rules runs"
else
  fail "rules: --check-rules runs" "exit status $check_status" "$(tail -20 "$TMP/rules.check")"
fi

for f in "$rules_dir"/NN0*.yaml; do
  base=${f##*/}
  id=${base%%-*}
  name=${base#*-}; name=${name%.yaml}

  # The file loads on its own.
  mkdir -p "$TMP/one.$id"
  cp "$f" "$TMP/one.$id/"
  "$NNLINT" --rules "$TMP/one.$id" --list-rules >"$TMP/one.out" 2>&1
  st=$?
  if [ "$st" = 0 ] && grep -q "^$id  *$name " "$TMP/one.out"; then
    pass "rules: $base loads"
  else
    fail "rules: $base loads" "exit status $st" "$(head -10 "$TMP/one.out")"
  fi

  # --explain prints the id, the name, the fix and examples.
  "$NNLINT" --explain "$id" >"$TMP/explain.out" 2>&1
  st=$?
  if [ "$st" = 0 ] && grep -q "^$id $name " "$TMP/explain.out" &&
     grep -q '^fix: ' "$TMP/explain.out" && grep -q '^bad example 1' "$TMP/explain.out" &&
     grep -q '^good example 1' "$TMP/explain.out"; then
    pass "rules: --explain $id"
  else
    fail "rules: --explain $id" "exit status $st" "$(head -10 "$TMP/explain.out")"
  fi

  # docs/rules.md has its section, under the anchor the help links use.
  lid=$(printf '%s' "$id" | tr 'A-Z' 'a-z')
  if grep -q "^<a id=\"$lid\"></a>\$" "$ROOT/docs/rules.md" &&
     grep -q "^## $id $name\$" "$ROOT/docs/rules.md"; then
    pass "rules: docs/rules.md#$lid"
  else
    fail "rules: docs/rules.md#$lid" "no '<a id=\"$lid\"></a>' + '## $id $name' section"
  fi

  # Its examples: at least two bad and two good, all behaving.
  lines=$(grep ": $id \(bad\|good\) example " "$TMP/rules.check")
  nbad=$(printf '%s\n' "$lines" | grep -c ": $id bad example [0-9]*: ")
  ngood=$(printf '%s\n' "$lines" | grep -c ": $id good example [0-9]*: ")
  bad_lines=$(printf '%s\n' "$lines" | grep -v ': ok$' | grep .)
  if [ -n "$bad_lines" ]; then
    fail "rules: $id examples" "$bad_lines"
  elif [ "$nbad" -lt 2 ] || [ "$ngood" -lt 2 ]; then
    fail "rules: $id examples" "$nbad bad and $ngood good examples checked; want 2 or more of each"
  else
    pass "rules: $id examples ($nbad bad, $ngood good)"
  fi
done

# The overall verdict of --check-rules agrees with the per-rule lines.
if grep -q ' 0 failed$' "$TMP/rules.check"; then
  pass "rules: --check-rules reports 0 failed"
else
  fail "rules: --check-rules reports 0 failed" "$(tail -1 "$TMP/rules.check")"
fi
