# tests/suite_variants.sh - the same mistake written differently is found
# just the same (sourced by tests/run.sh).
#
# fixtures/variants/NNxxx/ holds, for rule NNxxx:
#   PAIR.VARIANT.yaml   one mistake written one way; the files sharing PAIR
#                       write the same mistake differently (Keras names vs
#                       PyTorch aliases, string vs mapping initializer, fused
#                       activation vs activation layer, a list vs `repeat:`,
#                       a sequence vs a named graph with `inputs:`)
#   clean*.yaml         the corrected model: NNxxx must not fire
# Each variant must parse, NNxxx must fire on it, and every variant of a
# pair must get the same NNxxx findings: as many, with the same severities.

vdir=$ROOT/fixtures/variants

# The findings of rule $1 on file $2 (with only that rule selected) as
# "N" (their number) and, in $TMP/variant.sev, their severities; "parse"
# when the file did not lint cleanly as a model.
variant_hits() {
  (cd "${2%/*}" && "$NNLINT" --select "$1" "${2##*/}") >"$TMP/variant.out" 2>&1
  st=$?
  if [ "$st" -gt 1 ] || grep -q '\[NN000' "$TMP/variant.out"; then
    echo parse
    return
  fi
  grep "\[$1 " "$TMP/variant.out" | sed 's/^[^ ]* \([a-z]*\):.*/\1/' | sort | tr '\n' ',' >"$TMP/variant.sev"
  grep -c "\[$1 " "$TMP/variant.out"
}

for rdir in "$vdir"/NN*; do
  [ -d "$rdir" ] || continue
  id=${rdir##*/}
  pairs=
  for f in "$rdir"/*.yaml; do
    base=${f##*/}
    stem=${base%.yaml}
    hits=$(variant_hits "$id" "$f")
    case $stem in
    clean*)
      if [ "$hits" = 0 ]; then pass "variants: $id $base: no finding"
      else fail "variants: $id $base: no finding" "got: $hits" "$(head -20 "$TMP/variant.out")"; fi
      continue ;;
    esac
    if [ "$hits" = parse ]; then
      fail "variants: $id $base" "does not lint as a model" "$(head -20 "$TMP/variant.out")"
    elif [ "$hits" -ge 1 ]; then
      pass "variants: $id $base fires"
    else
      fail "variants: $id $base fires" "no $id finding" "$(head -20 "$TMP/variant.out")"
    fi
    pair=${stem%%.*}
    printf '%s %s %s:%s\n' "$pair" "$base" "$hits" "$(cat "$TMP/variant.sev")" >>"$TMP/variants.$id"
    case " $pairs " in *" $pair "*) ;; *) pairs="$pairs $pair" ;; esac
  done
  # Every variant of a pair gets the same number of findings.
  for pair in $pairs; do
    members=$(grep -c "^$pair " "$TMP/variants.$id")
    counts=$(grep "^$pair " "$TMP/variants.$id" | cut -d' ' -f3 | sort -u | wc -l)
    if [ "$members" -lt 2 ]; then
      fail "variants: $id $pair" "only $members variant; a pair needs 2 or more"
    elif [ "$counts" = 1 ]; then
      pass "variants: $id $pair: same findings in $members variants"
    else
      fail "variants: $id $pair: same findings" "$(grep "^$pair " "$TMP/variants.$id" | cut -d' ' -f2-)"
    fi
  done
  npairs=$(echo $pairs | wc -w)
  if [ "$npairs" -ge 2 ]; then pass "variants: $id has $npairs pairs"
  else fail "variants: $id has 2 or more pairs" "got $npairs"; fi
  rm -f "$TMP/variants.$id"
done
