# tests/suite_engine.sh - the rule engine: rule file loading and its error
# positions, the expression language, templates, overrides, the built-in
# rules' examples, embed.sh and the README field table.
# Sourced by tests/run.sh (NNLINT, ROOT, TMP; pass/fail/check/golden).

ENG=$ROOT/tests/engine

# ---- a driver over a hand-built model (no front end needed) ----
# Built against the object files next to $NNLINT, without the CLI.
eng_obj=$(dirname "$NNLINT")/obj
eng_drv=$TMP/engine_driver
if [ -d "$eng_obj" ] &&
   cc -std=c11 -D_GNU_SOURCE -I"$ROOT/lint" -o "$eng_drv" "$ENG/driver.c" \
      $(find "$eng_obj" -name '*.o' ! -path '*/cli/*') \
      $(make -s -C "$ROOT" print-libs) 2>"$TMP/drv.err"; then
  pass "engine: driver builds"
  # expressions and templates: one template per line of eval.in
  : > "$TMP/eval.out"
  while IFS= read -r t; do
    "$eng_drv" eval "$t" >> "$TMP/eval.out" 2>&1
  done < "$ENG/eval.in"
  golden "engine: expressions and templates" "$ENG/eval.out" "$TMP/eval.out"
  "$eng_drv" run "$ENG/run" > "$TMP/run.out" 2>&1
  golden "engine: rules over a model (logic, quantifiers, at, where, replace, context)" \
    "$ENG/run.out" "$TMP/run.out"
  "$eng_drv" run "$ENG/run" NN901.lim=5000 NN903=error > "$TMP/run-params.out" 2>&1
  golden "engine: param and severity overrides" "$ENG/run-params.out" "$TMP/run-params.out"
  "$eng_drv" run "$ENG/run" NN901=off > "$TMP/run-off.out" 2>&1
  if grep -q NN901 "$TMP/run-off.out"; then fail "engine: severity off disables a rule"
  else pass "engine: severity off disables a rule"; fi
  "$eng_drv" run "$ENG/run" NN901.nope=1 NN901.lim=abc NN904=info NN901.act=3 \
    > "$TMP/run-err.out" 2>&1
  grep error "$TMP/run-err.out" > "$TMP/run-err.txt"
  golden "engine: bad overrides" "$ENG/run-errors.out" "$TMP/run-err.txt"
else
  fail "engine: driver builds" "$(head -20 "$TMP/drv.err")"
fi

# ---- malformed rule files: exact path:line:col and message ----
# Each tests/engine/bad/X.yaml starts with "# expect: LINE:COL: MESSAGE".
for f in "$ENG"/bad/*.yaml; do
  n=$(basename "$f" .yaml)
  d=$TMP/bad-$n
  mkdir -p "$d"
  cp "$f" "$d/"
  want="$d/$n.yaml:$(sed -n '1s/^# expect: //p' "$f" | sed 's/^\([0-9]*:[0-9]*\): /\1: error: /')"
  "$NNLINT" --rules "$d" --list-rules > "$TMP/bad.out" 2> "$TMP/bad.err"
  st=$?
  got=$(head -1 "$TMP/bad.err")
  if [ "$st" = 2 ] && [ "$got" = "$want" ]; then pass "engine: bad rule $n"
  else fail "engine: bad rule $n" "status $st" "want: $want" "got:  $got"; fi
done

# ---- the built-in rules load and list ----
"$NNLINT" --list-rules > "$TMP/list.out" 2>&1
st=$?
# every rule file's id is listed (the suppression meta-rules NN100/NN101
# are listed too, but have no file)
missing=""
for f in "$ROOT"/rules/NN*.yaml; do
  id=$(basename "$f"); id=${id%%-*}
  grep -q "^$id " "$TMP/list.out" || missing="$missing $id"
done
if [ "$st" = 0 ] && [ -z "$missing" ]; then
  pass "engine: --list-rules lists every built-in rule"
else
  fail "engine: --list-rules lists every built-in rule" "status $st" "missing:$missing" "$(head -5 "$TMP/list.out")"
fi
"$NNLINT" --explain NN005 > "$TMP/explain.out" 2>&1
if head -1 "$TMP/explain.out" | grep -q '^NN005 large-batch-size ([a-z]*)$' &&
   grep -Eq 'bad example 1( \([a-z-]+\))?:' "$TMP/explain.out" && grep -q '^fix: ' "$TMP/explain.out"; then
  pass "engine: --explain"
else
  fail "engine: --explain" "$(head -5 "$TMP/explain.out")"
fi

# ---- --check-rules: every rule's bad/good examples (needs the YAML front end) ----
printf 'layers: [{type: Dense, units: 1}]\n' > "$TMP/probe.yaml"
if "$NNLINT" -v "$TMP/probe.yaml" 2>&1 | grep -q 'skipped'; then
  printf 'skip engine: --check-rules (the YAML front end does not parse models yet)\n'
else
  check "engine: --check-rules over the built-in rules" "$NNLINT" --check-rules
  check "engine: --check-rules over test rules" "$NNLINT" --check-rules --rules "$ENG/examples"
  expect_status "engine: --check-rules fails a wrong example" 1 \
    "$NNLINT" --check-rules --select NN951 --rules "$ENG/examples-wrong"
  if grep -q 'NN951-wrong.yaml:[0-9]*:[0-9]*: NN951 good example 1: expected no finding' "$TMP/status.out"; then
    pass "engine: --check-rules failure line"
  else
    fail "engine: --check-rules failure line" "$(head -5 "$TMP/status.out")"
  fi
fi

# ---- embed.sh: exact bytes, any byte, zero files ----
awk 'BEGIN { for (i = 0; i < 256; i++) printf "%c", i; printf "\n??=\\\"*/ end" }' > "$TMP/bytes.yaml"
cat > "$TMP/embed_main.c" <<'EOC'
#include <stdio.h>
extern const char *const nnl_builtin_rule_texts[];
extern const size_t nnl_builtin_rule_sizes[];
extern const size_t nnl_builtin_rule_count;
int main(void) {
  for (size_t i = 0; i < nnl_builtin_rule_count; i++)
    fwrite(nnl_builtin_rule_texts[i], 1, nnl_builtin_rule_sizes[i], stdout);
  return 0;
}
EOC
if sh "$ROOT/lint/engine/embed.sh" "$TMP/bytes.yaml" "$ROOT/rules/README.md" > "$TMP/emb.c" &&
   cc -Wall -Wextra -Werror -o "$TMP/emb" "$TMP/emb.c" "$TMP/embed_main.c" &&
   "$TMP/emb" > "$TMP/emb.out" && cat "$TMP/bytes.yaml" "$ROOT/rules/README.md" | cmp -s - "$TMP/emb.out"; then
  pass "engine: embed.sh keeps every byte"
else
  fail "engine: embed.sh keeps every byte"
fi
if sh "$ROOT/lint/engine/embed.sh" > "$TMP/emb0.c" &&
   cc -Wall -Wextra -Werror -o "$TMP/emb0" "$TMP/emb0.c" "$TMP/embed_main.c" && "$TMP/emb0"; then
  pass "engine: embed.sh with no rule files"
else
  fail "engine: embed.sh with no rule files"
fi

# ---- rules/README.md documents exactly the fields of ir_fields.def ----
sh "$ROOT/lint/engine/fields_table.sh" "$ROOT/lint/ir_fields.def" > "$TMP/fields.want"
sed -n '/^<!-- fields:begin/,/^<!-- fields:end/p' "$ROOT/rules/README.md" | sed '1d;$d' > "$TMP/fields.got"
golden "engine: README field table matches ir_fields.def (regenerate with lint/engine/fields_table.sh)" \
  "$TMP/fields.want" "$TMP/fields.got"

# ---- a check whose message renders to nothing: every reporter writes it ----
# (found by fuzz_rules: the JSON and SARIF reporters took the empty text for
# an allocation failure)
mkdir -p "$TMP/empty_msg"
cp "$ROOT/fixtures/fuzz/rules/empty-message.yaml" "$TMP/empty_msg/rule.yaml"
printf 'layers:\n  - {type: Dense, units: 10, activation: softmax}\ntraining: {batch_size: 32, epochs: 3}\n' \
  > "$TMP/empty_msg.nnlint.yaml"
for fmt in text json sarif github; do
  expect_status "engine: an empty message, --format $fmt" 1 \
    "$NNLINT" --rules "$TMP/empty_msg" --select NN903 --format "$fmt" "$TMP/empty_msg.nnlint.yaml"
done
"$NNLINT" --rules "$TMP/empty_msg" --select NN903 --format json "$TMP/empty_msg.nnlint.yaml" \
  > "$TMP/empty_msg.json" 2>&1
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if [x["message"] for x in d["diagnostics"]] == [""] else 1)' \
     "$TMP/empty_msg.json" 2>/dev/null; then
  pass "engine: an empty message is an empty JSON string"
else
  fail "engine: an empty message is an empty JSON string" "$(head -20 "$TMP/empty_msg.json")"
fi
