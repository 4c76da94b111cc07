# tests/suite_parallel.sh - -j N: the output is the same bytes as -j 1
# (text and JSON, 200 generated files), and so is the exit status;
# --statistics and --quiet.  Sourced by tests/run.sh (NNLINT, ROOT, TMP).

mkdir -p "$TMP/par/a" "$TMP/par/b"
i=0
while [ $i -lt 200 ]; do
  d=a; [ $((i % 3)) = 0 ] && d=b
  case $((i % 4)) in
  0) printf 'layers:\n  - {type: Dense, units: %d, activation: relu}\n  - {type: Dense, units: 1, activation: relu}\n' $((i + 2)) ;;
  1) printf 'layers:\n  - {type: Dense, units: 8, activation: relu}\n  - {type: Dense, units: 10, activation: softmax}\ntraining: {optimizer: {type: Adam}, loss: categorical_crossentropy, batch_size: %d, epochs: 1}\n' $((i * 10)) ;;
  2) printf 'layers: [{type: Dense, units: 4}]\n' ;;
  3) printf 'layers: [{type: Dense, units: 4, activation: relu}\n' ;; # broken: NN000
  esac >"$TMP/par/$d/m$(printf %03d $i).nnlint.yaml"
  i=$((i + 1))
done
for fmt in text json; do
  "$NNLINT" --no-config --format $fmt -j 1 "$TMP/par" >"$TMP/par.1.$fmt" 2>&1; s1=$?
  "$NNLINT" --no-config --format $fmt -j 4 "$TMP/par" >"$TMP/par.4.$fmt" 2>&1; s4=$?
  "$NNLINT" --no-config --format $fmt "$TMP/par" >"$TMP/par.d.$fmt" 2>&1; sd=$?
  if [ -s "$TMP/par.1.$fmt" ] && cmp -s "$TMP/par.1.$fmt" "$TMP/par.4.$fmt" && cmp -s "$TMP/par.1.$fmt" "$TMP/par.d.$fmt"; then
    pass "parallel: -j 4 and default = -j 1 ($fmt)"
  else
    fail "parallel: -j 4 and default = -j 1 ($fmt)" "$(diff "$TMP/par.1.$fmt" "$TMP/par.4.$fmt" | head -10)"
  fi
  if [ "$s1" = 2 ] && [ "$s4" = 2 ] && [ "$sd" = 2 ]; then pass "parallel: same status ($fmt)"; else fail "parallel: same status ($fmt)" "$s1 $s4 $sd"; fi
done
check "parallel: JSON parses" python3 -m json.tool "$TMP/par.4.json"
# status 1 (no NN000) in parallel too
rm "$TMP"/par/*/m*3.nnlint.yaml "$TMP"/par/*/m*7.nnlint.yaml 2>/dev/null
for f in "$TMP"/par/*/*.nnlint.yaml; do grep -q '^layers: \[{type: Dense, units: 4, activation: relu}$' "$f" && rm "$f"; done
expect_status "parallel: status 1" 1 "$NNLINT" --no-config -j 3 "$TMP/par"
# --statistics: count per rule, most first, after the findings
"$NNLINT" --no-config -j 3 --statistics "$TMP/par" >"$TMP/st.out" 2>&1
"$NNLINT" --no-config --format json "$TMP/par" | python3 -c 'import json,sys,collections
c=collections.Counter(x["rule"] for x in json.load(sys.stdin)["diagnostics"])
for r,n in sorted(c.items(), key=lambda t:(-t[1],t[0])): print(n, r)' >"$TMP/st.want"
sed -n 's/^ *\([0-9][0-9]*\)  \(NN[0-9]*\)  .*/\1 \2/p' "$TMP/st.out" >"$TMP/st.got"
golden "parallel: --statistics counts" "$TMP/st.want" "$TMP/st.got"
# --quiet: no summary; nothing at all on a clean file
"$NNLINT" --no-config -q "$TMP/par" >"$TMP/q.out" 2>&1
if grep -q 'problems\? (' "$TMP/q.out"; then fail "parallel: --quiet drops the summary" "$(tail -3 "$TMP/q.out")"; else pass "parallel: --quiet drops the summary"; fi
printf 'layers:\n  - {type: Dense, units: 8, activation: relu}\n  - {type: Dense, units: 1}\n' >"$TMP/clean.nnlint.yaml"
"$NNLINT" --no-config -q "$TMP/clean.nnlint.yaml" >"$TMP/q.out" 2>&1
if [ ! -s "$TMP/q.out" ]; then pass "parallel: --quiet clean is silent"; else fail "parallel: --quiet clean is silent" "$(cat "$TMP/q.out")"; fi
expect_status "parallel: bad -j" 2 "$NNLINT" -j 0 "$TMP/clean.nnlint.yaml"
